package com.procledger.projections.analytics;

import com.procledger.domain.Money;
import com.procledger.domain.approval.ApprovalStep;
import com.procledger.domain.requisition.RequisitionEvent.ApprovalStepApproved;
import com.procledger.domain.requisition.RequisitionEvent.RequisitionApproved;
import com.procledger.domain.requisition.RequisitionEvent.RequisitionCancelled;
import com.procledger.domain.requisition.RequisitionEvent.RequisitionRaised;
import com.procledger.domain.requisition.RequisitionEvent.RequisitionRejected;
import com.procledger.domain.requisition.RequisitionEvent.RequisitionSubmitted;
import com.procledger.domain.requisition.RequisitionLine;
import com.procledger.projections.Cursors;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.Timestamp;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Spend by line ({@code spend_line}) and the timing of every approval step ({@code approval_step_timing}), and
 * the queries over them. Committed spend is what was approved, counted in the month of its approval; pending spend
 * is what waits for approval, counted in the month of its submission. Every handler can run twice without
 * counting twice (inserts ignore duplicates, updates only move forward).
 */
@Component
@ProcessingGroup(SpendAnalytics.PROCESSING_GROUP)
public class SpendAnalytics {

    public static final String PROCESSING_GROUP = "spend-analytics";
    /** This read model: its processing group and the tables it writes. */
    public static final com.procledger.projections.ReadModel READ_MODEL =
            new com.procledger.projections.ReadModel(PROCESSING_GROUP, java.util.List.of("spend_line", "approval_step_timing"));

    /** What spend can be grouped by. */
    public enum GroupBy {
        DEPARTMENT("department"), CATEGORY("category"), VENDOR("vendor"),
        MONTH("to_char(CASE status WHEN 'APPROVED' THEN decided_at ELSE submitted_at END AT TIME ZONE 'UTC', 'YYYY-MM')");

        private final String expression;

        GroupBy(String expression) {
            this.expression = expression;
        }
    }

    /** Which spend: committed (APPROVED) or pending (SUBMITTED). */
    public enum SpendStatus { APPROVED, SUBMITTED }

    /** Optional filters; {@code from} inclusive, {@code to} exclusive, on the time the spend is counted at. */
    public record Filter(Instant from, Instant to, String department, String category, String vendor) {
    }

    public record SpendItem(String key, String currency, String amount, long count) {
    }

    public record StepCycleTime(String step, String role, long decisions, Duration p50, Duration p90) {
    }

    public record ApproverLoad(UUID approver, long decisions, long approved, long rejected, Duration p50) {
    }

    public record PendingLoad(String step, String role, long waiting, Instant oldestSince) {
    }

    private final JdbcTemplate jdbc;

    public SpendAnalytics(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(RequisitionRaised event, @Timestamp Instant at) {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < event.lines().size(); i++) {
            RequisitionLine line = event.lines().get(i);
            rows.add(new Object[] {event.tenantId(), event.requisitionId(), i, event.department(), event.vendor(),
                    line.category(), event.currency(), line.total(event.currency()).amount(), java.sql.Timestamp.from(at)});
        }
        jdbc.batchUpdate("""
                INSERT INTO spend_line (tenant_id, requisition_id, line_no, department, vendor, category, currency, amount,
                    status, raised_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'DRAFT', ?) ON CONFLICT DO NOTHING""", rows);
    }

    @EventHandler
    void on(RequisitionSubmitted event, @Timestamp Instant at) {
        jdbc.update("UPDATE spend_line SET status = 'SUBMITTED', submitted_at = ? WHERE requisition_id = ? AND status = 'DRAFT'",
                java.sql.Timestamp.from(at), event.requisitionId());
        List<Object[]> steps = new ArrayList<>();
        for (int i = 0; i < event.route().size(); i++) {
            ApprovalStep step = event.route().get(i);
            steps.add(new Object[] {event.tenantId(), event.requisitionId(), i, step.name(), step.role().name(),
                    i == 0 ? java.sql.Timestamp.from(at) : null});
        }
        jdbc.batchUpdate("""
                INSERT INTO approval_step_timing (tenant_id, requisition_id, step_index, step_name, role, started_at)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""", steps);
    }

    @EventHandler
    void on(ApprovalStepApproved event, @Timestamp Instant at) {
        decided(event.requisitionId(), event.stepIndex(), at, event.approvedBy(), "APPROVED");
        jdbc.update("UPDATE approval_step_timing SET started_at = ? WHERE requisition_id = ? AND step_index = ? AND started_at IS NULL",
                java.sql.Timestamp.from(at), event.requisitionId(), event.stepIndex() + 1);
    }

    @EventHandler
    void on(RequisitionApproved event, @Timestamp Instant at) {
        jdbc.update("UPDATE spend_line SET status = 'APPROVED', decided_at = ? WHERE requisition_id = ? AND status = 'SUBMITTED'",
                java.sql.Timestamp.from(at), event.requisitionId());
    }

    @EventHandler
    void on(RequisitionRejected event, @Timestamp Instant at) {
        decided(event.requisitionId(), event.stepIndex(), at, event.rejectedBy(), "REJECTED");
        jdbc.update("UPDATE spend_line SET status = 'REJECTED', decided_at = ? WHERE requisition_id = ? AND status = 'SUBMITTED'",
                java.sql.Timestamp.from(at), event.requisitionId());
    }

    @EventHandler
    void on(RequisitionCancelled event, @Timestamp Instant at) {
        jdbc.update("""
                UPDATE spend_line SET status = 'CANCELLED', decided_at = ?
                WHERE requisition_id = ? AND status IN ('DRAFT', 'SUBMITTED')""", java.sql.Timestamp.from(at), event.requisitionId());
        jdbc.update("UPDATE approval_step_timing SET outcome = 'CANCELLED' WHERE requisition_id = ? AND outcome IS NULL",
                event.requisitionId());
    }

    private void decided(UUID requisitionId, int stepIndex, Instant at, UUID by, String outcome) {
        jdbc.update("""
                UPDATE approval_step_timing SET decided_at = ?, decided_by = ?, outcome = ?
                WHERE requisition_id = ? AND step_index = ? AND outcome IS NULL""",
                java.sql.Timestamp.from(at), by, outcome, requisitionId, stepIndex);
    }

    @ResetHandler
    void reset() {
        jdbc.execute("TRUNCATE spend_line, approval_step_timing");
    }

    /** Spend of one status, summed per key and currency; months in order, other keys by amount, largest first. */
    public List<SpendItem> spend(UUID tenantId, GroupBy groupBy, SpendStatus status, Filter filter) {
        var args = new ArrayList<Object>();
        String where = where(tenantId, List.of(status), filter, args);
        String order = groupBy == GroupBy.MONTH ? "key, currency" : "sum(amount) DESC, key, currency";
        return jdbc.query("SELECT " + groupBy.expression + " AS key, currency, sum(amount), count(DISTINCT requisition_id) "
                        + "FROM spend_line" + where + " GROUP BY 1, 2 ORDER BY " + order,
                (rs, i) -> new SpendItem(rs.getString(1), rs.getString(2).strip(),
                        Money.rounded(rs.getBigDecimal(3), rs.getString(2).strip()).amount().toPlainString(), rs.getLong(4)),
                args.toArray());
    }

    /**
     * One requisition line as the spend export writes it: its amount rounded to its currency, as spend sums show it,
     * and {@code spentAt}, the time it counts at: its approval for committed spend, its submission for pending.
     */
    public record SpendLine(UUID requisitionId, int lineNo, String status, String department, String category,
                            String vendor, String currency, String amount, Instant spentAt, Instant raisedAt,
                            Instant submittedAt, Instant decidedAt) {
    }

    /** How many lines {@link #forEachLine} will hand out, for the export's progress header. */
    public long countLines(UUID tenantId, List<SpendStatus> statuses, Filter filter) {
        var args = new ArrayList<Object>();
        return jdbc.queryForObject("SELECT count(*) FROM spend_line" + where(tenantId, statuses, filter, args),
                Long.class, args.toArray());
    }

    /**
     * Hands every spend line of the given statuses that passes the filter to {@code line}, in the order they were
     * spent, through a cursor (1000 rows at a time): memory stays flat. PostgreSQL only uses a cursor inside a
     * transaction, so the caller must open one.
     */
    public void forEachLine(UUID tenantId, List<SpendStatus> statuses, Filter filter, Consumer<SpendLine> line) {
        var args = new ArrayList<Object>();
        String sql = "SELECT requisition_id, line_no, status, department, category, vendor, currency, amount, "
                + SPENT_AT + ", raised_at, submitted_at, decided_at FROM spend_line"
                + where(tenantId, statuses, filter, args) + " ORDER BY " + SPENT_AT + ", requisition_id, line_no";
        Cursors.forEachRow(jdbc, sql, args, rs -> line.accept(new SpendLine(rs.getObject(1, UUID.class), rs.getInt(2),
                rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7).strip(),
                Money.rounded(rs.getBigDecimal(8), rs.getString(7).strip()).amount().toPlainString(), instant(rs.getTimestamp(9)), instant(rs.getTimestamp(10)),
                instant(rs.getTimestamp(11)), instant(rs.getTimestamp(12)))));
    }

    /** When a line counts as spent: approval for committed spend, submission for pending. */
    private static final String SPENT_AT = "(CASE status WHEN 'APPROVED' THEN decided_at ELSE submitted_at END)";

    /** The WHERE clause of spend, its export and the export's count: tenant, statuses, window on the spend time. */
    private static String where(UUID tenantId, List<SpendStatus> statuses, Filter filter, List<Object> args) {
        var where = new StringBuilder(" WHERE tenant_id = ? AND status = ANY (?)");
        args.add(tenantId);
        args.add(statuses.stream().map(Enum::name).toArray(String[]::new));
        if (filter.from() != null) {
            where.append(" AND ").append(SPENT_AT).append(" >= ?");
            args.add(java.sql.Timestamp.from(filter.from()));
        }
        if (filter.to() != null) {
            where.append(" AND ").append(SPENT_AT).append(" < ?");
            args.add(java.sql.Timestamp.from(filter.to()));
        }
        equal(where, args, "department", filter.department());
        equal(where, args, "category", filter.category());
        equal(where, args, "vendor", filter.vendor());
        return where.toString();
    }

    private static Instant instant(java.sql.Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    /** Time from a step's start to its decision, per step name, over the steps decided in the window. */
    public List<StepCycleTime> cycleTimes(UUID tenantId, Instant from, Instant to) {
        var args = new ArrayList<Object>(List.of(tenantId));
        String window = window(args, from, to);
        return jdbc.query("""
                SELECT step_name, min(role), count(*),
                    percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - started_at)),
                    percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - started_at))
                FROM approval_step_timing
                WHERE tenant_id = ? AND decided_at IS NOT NULL AND started_at IS NOT NULL""" + window
                        + " GROUP BY step_name ORDER BY min(step_index), step_name",
                (rs, i) -> new StepCycleTime(rs.getString(1), rs.getString(2), rs.getLong(3), seconds(rs.getDouble(4)),
                        seconds(rs.getDouble(5))), args.toArray());
    }

    /** Decisions per approver in the window, and what waits now, per step. */
    public List<ApproverLoad> approverLoad(UUID tenantId, Instant from, Instant to) {
        var args = new ArrayList<Object>(List.of(tenantId));
        String window = window(args, from, to);
        return jdbc.query("""
                SELECT decided_by, count(*), count(*) FILTER (WHERE outcome = 'APPROVED'),
                    count(*) FILTER (WHERE outcome = 'REJECTED'),
                    percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - started_at))
                FROM approval_step_timing
                WHERE tenant_id = ? AND decided_by IS NOT NULL""" + window
                        + " GROUP BY decided_by ORDER BY count(*) DESC, decided_by",
                (rs, i) -> new ApproverLoad(rs.getObject(1, UUID.class), rs.getLong(2), rs.getLong(3), rs.getLong(4),
                        seconds(rs.getDouble(5))), args.toArray());
    }

    public List<PendingLoad> pending(UUID tenantId) {
        return jdbc.query("""
                SELECT step_name, min(role), count(*), min(started_at) FROM approval_step_timing
                WHERE tenant_id = ? AND started_at IS NOT NULL AND outcome IS NULL
                GROUP BY step_name ORDER BY min(started_at)""",
                (rs, i) -> new PendingLoad(rs.getString(1), rs.getString(2), rs.getLong(3),
                        rs.getTimestamp(4).toInstant()), tenantId);
    }

    private static String window(List<Object> args, Instant from, Instant to) {
        var window = new StringBuilder();
        if (from != null) {
            window.append(" AND decided_at >= ?");
            args.add(java.sql.Timestamp.from(from));
        }
        if (to != null) {
            window.append(" AND decided_at < ?");
            args.add(java.sql.Timestamp.from(to));
        }
        return window.toString();
    }

    private static void equal(StringBuilder where, List<Object> args, String column, String value) {
        if (value != null) {
            where.append(" AND ").append(column).append(" = ?");
            args.add(value);
        }
    }

    private static Duration seconds(double seconds) {
        return Duration.ofMillis(Math.round(seconds * 1000));
    }
}
