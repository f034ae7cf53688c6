package com.procledger.domain;

import com.procledger.domain.access.AccessEvent;
import com.procledger.domain.identity.UserEvent;
import com.procledger.domain.requisition.RequisitionEvent;
import com.procledger.domain.tenant.TenantEvent;

import java.util.Arrays;
import java.util.List;

/**
 * Every event type of the domain, found through the sealed event interfaces. The ledger stores each under its
 * simple name ({@code RequisitionRaised}), so names must stay unique and must never be renamed.
 */
public final class DomainEvents {

    private static final List<Class<?>> SEALED_ROOTS = List.of(TenantEvent.class, UserEvent.class, RequisitionEvent.class,
            AccessEvent.class);

    private DomainEvents() {
    }

    public static List<Class<?>> types() {
        return SEALED_ROOTS.stream().flatMap(root -> Arrays.stream(root.getPermittedSubclasses())).toList();
    }
}
