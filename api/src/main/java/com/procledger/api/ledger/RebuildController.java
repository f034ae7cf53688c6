package com.procledger.api.ledger;

import com.procledger.projections.replay.Rebuilds;
import com.procledger.api.http.Caller;
import com.procledger.domain.DomainException;
import com.procledger.domain.identity.Role;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;

/** Operators rebuild a read model from the ledger without downtime, and follow its progress. */
@RestController
public class RebuildController {

    private final Rebuilds rebuilds;

    public RebuildController(Rebuilds rebuilds) {
        this.rebuilds = rebuilds;
    }

    /** 202 at once; the rebuild runs on its own thread. */
    @PostMapping("/api/admin/projections/{name}/rebuild")
    public ResponseEntity<Rebuilds.Status> rebuild(@PathVariable String name, Caller caller) {
        caller.requireAnyRole(Role.OPERATOR);
        Rebuilds.Status started = rebuilds.start(name); // an unknown name is a 404 before any URI is made of it
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .location(org.springframework.web.util.UriComponentsBuilder.fromPath("/api/admin/projections/{name}")
                        .buildAndExpand(name).encode().toUri())
                .body(started);
    }

    /** The latest rebuild of the read model: events done of total, rate, seconds left. */
    @GetMapping("/api/admin/projections/{name}")
    public Rebuilds.Status status(@PathVariable String name, Caller caller) {
        caller.requireAnyRole(Role.OPERATOR);
        return rebuilds.status(name).orElseThrow(() -> new DomainException.NotFound("no rebuild of " + name + " has run"));
    }
}
