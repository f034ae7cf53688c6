package com.procledger.domain.tenant;

import com.procledger.domain.DomainException;
import com.procledger.domain.approval.ApprovalPolicy;
import com.procledger.domain.approval.ApprovalStep;
import com.procledger.domain.identity.Role;
import com.procledger.domain.tenant.TenantCommands.ChangeApprovalPolicy;
import com.procledger.domain.tenant.TenantCommands.CreateTenant;
import com.procledger.domain.tenant.TenantEvent.ApprovalPolicyChanged;
import com.procledger.domain.tenant.TenantEvent.TenantCreated;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

class TenantTest {

    static final UUID TENANT = UUID.randomUUID();
    static final UUID OPERATOR = UUID.randomUUID();
    final AggregateTestFixture<Tenant> fixture = new AggregateTestFixture<>(Tenant.class);

    @Test
    void whenCreated_thenTheDefaultPolicyIsInForceAsVersionOne() {
        fixture.givenNoPriorActivity()
                .when(new CreateTenant(TENANT, " Acme ", "EUR", OPERATOR))
                .expectEvents(new TenantCreated(TENANT, "Acme", "EUR", OPERATOR),
                        new ApprovalPolicyChanged(TENANT, 1, ApprovalPolicy.defaultPolicy().steps(), OPERATOR));
    }

    @Test
    void whenCreatedWithAnUnknownCurrency_thenRefused() {
        fixture.givenNoPriorActivity()
                .when(new CreateTenant(TENANT, "Acme", "ABC", OPERATOR))
                .expectException(DomainException.Invalid.class);
    }

    @Test
    void givenTenant_whenPolicyChanged_thenVersionCountsUp() {
        var steps = List.of(new ApprovalStep("Manager", Role.APPROVER, BigDecimal.ZERO),
                new ApprovalStep("Finance", Role.FINANCE, new BigDecimal("100")));
        fixture.given(new TenantCreated(TENANT, "Acme", "EUR", OPERATOR),
                        new ApprovalPolicyChanged(TENANT, 1, ApprovalPolicy.defaultPolicy().steps(), OPERATOR))
                .when(new ChangeApprovalPolicy(TENANT, steps, OPERATOR))
                .expectEvents(new ApprovalPolicyChanged(TENANT, 2, steps, OPERATOR));
    }

    @Test
    void givenTenant_whenAPolicyLeavesSmallAmountsWithoutAnyStep_thenRefused() {
        var gap = List.of(new ApprovalStep("Manager", Role.APPROVER, new BigDecimal("999999999999")));
        fixture.given(new TenantCreated(TENANT, "Acme", "EUR", OPERATOR),
                        new ApprovalPolicyChanged(TENANT, 1, ApprovalPolicy.defaultPolicy().steps(), OPERATOR))
                .when(new ChangeApprovalPolicy(TENANT, gap, OPERATOR))
                .expectException(DomainException.Invalid.class)
                .expectNoEvents();
    }

    @Test
    void givenTenant_whenSecurityPolicyChanged_thenItIsRecordedAndCheckedForSenseFirst() {
        var created = new TenantCreated(TENANT, "Acme", "EUR", OPERATOR);
        fixture.given(created)
                .when(new TenantCommands.ChangeSecurityPolicy(TENANT, false, java.util.Set.of(Role.FINANCE, Role.TENANT_ADMIN), 60L, OPERATOR))
                .expectEvents(new TenantEvent.SecurityPolicyChanged(TENANT, false,
                        java.util.EnumSet.of(Role.FINANCE, Role.TENANT_ADMIN), 60L, OPERATOR));
        fixture.given(created)
                .when(new TenantCommands.ChangeSecurityPolicy(TENANT, true, java.util.Set.of(Role.OPERATOR), null, OPERATOR))
                .expectException(com.procledger.domain.DomainException.Invalid.class);
        fixture.given(created)
                .when(new TenantCommands.ChangeSecurityPolicy(TENANT, true, null, 2L, OPERATOR))
                .expectException(com.procledger.domain.DomainException.Invalid.class);
    }
}
