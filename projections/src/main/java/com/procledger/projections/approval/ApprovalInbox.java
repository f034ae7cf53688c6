package com.procledger.projections.approval;

import com.procledger.domain.Money;
import com.procledger.domain.approval.ApprovalStep;
import com.procledger.domain.identity.Role;
import com.procledger.domain.requisition.RequisitionEvent.ApprovalStepApproved;
import com.procledger.domain.requisition.RequisitionEvent.RequisitionApproved;
import com.procledger.domain.requisition.RequisitionEvent.RequisitionCancelled;
import com.procledger.domain.requisition.RequisitionEvent.RequisitionRaised;
import com.procledger.domain.requisition.RequisitionEvent.RequisitionRejected;
import com.procledger.domain.requisition.RequisitionEvent.RequisitionSubmitted;
import com.procledger.projections.ReadModelJson;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Requisitions waiting on an approval step, keyed by the role the step needs. An approver's inbox is every
 * waiting requisition whose step needs a role they hold, except their own requisitions.
 */
@Component
@ProcessingGroup(ApprovalInbox.PROCESSING_GROUP)
public class ApprovalInbox {

    public static final String PROCESSING_GROUP = "approval-inbox";
    /** This read model: its processing group and the tables it writes. */
    public static final com.procledger.projections.ReadModel READ_MODEL =
            new com.procledger.projections.ReadModel(PROCESSING_GROUP, java.util.List.of("approval_inbox"));

    private final JdbcTemplate jdbc;

    public ApprovalInbox(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public record InboxItem(UUID requisitionId, String title, String department, String vendor, String total,
                            String currency, UUID requester, String step, Role role, Instant waitingSince,
                            long version) {
    }

    @EventHandler
    void on(RequisitionRaised event, @SequenceNumber long version) {
        jdbc.update("""
                INSERT INTO approval_inbox (requisition_id, tenant_id, requester_id, title, department, vendor, total,
                    currency, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (requisition_id) DO NOTHING""",
                event.requisitionId(), event.tenantId(), event.requesterId(), event.title(), event.department(),
                event.vendor(), event.total(), event.currency(), version);
    }

    /** The route, and the first step's role waiting from now: one statement (rebuilds replay millions of these). */
    @EventHandler
    void on(RequisitionSubmitted event, @SequenceNumber long version, @Timestamp Instant at) {
        ApprovalStep first = event.route().isEmpty() ? null : event.route().getFirst();
        jdbc.update("""
                UPDATE approval_inbox SET route = ?::jsonb, version = ?, role = ?, step_name = ?, waiting_since = ?
                WHERE requisition_id = ? AND version < ?""",
                ReadModelJson.write(event.route()), version, first == null ? null : first.role().name(),
                first == null ? null : first.name(), first == null ? null : java.sql.Timestamp.from(at),
                event.requisitionId(), version);
    }

    /** The next step of the stored route waits from now; past the last step, none waits. One statement. */
    @EventHandler
    void on(ApprovalStepApproved event, @SequenceNumber long version, @Timestamp Instant at) {
        int next = event.stepIndex() + 1;
        jdbc.update("""
                UPDATE approval_inbox SET version = ?, role = route -> ? ->> 'role', step_name = route -> ? ->> 'name',
                    waiting_since = CASE WHEN ? < jsonb_array_length(route) THEN ? ELSE waiting_since END
                WHERE requisition_id = ? AND version < ?""",
                version, next, next, next, java.sql.Timestamp.from(at), event.requisitionId(), version);
    }

    @EventHandler
    void on(RequisitionApproved event) {
        closed(event.requisitionId());
    }

    @EventHandler
    void on(RequisitionRejected event) {
        closed(event.requisitionId());
    }

    @EventHandler
    void on(RequisitionCancelled event) {
        closed(event.requisitionId());
    }

    private void closed(UUID requisitionId) {
        jdbc.update("DELETE FROM approval_inbox WHERE requisition_id = ?", requisitionId);
    }

    @ResetHandler
    void reset() {
        jdbc.execute("TRUNCATE approval_inbox");
    }

    public List<InboxItem> inboxOf(UUID tenantId, UUID userId, Set<Role> roles) {
        String[] roleNames = roles.stream().map(Role::name).toArray(String[]::new);
        return jdbc.query("""
                SELECT * FROM approval_inbox WHERE tenant_id = ? AND role = ANY (?) AND requester_id <> ?
                ORDER BY waiting_since, requisition_id""",
                (rs, i) -> new InboxItem(rs.getObject("requisition_id", UUID.class), rs.getString("title"),
                        rs.getString("department"), rs.getString("vendor"),
                        Money.rounded(rs.getBigDecimal("total"), rs.getString("currency").strip()).amount().toPlainString(),
                        rs.getString("currency").strip(), rs.getObject("requester_id", UUID.class),
                        rs.getString("step_name"), Role.valueOf(rs.getString("role")),
                        rs.getTimestamp("waiting_since").toInstant(), rs.getLong("version")),
                tenantId, roleNames, userId);
    }
}
