package com.procledger.domain.identity;

/** What a user may do. {@link #OPERATOR} runs the platform and belongs to no customer tenant. */
public enum Role {
    REQUESTER,
    APPROVER,
    FINANCE,
    ANALYST,
    COMPLIANCE,
    TENANT_ADMIN,
    OPERATOR;

    /** Roles a tenant may hand to its own users; OPERATOR is the platform's alone. */
    public boolean isTenantRole() {
        return this != OPERATOR;
    }
}
