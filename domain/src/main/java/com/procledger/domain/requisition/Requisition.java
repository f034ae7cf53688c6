package com.procledger.domain.requisition;

import com.procledger.domain.DomainException;
import com.procledger.domain.Money;
import com.procledger.domain.approval.ApprovalPolicy;
import com.procledger.domain.approval.ApprovalStep;
import com.procledger.domain.requisition.RequisitionCommands.ApproveRequisition;
import com.procledger.domain.requisition.RequisitionCommands.CancelRequisition;
import com.procledger.domain.requisition.RequisitionCommands.RaiseRequisition;
import com.procledger.domain.requisition.RequisitionCommands.RejectRequisition;
import com.procledger.domain.requisition.RequisitionCommands.SubmitRequisition;
import com.procledger.domain.requisition.RequisitionEvent.ApprovalStepApproved;
import com.procledger.domain.requisition.RequisitionEvent.RequisitionApproved;
import com.procledger.domain.requisition.RequisitionEvent.RequisitionCancelled;
import com.procledger.domain.requisition.RequisitionEvent.RequisitionRaised;
import com.procledger.domain.requisition.RequisitionEvent.RequisitionRejected;
import com.procledger.domain.requisition.RequisitionEvent.RequisitionSubmitted;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * A request to buy, routed through the tenant's approval policy. Command handlers check the rule and apply an
 * event; state changes only in the event sourcing handlers.
 */
public class Requisition {

    public static final int MAX_LINES = 200;

    @AggregateIdentifier
    private UUID requisitionId;
    private UUID tenantId;
    private UUID requesterId;
    private RequisitionStatus status;
    private Money total;
    private List<ApprovalStep> route = List.of();
    private int nextStep;
    /** Who decided a step so far: each person decides at most one step of a requisition. */
    private Set<UUID> deciders = new HashSet<>();

    protected Requisition() {
        // for Axon: state is rebuilt from events
    }

    @CommandHandler
    public Requisition(RaiseRequisition command) {
        String title = requireText("title", command.title(), 200);
        String department = requireText("department", command.department(), 100);
        String vendor = requireText("vendor", command.vendor(), 200);
        String justification = optionalText("justification", command.justification(), 4000);
        if (!Money.isKnownCurrency(command.currency())) {
            throw new DomainException.Invalid("unknown currency '" + command.currency() + "': use an ISO 4217 code");
        }
        if (!command.currency().equals(command.tenantCurrency())) {
            throw new DomainException.Invalid("requisitions of this tenant are in " + command.tenantCurrency()
                    + ", not " + command.currency());
        }
        List<RequisitionLine> lines = command.lines();
        if (lines == null || lines.isEmpty() || lines.size() > MAX_LINES) {
            throw new DomainException.Invalid("a requisition needs 1 to " + MAX_LINES + " lines");
        }
        Money sum = Money.zero(command.currency());
        for (RequisitionLine line : lines) {
            sum = sum.plus(line.total(command.currency()));
        }
        if (!sum.isPositive()) {
            throw new DomainException.Invalid("the requisition total must be greater than 0");
        }
        apply(new RequisitionRaised(command.requisitionId(), command.tenantId(), command.requesterId(), title,
                department, vendor, command.currency(), justification, command.neededBy(), List.copyOf(lines),
                sum.amount()));
    }

    @CommandHandler
    public void handle(SubmitRequisition command) {
        requireTenant(command.tenantId());
        requireStatus(RequisitionStatus.DRAFT, "submitted");
        if (!requesterId.equals(command.actorId())) {
            throw new DomainException.NotPermitted("only the requester may submit a requisition");
        }
        List<ApprovalStep> applicable = new ApprovalPolicy(command.policySteps()).stepsFor(total);
        if (applicable.isEmpty()) {
            // never approved without an approval: a policy written before every amount had to be covered may have a gap
            throw new DomainException.IllegalTransition("no step of the approval policy applies to " + total.amount()
                    + " " + total.currency() + ": a tenant admin must give the policy a step from 0");
        }
        apply(new RequisitionSubmitted(requisitionId, tenantId, command.actorId(), command.policyVersion(), applicable));
    }

    @CommandHandler
    public void handle(ApproveRequisition command) {
        ApprovalStep step = pendingStepFor(command.tenantId(), command.approverId(), command.approverRoles(), "approved");
        apply(new ApprovalStepApproved(requisitionId, tenantId, nextStep, step.name(), step.role(),
                command.approverId(), optionalText("comment", command.comment(), 2000)));
        if (nextStep == route.size()) {
            apply(new RequisitionApproved(requisitionId, tenantId, total.amount(), total.currency()));
        }
    }

    @CommandHandler
    public void handle(RejectRequisition command) {
        ApprovalStep step = pendingStepFor(command.tenantId(), command.approverId(), command.approverRoles(), "rejected");
        String reason = requireText("reason", command.reason(), 2000);
        apply(new RequisitionRejected(requisitionId, tenantId, nextStep, step.name(), step.role(),
                command.approverId(), reason));
    }

    @CommandHandler
    public void handle(CancelRequisition command) {
        requireTenant(command.tenantId());
        if (status != RequisitionStatus.DRAFT && status != RequisitionStatus.SUBMITTED) {
            throw new DomainException.IllegalTransition("a " + status + " requisition cannot be cancelled");
        }
        if (!requesterId.equals(command.actorId())) {
            throw new DomainException.NotPermitted("only the requester may cancel a requisition");
        }
        apply(new RequisitionCancelled(requisitionId, tenantId, command.actorId(),
                optionalText("reason", command.reason(), 2000)));
    }

    @EventSourcingHandler
    void on(RequisitionRaised event) {
        requisitionId = event.requisitionId();
        tenantId = event.tenantId();
        requesterId = event.requesterId();
        total = new Money(event.total(), event.currency());
        status = RequisitionStatus.DRAFT;
    }

    @EventSourcingHandler
    void on(RequisitionSubmitted event) {
        route = event.route();
        nextStep = 0;
        status = RequisitionStatus.SUBMITTED;
    }

    @EventSourcingHandler
    void on(ApprovalStepApproved event) {
        nextStep = event.stepIndex() + 1;
        deciders.add(event.approvedBy());
    }

    @EventSourcingHandler
    void on(RequisitionApproved event) {
        status = RequisitionStatus.APPROVED;
    }

    @EventSourcingHandler
    void on(RequisitionRejected event) {
        status = RequisitionStatus.REJECTED;
    }

    @EventSourcingHandler
    void on(RequisitionCancelled event) {
        status = RequisitionStatus.CANCELLED;
    }

    private ApprovalStep pendingStepFor(UUID commandTenant, UUID approverId, Set<?> approverRoles, String verb) {
        requireTenant(commandTenant);
        requireStatus(RequisitionStatus.SUBMITTED, verb);
        ApprovalStep step = route.get(nextStep);
        if (requesterId.equals(approverId)) {
            throw new DomainException.NotPermitted("a requester never decides on their own requisition");
        }
        if (approverRoles == null || !approverRoles.contains(step.role())) {
            throw new DomainException.NotPermitted("step '" + step.name() + "' needs the role " + step.role());
        }
        if (deciders.contains(approverId)) {
            throw new DomainException.NotPermitted("one person decides at most one step of a requisition: another "
                    + "holder of " + step.role() + " must decide step '" + step.name() + "'");
        }
        return step;
    }

    private void requireTenant(UUID commandTenant) {
        if (!tenantId.equals(commandTenant)) {
            throw new DomainException.NotFound("no requisition " + requisitionId);
        }
    }

    private void requireStatus(RequisitionStatus expected, String verb) {
        if (status != expected) {
            throw new DomainException.IllegalTransition("a " + status + " requisition cannot be " + verb);
        }
    }

    static String requireText(String field, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            throw new DomainException.Invalid(field + " must not be blank");
        }
        return optionalText(field, value, maxLength);
    }

    static String optionalText(String field, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String stripped = value.strip();
        if (stripped.length() > maxLength) {
            throw new DomainException.Invalid(field + " must be at most " + maxLength + " characters");
        }
        return stripped;
    }
}
