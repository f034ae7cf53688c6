package com.procledger.domain.approval;

import com.procledger.domain.DomainException;
import com.procledger.domain.Money;
import com.procledger.domain.identity.Role;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;

/**
 * A tenant's ordered approval steps. A step applies when the requisition total is at least its minimum;
 * each applicable step needs one approval, in the order given.
 */
public record ApprovalPolicy(List<ApprovalStep> steps) {

    public static final int MAX_STEPS = 20;

    public ApprovalPolicy {
        if (steps == null || steps.isEmpty()) {
            throw new DomainException.Invalid("an approval policy needs at least one step");
        }
        if (steps.size() > MAX_STEPS) {
            throw new DomainException.Invalid("an approval policy has at most " + MAX_STEPS + " steps");
        }
        var names = new HashSet<String>();
        for (ApprovalStep step : steps) {
            if (!names.add(step.name())) {
                throw new DomainException.Invalid("step names must be unique: '" + step.name() + "' appears twice");
            }
        }
        steps = List.copyOf(steps);
    }

    /**
     * Refuses a policy that would let some requisition through without any approval: at least one step must apply
     * from 0, so that every total meets a step. Checked when a policy is set, not when an old one is replayed.
     */
    public ApprovalPolicy requireEveryAmountCovered() {
        if (steps.stream().noneMatch(step -> step.minAmount().signum() == 0)) {
            throw new DomainException.Invalid("every requisition needs at least one approval: give one step a "
                    + "minAmount of 0 (the lowest step starts at " + steps.stream().map(ApprovalStep::minAmount)
                    .min(BigDecimal::compareTo).orElseThrow().toPlainString() + ")");
        }
        return this;
    }

    /** One APPROVER step from zero: what a new tenant starts with. */
    public static ApprovalPolicy defaultPolicy() {
        return new ApprovalPolicy(List.of(new ApprovalStep("Approval", Role.APPROVER, BigDecimal.ZERO)));
    }

    /** The steps a requisition of this total must pass, in order. */
    public List<ApprovalStep> stepsFor(Money total) {
        return steps.stream().filter(step -> total.isAtLeast(step.minAmount())).toList();
    }
}
