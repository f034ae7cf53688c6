package com.procledger.domain.identity;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.Set;
import java.util.UUID;

/** Commands on a user account. Passwords arrive already hashed: the domain never sees a clear-text password. */
public final class UserCommands {

    private UserCommands() {
    }

    public record RegisterUser(@TargetAggregateIdentifier UUID userId, UUID tenantId, String email, String name,
                               String passwordHash, Set<Role> roles, String department, UUID registeredBy) {
    }

    /** Stops the account: it can no longer sign in, and every token it holds is revoked. */
    public record DeactivateUser(@TargetAggregateIdentifier UUID userId, UUID tenantId, UUID deactivatedBy,
                                 String reason) {
    }
}
