package com.procledger.domain;

import java.util.UUID;

/**
 * Every event belongs to exactly one tenant's ledger. The ledger reads the tenant from the event itself,
 * so no event can be stored without one.
 */
public interface TenantScoped {

    /** The tenant for platform-level facts (the operator account), which belong to no customer. */
    UUID PLATFORM = new UUID(0L, 0L);

    UUID tenantId();
}
