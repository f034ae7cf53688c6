package com.procledger.domain.approval;

import com.procledger.domain.DomainException;
import com.procledger.domain.Money;
import com.procledger.domain.identity.Role;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApprovalPolicyTest {

    static final ApprovalStep MANAGER = new ApprovalStep("Manager", Role.APPROVER, BigDecimal.ZERO);
    static final ApprovalStep FINANCE = new ApprovalStep("Finance", Role.FINANCE, new BigDecimal("1000"));
    static final ApprovalStep BOARD = new ApprovalStep("Board", Role.TENANT_ADMIN, new BigDecimal("50000"));

    final ApprovalPolicy policy = new ApprovalPolicy(List.of(MANAGER, FINANCE, BOARD));

    @Test
    void aStepAppliesFromItsMinimumInclusive() {
        assertThat(policy.stepsFor(Money.of("999.99", "EUR"))).containsExactly(MANAGER);
        assertThat(policy.stepsFor(Money.of("1000.00", "EUR"))).containsExactly(MANAGER, FINANCE);
        assertThat(policy.stepsFor(Money.of("75000", "EUR"))).containsExactly(MANAGER, FINANCE, BOARD);
    }

    @Test
    void theDefaultPolicyIsOneApproverStepFromZero() {
        assertThat(ApprovalPolicy.defaultPolicy().stepsFor(Money.of("0.01", "EUR")))
                .singleElement().extracting(ApprovalStep::role).isEqualTo(Role.APPROVER);
    }

    @Test
    void emptyPoliciesDuplicateNamesAndOperatorStepsAreRefused() {
        assertThatThrownBy(() -> new ApprovalPolicy(List.of())).isInstanceOf(DomainException.Invalid.class);
        assertThatThrownBy(() -> new ApprovalPolicy(List.of(MANAGER, MANAGER)))
                .isInstanceOf(DomainException.Invalid.class).hasMessageContaining("unique");
        assertThatThrownBy(() -> new ApprovalStep("Ops", Role.OPERATOR, BigDecimal.ZERO))
                .isInstanceOf(DomainException.Invalid.class);
        assertThatThrownBy(() -> new ApprovalStep("Neg", Role.APPROVER, new BigDecimal("-1")))
                .isInstanceOf(DomainException.Invalid.class);
    }
}
