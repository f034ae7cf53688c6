package com.procledger.api.ledger;

import com.procledger.api.http.Caller;
import com.procledger.domain.DomainException;
import com.procledger.domain.identity.Role;
import com.procledger.projections.replay.ParkedEvents;
import org.axonframework.config.EventProcessingConfiguration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.Map;

/** Operators see the events a read model parked (ADR 0016) and retry them once the cause is fixed. */
@RestController
public class DeadLetterController {

    private final ParkedEvents parked;
    private final EventProcessingConfiguration processing;

    public DeadLetterController(ParkedEvents parked, EventProcessingConfiguration processing) {
        this.parked = parked;
        this.processing = processing;
    }

    public record DeadLetterList(Map<String, Long> counts, List<ParkedEvents.Letter> items) {
    }

    public record Retried(String readModel, int cleared, long stillParked) {
    }

    /** Counts per read model, and the parked events themselves (ids, type, cause; never their content). */
    @GetMapping("/api/admin/dead-letters")
    public DeadLetterList list(@RequestParam(required = false) String readModel,
                             @RequestParam(defaultValue = "100") int limit, Caller caller) {
        caller.requireAnyRole(Role.OPERATOR);
        if (limit < 1 || limit > 1000) {
            throw new DomainException.Invalid("limit must be between 1 and 1000");
        }
        return new DeadLetterList(parked.countsByReadModel(), parked.list(readModel, limit));
    }

    @PostMapping("/api/admin/dead-letters/{readModel}/retry")
    public Retried retry(@PathVariable String readModel, Caller caller) {
        caller.requireAnyRole(Role.OPERATOR);
        if (!processing.eventProcessors().containsKey(readModel)) {
            throw new DomainException.NotFound("no read model " + readModel);
        }
        int cleared = DeadLetters.retry(processing, parked, readModel);
        return new Retried(readModel, cleared, parked.countsByReadModel().getOrDefault(readModel, 0L));
    }
}
