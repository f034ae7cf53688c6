package com.procledger.domain.identity;

import com.procledger.domain.TenantScoped;

import java.util.Set;
import java.util.UUID;

/** Facts about a user account. Type names are stored in the ledger forever. */
public sealed interface UserEvent extends TenantScoped {

    record UserRegistered(UUID userId, UUID tenantId, String email, String name, String passwordHash,
                          Set<Role> roles, String department, UUID registeredBy) implements UserEvent {
    }

    record UserDeactivated(UUID userId, UUID tenantId, UUID deactivatedBy, String reason) implements UserEvent {
    }
}
