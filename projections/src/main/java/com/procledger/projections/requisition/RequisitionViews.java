package com.procledger.projections.requisition;

import com.fasterxml.jackson.core.type.TypeReference;
import com.procledger.domain.LedgerMetadata;
import com.procledger.domain.Money;
import com.procledger.domain.approval.ApprovalStep;
import com.procledger.domain.identity.Role;
import com.procledger.domain.requisition.RequisitionEvent.ApprovalStepApproved;
import com.procledger.domain.requisition.RequisitionEvent.RequisitionApproved;
import com.procledger.domain.requisition.RequisitionEvent.RequisitionCancelled;
import com.procledger.domain.requisition.RequisitionEvent.RequisitionRaised;
import com.procledger.domain.requisition.RequisitionEvent.RequisitionRejected;
import com.procledger.domain.requisition.RequisitionEvent.RequisitionSubmitted;
import com.procledger.domain.requisition.RequisitionLine;
import com.procledger.domain.requisition.RequisitionStatus;
import com.procledger.projections.Cursors;
import com.procledger.projections.ReadModelJson;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.messaging.MetaData;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/** Requisitions as list rows and as detail: status, money, lines, route and approvals so far. */
@Component
@ProcessingGroup(RequisitionViews.PROCESSING_GROUP)
public class RequisitionViews {

    public static final String PROCESSING_GROUP = "requisitions";
    /** This read model: its processing group and the tables it writes. */
    public static final com.procledger.projections.ReadModel READ_MODEL =
            new com.procledger.projections.ReadModel(PROCESSING_GROUP, java.util.List.of("requisition_view"));
    private static final TypeReference<List<LineView>> LINES = new TypeReference<>() {
    };
    private static final TypeReference<List<ApprovalStep>> ROUTE = new TypeReference<>() {
    };
    private static final TypeReference<List<ApprovalView>> APPROVALS = new TypeReference<>() {
    };

    private final JdbcTemplate jdbc;

    public RequisitionViews(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public record LineView(String description, String category, String quantity, String unitPrice, String total) {
    }

    public record ApprovalView(int stepIndex, String step, Role role, UUID approver, Instant at, String comment) {
    }

    public record PendingStep(int index, String name, Role role) {
    }

    public record RequisitionSummary(UUID id, RequisitionStatus status, String title, String department, String vendor,
                                     String total, String currency, UUID requester, PendingStep pendingStep,
                                     Instant createdAt, Instant updatedAt, long version) {
    }

    public record RequisitionDetail(UUID id, UUID tenantId, RequisitionStatus status, String title, String department,
                                    String vendor, String total, String currency, String justification,
                                    LocalDate neededBy, List<LineView> lines, UUID requester, Integer policyVersion,
                                    List<ApprovalStep> route, List<ApprovalView> approvals, PendingStep pendingStep,
                                    String decisionReason, Instant createdAt, Instant updatedAt, long version,
                                    long lastLedgerSeq) {
    }

    public record Page<T>(List<T> items, int page, int size, long total) {
    }

    @EventHandler
    void on(RequisitionRaised event, @SequenceNumber long version, @Timestamp Instant at, MetaData metaData) {
        List<LineView> lines = event.lines().stream().map(line -> lineView(line, event.currency())).toList();
        jdbc.update("""
                INSERT INTO requisition_view (requisition_id, tenant_id, status, title, department, vendor, currency,
                    total, justification, needed_by, lines, requester_id, created_at, updated_at, version, last_ledger_seq)
                VALUES (?, ?, 'DRAFT', ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?) ON CONFLICT (requisition_id) DO NOTHING""",
                event.requisitionId(), event.tenantId(), event.title(), event.department(), event.vendor(),
                event.currency(), event.total(), event.justification(),
                event.neededBy() == null ? null : java.sql.Date.valueOf(event.neededBy()), ReadModelJson.write(lines),
                event.requesterId(), java.sql.Timestamp.from(at), java.sql.Timestamp.from(at), version,
                LedgerMetadata.ledgerSeq(metaData));
    }

    @EventHandler
    void on(RequisitionSubmitted event, @SequenceNumber long version, @Timestamp Instant at, MetaData metaData) {
        update(event.requisitionId(), version, at, metaData,
                "status = 'SUBMITTED', policy_version = ?, route = ?::jsonb, pending_step_index = ?",
                event.policyVersion(), ReadModelJson.write(event.route()), event.route().isEmpty() ? null : 0);
    }

    @EventHandler
    void on(ApprovalStepApproved event, @SequenceNumber long version, @Timestamp Instant at, MetaData metaData) {
        var approval = new ApprovalView(event.stepIndex(), event.stepName(), event.role(), event.approvedBy(), at,
                event.comment());
        update(event.requisitionId(), version, at, metaData, """
                        approvals = approvals || jsonb_build_array(?::jsonb),
                        pending_step_index = CASE WHEN ? < jsonb_array_length(route) THEN ? END""",
                ReadModelJson.write(approval), event.stepIndex() + 1, event.stepIndex() + 1);
    }

    @EventHandler
    void on(RequisitionApproved event, @SequenceNumber long version, @Timestamp Instant at, MetaData metaData) {
        update(event.requisitionId(), version, at, metaData, "status = 'APPROVED', pending_step_index = NULL");
    }

    @EventHandler
    void on(RequisitionRejected event, @SequenceNumber long version, @Timestamp Instant at, MetaData metaData) {
        update(event.requisitionId(), version, at, metaData,
                "status = 'REJECTED', pending_step_index = NULL, decision_reason = ?, decided_by = ?", event.reason(),
                event.rejectedBy());
    }

    @EventHandler
    void on(RequisitionCancelled event, @SequenceNumber long version, @Timestamp Instant at, MetaData metaData) {
        update(event.requisitionId(), version, at, metaData,
                "status = 'CANCELLED', pending_step_index = NULL, decision_reason = ?, decided_by = ?", event.reason(),
                event.cancelledBy());
    }

    /**
     * The erased subject's own texts become their label: the justifications they wrote, their approval comments,
     * their decision reasons. (A rebuild after the erasure reads the label from the ledger.)
     */
    @EventHandler
    void on(com.procledger.domain.identity.UserEvent.SubjectErased event) {
        String label = com.procledger.domain.privacy.ErasedSubjects.label(event.userId());
        jdbc.update("""
                UPDATE requisition_view SET justification = ? WHERE tenant_id = ? AND requester_id = ?
                    AND justification IS NOT NULL""", label, event.tenantId(), event.userId());
        jdbc.update("""
                UPDATE requisition_view SET decision_reason = ? WHERE tenant_id = ? AND decided_by = ?
                    AND decision_reason IS NOT NULL""", label, event.tenantId(), event.userId());
        jdbc.update("""
                UPDATE requisition_view SET approvals = (
                    SELECT jsonb_agg(CASE WHEN a->>'approver' = ?::text AND a->>'comment' IS NOT NULL
                                          THEN jsonb_set(a, '{comment}', to_jsonb(?::text)) ELSE a END ORDER BY n)
                    FROM jsonb_array_elements(approvals) WITH ORDINALITY AS x(a, n))
                WHERE tenant_id = ? AND approvals @> jsonb_build_array(jsonb_build_object('approver', ?::text))""",
                event.userId().toString(), label, event.tenantId(), event.userId().toString());
    }

    /** Applies an event's changes once: the version guard makes a redelivered event a no-op. */
    private void update(UUID id, long version, Instant at, MetaData metaData, String assignments, Object... args) {
        var all = new ArrayList<>(java.util.Arrays.asList(args));
        all.addAll(List.of(version, java.sql.Timestamp.from(at), LedgerMetadata.ledgerSeq(metaData), id, version));
        jdbc.update("UPDATE requisition_view SET " + assignments
                + ", version = ?, updated_at = ?, last_ledger_seq = ? WHERE requisition_id = ? AND version < ?",
                all.toArray());
    }

    @ResetHandler
    void reset() {
        jdbc.execute("TRUNCATE requisition_view");
    }

    /** The tenant a requisition belongs to, whoever asks: for recording a probe of another tenant's id. */
    public Optional<UUID> ownerOf(UUID id) {
        return jdbc.queryForList("SELECT tenant_id FROM requisition_view WHERE requisition_id = ?", UUID.class, id)
                .stream().findFirst();
    }

    public Optional<RequisitionDetail> find(UUID tenantId, UUID id) {
        return jdbc.query("SELECT * FROM requisition_view WHERE tenant_id = ? AND requisition_id = ?",
                (rs, i) -> detail(rs), tenantId, id).stream().findFirst();
    }

    public Page<RequisitionSummary> list(UUID tenantId, RequisitionStatus status, String department, int page, int size) {
        var args = new ArrayList<Object>();
        String where = " FROM requisition_view" + where(tenantId, status, department, args);
        long total = jdbc.queryForObject("SELECT count(*)" + where, Long.class, args.toArray());
        args.add(size);
        args.add((long) page * size);
        List<RequisitionSummary> items = jdbc.query("SELECT *" + where
                + " ORDER BY created_at DESC, requisition_id LIMIT ? OFFSET ?", SUMMARY, args.toArray());
        return new Page<>(items, page, size, total);
    }

    /** One requisition as exports write it: plain values (the total rounded to its currency), the lines as JSON text. */
    public record ExportRow(UUID id, String status, String title, String department, String vendor, String currency,
                            String total, UUID requesterId, Integer policyVersion, Instant createdAt,
                            Instant updatedAt, LocalDate neededBy, String justification, String decisionReason,
                            String linesJson, long lastLedgerSeq) {
    }

    /** How many requisitions {@link #forEachForExport} will hand out, for the export's progress header. */
    public long countForExport(UUID tenantId, RequisitionStatus status, String department) {
        var args = new ArrayList<Object>();
        return jdbc.queryForObject("SELECT count(*) FROM requisition_view" + where(tenantId, status, department, args),
                Long.class, args.toArray());
    }

    /**
     * Hands every requisition of the tenant to {@code row}, oldest first, reading 1000 rows at a time through a
     * cursor: memory stays flat however many there are. PostgreSQL only uses a cursor inside a transaction, so the
     * caller must open one.
     */
    public void forEachForExport(UUID tenantId, RequisitionStatus status, String department, Consumer<ExportRow> row) {
        var args = new ArrayList<Object>();
        String sql = """
                SELECT requisition_id, status, title, department, vendor, currency, total, requester_id, policy_version,
                    created_at, updated_at, needed_by, justification, decision_reason, lines::text, last_ledger_seq
                FROM requisition_view""" + where(tenantId, status, department, args) + " ORDER BY created_at, requisition_id";
        Cursors.forEachRow(jdbc, sql, args, rs -> {
            var neededBy = rs.getDate(12);
            row.accept(new ExportRow(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4),
                    rs.getString(5), rs.getString(6), amount(rs.getBigDecimal(7), rs.getString(6)), rs.getObject(8, UUID.class),
                    rs.getObject(9, Integer.class), rs.getTimestamp(10).toInstant(), rs.getTimestamp(11).toInstant(),
                    neededBy == null ? null : neededBy.toLocalDate(), rs.getString(13), rs.getString(14),
                    rs.getString(15), rs.getLong(16)));
        });
    }

    /** The WHERE clause of the list, its count and the export: the tenant, and status and department when given. */
    private static String where(UUID tenantId, RequisitionStatus status, String department, List<Object> args) {
        var where = new StringBuilder(" WHERE tenant_id = ?");
        args.add(tenantId);
        if (status != null) {
            where.append(" AND status = ?");
            args.add(status.name());
        }
        if (department != null) {
            where.append(" AND department = ?");
            args.add(department);
        }
        return where.toString();
    }

    private static final RowMapper<RequisitionSummary> SUMMARY = (rs, i) -> new RequisitionSummary(
            rs.getObject("requisition_id", UUID.class), RequisitionStatus.valueOf(rs.getString("status")),
            rs.getString("title"), rs.getString("department"), rs.getString("vendor"), money(rs),
            rs.getString("currency"), rs.getObject("requester_id", UUID.class), pendingStep(rs),
            rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant(), rs.getLong("version"));

    private static RequisitionDetail detail(ResultSet rs) throws SQLException {
        var neededBy = rs.getDate("needed_by");
        Integer policyVersion = rs.getObject("policy_version", Integer.class);
        return new RequisitionDetail(rs.getObject("requisition_id", UUID.class), rs.getObject("tenant_id", UUID.class),
                RequisitionStatus.valueOf(rs.getString("status")), rs.getString("title"), rs.getString("department"),
                rs.getString("vendor"), money(rs), rs.getString("currency"), rs.getString("justification"),
                neededBy == null ? null : neededBy.toLocalDate(), ReadModelJson.read(rs.getString("lines"), LINES),
                rs.getObject("requester_id", UUID.class), policyVersion,
                ReadModelJson.read(rs.getString("route"), ROUTE), ReadModelJson.read(rs.getString("approvals"), APPROVALS),
                pendingStep(rs), rs.getString("decision_reason"), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant(), rs.getLong("version"), rs.getLong("last_ledger_seq"));
    }

    private static PendingStep pendingStep(ResultSet rs) throws SQLException {
        int index = rs.getInt("pending_step_index");
        if (rs.wasNull()) {
            return null;
        }
        ApprovalStep step = ReadModelJson.read(rs.getString("route"), ROUTE).get(index);
        return new PendingStep(index, step.name(), step.role());
    }

    private static String money(ResultSet rs) throws SQLException {
        return amount(rs.getBigDecimal("total"), rs.getString("currency"));
    }

    private static String amount(BigDecimal value, String currency) {
        return Money.rounded(value, currency.strip()).amount().toPlainString();
    }

    private static LineView lineView(RequisitionLine line, String currency) {
        return new LineView(line.description(), line.category(), line.quantity().stripTrailingZeros().toPlainString(),
                line.unitPrice().toPlainString(), line.total(currency).amount().toPlainString());
    }
}
