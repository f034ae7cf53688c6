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
}
