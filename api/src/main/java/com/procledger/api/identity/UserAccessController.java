package com.procledger.api.identity;

import com.procledger.api.http.Caller;
import com.procledger.infra.identity.RefreshTokens;
import com.procledger.api.ledger.Commands;
import com.procledger.domain.DomainException;
import com.procledger.domain.identity.UserCommands.DeactivateUser;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import org.springframework.web.bind.annotation.RequestBody;
import com.procledger.domain.identity.Role;
import com.procledger.projections.identity.UserAccounts;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.UUID;

/**
 * A tenant admin cuts a user off: revoking every token the user holds now, or deactivating the account (which also
 * stops it from signing in again).
 */
@RestController
public class UserAccessController {

    private final UserAccounts users;
    private final RefreshTokens refreshTokens;
    private final Commands commands;

    public UserAccessController(UserAccounts users, RefreshTokens refreshTokens, Commands commands) {
        this.users = users;
        this.refreshTokens = refreshTokens;
        this.commands = commands;
    }

    public record Deactivation(@Size(max = 2000) String reason) {
    }

    @PostMapping("/api/tenants/{tenantId}/users/{userId}/deactivate")
    public ResponseEntity<Void> deactivate(@PathVariable UUID tenantId, @PathVariable UUID userId,
                                           @Valid @RequestBody(required = false) Deactivation body, Caller caller) {
        caller.requireMemberWithRole(tenantId, Role.TENANT_ADMIN);
        users.find(userId).filter(user -> user.tenantId().equals(tenantId))
                .orElseThrow(() -> new DomainException.NotFound("no user " + userId));
        commands.sendAndSettle(new DeactivateUser(userId, tenantId, caller.userId(), body == null ? null : body.reason()),
                caller.commandMetadata());
        refreshTokens.revokeUser(userId);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/api/tenants/{tenantId}/users/{userId}/revoke-tokens")
    public ResponseEntity<Void> revoke(@PathVariable UUID tenantId, @PathVariable UUID userId, Caller caller) {
        caller.requireMemberWithRole(tenantId, Role.TENANT_ADMIN);
        users.find(userId).filter(user -> user.tenantId().equals(tenantId))
                .orElseThrow(() -> new DomainException.NotFound("no user " + userId));
        refreshTokens.revokeUser(userId);
        return ResponseEntity.noContent().build();
    }
}
