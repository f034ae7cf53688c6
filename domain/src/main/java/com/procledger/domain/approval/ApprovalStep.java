package com.procledger.domain.approval;

import com.procledger.domain.DomainException;
import com.procledger.domain.identity.Role;

import java.math.BigDecimal;

/** One step of a policy: applies when the total is at least {@code minAmount}; needs one approval by a {@code role} holder. */
public record ApprovalStep(String name, Role role, BigDecimal minAmount) {

    public ApprovalStep {
        if (name == null || name.isBlank()) {
            throw new DomainException.Invalid("an approval step needs a name");
        }
        if (role == null || !role.isTenantRole()) {
            throw new DomainException.Invalid("step '" + name + "' needs a tenant role");
        }
        if (minAmount == null || minAmount.signum() < 0) {
            throw new DomainException.Invalid("step '" + name + "' needs a minAmount of 0 or more");
        }
        name = name.strip();
    }
}
