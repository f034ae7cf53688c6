package com.procledger.domain.access;

import com.procledger.domain.TenantScoped;

import java.util.UUID;

/**
 * Facts about access to customer data. They go into the same ledger as the business events (DESIGN.md: the audit
 * log is the system of record), in the ledger of the tenant whose data was aimed at. Type names are stored forever.
 */
public sealed interface AccessEvent extends TenantScoped {

    /**
     * One request, as it was answered. {@code actor} is the user id, or null when the caller could not be
     * identified; {@code action} names what was attempted ({@code requisition.read}); {@code resource} is the path
     * or the account aimed at; {@code status} is the HTTP status the caller got.
     */
    record AccessRecorded(UUID tenantId, String actor, String action, String resource, AccessOutcome outcome,
                          int status, String clientIp, String userAgent, String correlationId, String tokenId)
            implements AccessEvent {
    }

    enum AccessOutcome {
        ALLOWED, DENIED
    }
}
