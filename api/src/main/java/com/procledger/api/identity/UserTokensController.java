package com.procledger.api.identity;

import com.procledger.domain.DomainException;
import com.procledger.domain.identity.Role;
import com.procledger.projections.identity.UserAccounts;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.UUID;

/** A tenant admin cuts a user off: every token the user holds now stops working at once. */
@RestController
public class UserTokensController {

    private final UserAccounts users;
    private final RefreshTokens refreshTokens;

    public UserTokensController(UserAccounts users, RefreshTokens refreshTokens) {
        this.users = users;
        this.refreshTokens = refreshTokens;
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
