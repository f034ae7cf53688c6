package com.procledger.domain.requisition;

import com.procledger.domain.DomainException;
import com.procledger.domain.approval.ApprovalStep;
import com.procledger.domain.identity.Role;
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
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Set;
import java.util.UUID;

class RequisitionTest {

    static final UUID TENANT = UUID.randomUUID();
    static final UUID OTHER_TENANT = UUID.randomUUID();
    static final UUID ID = UUID.randomUUID();
    static final UUID REQUESTER = UUID.randomUUID();
    static final UUID APPROVER = UUID.randomUUID();
    static final UUID CFO = UUID.randomUUID();

    static final ApprovalStep MANAGER = new ApprovalStep("Manager", Role.APPROVER, BigDecimal.ZERO);
    static final ApprovalStep FINANCE = new ApprovalStep("Finance", Role.FINANCE, new BigDecimal("1000"));
    static final List<ApprovalStep> TWO_STEP_POLICY = List.of(MANAGER, FINANCE);

    static final List<RequisitionLine> LINES = List.of(
            new RequisitionLine("Laptop", "IT", new BigDecimal("2"), new BigDecimal("650.00")),
            new RequisitionLine("Dock", "IT", new BigDecimal("3"), new BigDecimal("0.333")));

    AggregateTestFixture<Requisition> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Requisition.class);
    }

    static RaiseRequisition raise(List<RequisitionLine> lines) {
        return new RaiseRequisition(ID, TENANT, "EUR", REQUESTER, "Laptops", "Engineering", "ACME", "EUR",
                "new hires", null, lines);
    }

    static RequisitionRaised raised(String total) {
        return new RequisitionRaised(ID, TENANT, REQUESTER, "Laptops", "Engineering", "ACME", "EUR", "new hires",
                null, LINES, new BigDecimal(total));
    }

    static RequisitionSubmitted submitted(List<ApprovalStep> route) {
        return new RequisitionSubmitted(ID, TENANT, REQUESTER, 2, route);
    }

    @Test
    void whenRaised_thenTotalIsComputedFromLinesAndRoundedToTheCurrency() {
        fixture.givenNoPriorActivity()
                .when(raise(LINES))
                .expectEvents(raised("1301.00"));
    }

    @Test
    void whenRaisedWithoutLines_thenRefused() {
        fixture.givenNoPriorActivity()
                .when(raise(List.of()))
                .expectException(DomainException.Invalid.class)
                .expectExceptionMessage("a requisition needs 1 to 200 lines");
    }

    @Test
    void whenRaisedWithATotalThatRoundsToZero_thenRefused() {
        fixture.givenNoPriorActivity()
                .when(new RaiseRequisition(ID, TENANT, "JPY", REQUESTER, "Laptops", "Engineering", "ACME", "JPY",
                        null, null, List.of(new RequisitionLine("Pen", "Office", BigDecimal.ONE, new BigDecimal("0.4")))))
                .expectException(DomainException.Invalid.class)
                .expectExceptionMessage("the requisition total must be greater than 0");
    }

    @Test
    void whenRaisedInAnotherCurrencyThanTheTenants_thenRefused() {
        fixture.givenNoPriorActivity()
                .when(new RaiseRequisition(ID, TENANT, "EUR", REQUESTER, "Laptops", "Engineering", "ACME", "USD",
                        null, null, LINES))
                .expectException(DomainException.Invalid.class)
                .expectExceptionMessage("requisitions of this tenant are in EUR, not USD");
    }

    @Test
    void whenRaisedWithAnUnknownCurrency_thenRefused() {
        fixture.givenNoPriorActivity()
                .when(new RaiseRequisition(ID, TENANT, "EUR", REQUESTER, "Laptops", "Engineering", "ACME", "EUX",
                        null, null, LINES))
                .expectException(DomainException.Invalid.class);
    }

    @Test
    void givenDraft_whenSubmitted_thenRoutedThroughEveryStepAtOrBelowTheTotal() {
        fixture.given(raised("1301.00"))
                .when(new SubmitRequisition(ID, TENANT, REQUESTER, 2, TWO_STEP_POLICY, null))
                .expectEvents(submitted(TWO_STEP_POLICY));
    }

    @Test
    void givenSmallDraft_whenSubmitted_thenOnlyTheStepsItReachesApply() {
        fixture.given(raised("999.99"))
                .when(new SubmitRequisition(ID, TENANT, REQUESTER, 2, TWO_STEP_POLICY, null))
                .expectEvents(submitted(List.of(MANAGER)));
    }

    @Test
    void givenAPolicyWithAGapBelowTheTotal_whenSubmitted_thenRefusedNeverApprovedWithoutAnApproval() {
        var highOnly = List.of(FINANCE);
        fixture.given(raised("10.00"))
                .when(new SubmitRequisition(ID, TENANT, REQUESTER, 2, highOnly, null))
                .expectException(DomainException.IllegalTransition.class)
                .expectNoEvents();
    }

    @Test
    void givenOnePersonApprovedTheFirstStep_whenTheSamePersonApprovesTheNext_thenNotPermitted() {
        fixture.given(raised("1301.00"), submitted(TWO_STEP_POLICY),
                        new ApprovalStepApproved(ID, TENANT, 0, "Manager", Role.APPROVER, APPROVER, null))
                .when(new ApproveRequisition(ID, TENANT, APPROVER, Set.of(Role.APPROVER, Role.FINANCE), null, null))
                .expectException(DomainException.NotPermitted.class)
                .expectExceptionMessage("one person decides at most one step of a requisition: another holder of "
                        + "FINANCE must decide step 'Finance'");
    }

    @Test
    void givenOnePersonApprovedTheFirstStep_whenTheSamePersonRejectsTheNext_thenNotPermitted() {
        fixture.given(raised("1301.00"), submitted(TWO_STEP_POLICY),
                        new ApprovalStepApproved(ID, TENANT, 0, "Manager", Role.APPROVER, APPROVER, null))
                .when(new RejectRequisition(ID, TENANT, APPROVER, Set.of(Role.APPROVER, Role.FINANCE), "no", null))
                .expectException(DomainException.NotPermitted.class);
    }

    @Test
    void givenDraft_whenSomeoneElseSubmits_thenNotPermitted() {
        fixture.given(raised("10.00"))
                .when(new SubmitRequisition(ID, TENANT, APPROVER, 2, TWO_STEP_POLICY, null))
                .expectException(DomainException.NotPermitted.class);
    }

    @Test
    void givenSubmitted_whenSubmittedAgain_thenIllegalTransition() {
        fixture.given(raised("10.00"), submitted(List.of(MANAGER)))
                .when(new SubmitRequisition(ID, TENANT, REQUESTER, 2, TWO_STEP_POLICY, null))
                .expectException(DomainException.IllegalTransition.class);
    }

    @Test
    void givenSubmitted_whenRequesterApproves_thenNotPermitted() {
        fixture.given(raised("10.00"), submitted(List.of(MANAGER)))
                .when(new ApproveRequisition(ID, TENANT, REQUESTER, Set.of(Role.APPROVER, Role.REQUESTER), null, null))
                .expectException(DomainException.NotPermitted.class)
                .expectExceptionMessage("a requester never decides on their own requisition");
    }

    @Test
    void givenSubmitted_whenApproverWithoutTheStepsRoleApproves_thenNotPermitted() {
        fixture.given(raised("1301.00"), submitted(TWO_STEP_POLICY),
                        new ApprovalStepApproved(ID, TENANT, 0, "Manager", Role.APPROVER, APPROVER, null))
                .when(new ApproveRequisition(ID, TENANT, APPROVER, Set.of(Role.APPROVER), null, null))
                .expectException(DomainException.NotPermitted.class)
                .expectExceptionMessage("step 'Finance' needs the role FINANCE");
    }

    @Test
    void givenTwoSteps_whenFirstApproved_thenStillSubmitted() {
        fixture.given(raised("1301.00"), submitted(TWO_STEP_POLICY))
                .when(new ApproveRequisition(ID, TENANT, APPROVER, Set.of(Role.APPROVER), "ok", null))
                .expectEvents(new ApprovalStepApproved(ID, TENANT, 0, "Manager", Role.APPROVER, APPROVER, "ok"));
    }

    @Test
    void givenTwoSteps_whenLastApproved_thenApproved() {
        fixture.given(raised("1301.00"), submitted(TWO_STEP_POLICY),
                        new ApprovalStepApproved(ID, TENANT, 0, "Manager", Role.APPROVER, APPROVER, null))
                .when(new ApproveRequisition(ID, TENANT, CFO, Set.of(Role.FINANCE), null, null))
                .expectEvents(new ApprovalStepApproved(ID, TENANT, 1, "Finance", Role.FINANCE, CFO, null),
                        new RequisitionApproved(ID, TENANT, new BigDecimal("1301.00"), "EUR"));
    }

    @Test
    void givenApproved_whenApprovedAgain_thenIllegalTransition() {
        fixture.given(raised("10.00"), submitted(List.of(MANAGER)),
                        new ApprovalStepApproved(ID, TENANT, 0, "Manager", Role.APPROVER, APPROVER, null),
                        new RequisitionApproved(ID, TENANT, new BigDecimal("10.00"), "EUR"))
                .when(new ApproveRequisition(ID, TENANT, CFO, Set.of(Role.APPROVER), null, null))
                .expectException(DomainException.IllegalTransition.class);
    }

    @Test
    void givenSubmitted_whenRejectedWithReason_thenRejected() {
        fixture.given(raised("10.00"), submitted(List.of(MANAGER)))
                .when(new RejectRequisition(ID, TENANT, APPROVER, Set.of(Role.APPROVER), "too pricey", null))
                .expectEvents(new RequisitionRejected(ID, TENANT, 0, "Manager", Role.APPROVER, APPROVER, "too pricey"));
    }

    @Test
    void givenSubmitted_whenRejectedWithoutReason_thenInvalid() {
        fixture.given(raised("10.00"), submitted(List.of(MANAGER)))
                .when(new RejectRequisition(ID, TENANT, APPROVER, Set.of(Role.APPROVER), " ", null))
                .expectException(DomainException.Invalid.class);
    }

    @Test
    void givenSubmitted_whenRequesterCancels_thenCancelled() {
        fixture.given(raised("10.00"), submitted(List.of(MANAGER)))
                .when(new CancelRequisition(ID, TENANT, REQUESTER, "not needed", null))
                .expectEvents(new RequisitionCancelled(ID, TENANT, REQUESTER, "not needed"));
    }

    @Test
    void givenRejected_whenCancelled_thenIllegalTransition() {
        fixture.given(raised("10.00"), submitted(List.of(MANAGER)),
                        new RequisitionRejected(ID, TENANT, 0, "Manager", Role.APPROVER, APPROVER, "no"))
                .when(new CancelRequisition(ID, TENANT, REQUESTER, null, null))
                .expectException(DomainException.IllegalTransition.class);
    }

    @Test
    void givenDraft_whenAnotherTenantCommands_thenNotFound() {
        fixture.given(raised("10.00"))
                .when(new CancelRequisition(ID, OTHER_TENANT, REQUESTER, null, null))
                .expectException(DomainException.NotFound.class);
    }
}
