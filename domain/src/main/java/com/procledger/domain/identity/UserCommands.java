package com.procledger.domain.identity;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.Set;
import java.util.UUID;

/** Commands on a user account. Passwords never reach the domain: they live in the credential store. */
public final class UserCommands {

    private UserCommands() {
    }

    public record RegisterUser(@TargetAggregateIdentifier UUID userId, UUID tenantId, String email, String name,
                               Set<Role> roles, String department, UUID registeredBy) {
    }

    /** Stops the account: it can no longer sign in, and every token it holds is revoked. */
    public record DeactivateUser(@TargetAggregateIdentifier UUID userId, UUID tenantId, UUID deactivatedBy,
                                 String reason) {
    }

    /** Erases the user's personal data (their key) and stops the account for good. */
    public record EraseSubject(@TargetAggregateIdentifier UUID userId, UUID tenantId, UUID erasedBy, String reason) {
    }

    public record ChangeConsent(@TargetAggregateIdentifier UUID userId, UUID tenantId, boolean aiProcessing,
                                UUID changedBy) {
    }
}
