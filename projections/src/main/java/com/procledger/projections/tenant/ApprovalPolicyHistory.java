package com.procledger.projections.tenant;

import com.fasterxml.jackson.core.type.TypeReference;
import com.procledger.domain.LedgerMetadata;
import com.procledger.domain.approval.ApprovalStep;
import com.procledger.domain.tenant.TenantEvent.ApprovalPolicyChanged;
import com.procledger.projections.ReadModelJson;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.messaging.MetaData;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Every version of every tenant's approval policy, with who changed it, when, and where in the ledger: the answer
 * to "why was this requisition routed to X?" is the version its submission names (requisition history shows it).
 * A processing group of its own, so that it is filled from the whole ledger wherever it is added.
 */
@Component
@ProcessingGroup(ApprovalPolicyHistory.PROCESSING_GROUP)
public class ApprovalPolicyHistory {

    public static final String PROCESSING_GROUP = "approval-policy-history";
    /** This read model: its processing group and the tables it writes. */
    public static final com.procledger.projections.ReadModel READ_MODEL =
            new com.procledger.projections.ReadModel(PROCESSING_GROUP, java.util.List.of("approval_policy_version"));

    private static final TypeReference<List<ApprovalStep>> STEPS = new TypeReference<>() {
    };

    public record PolicyVersion(int version, List<ApprovalStep> steps, UUID changedBy, Instant changedAt,
                                long ledgerSeq) {
    }

    private final JdbcTemplate jdbc;

    public ApprovalPolicyHistory(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(ApprovalPolicyChanged event, @Timestamp Instant at, MetaData metaData) {
        jdbc.update("""
                INSERT INTO approval_policy_version (tenant_id, version, steps, changed_by, changed_at, ledger_seq)
                VALUES (?, ?, ?::jsonb, ?, ?, ?) ON CONFLICT DO NOTHING""",
                event.tenantId(), event.version(), ReadModelJson.write(event.steps()), event.changedBy(),
                java.sql.Timestamp.from(at), LedgerMetadata.ledgerSeq(metaData));
    }

    @ResetHandler
    void reset() {
        jdbc.execute("TRUNCATE approval_policy_version");
    }

    /** All versions, oldest first. */
    public List<PolicyVersion> versions(UUID tenantId) {
        return jdbc.query("SELECT * FROM approval_policy_version WHERE tenant_id = ? ORDER BY version",
                (rs, i) -> version(rs), tenantId);
    }

    private static PolicyVersion version(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new PolicyVersion(rs.getInt("version"), ReadModelJson.read(rs.getString("steps"), STEPS),
                rs.getObject("changed_by", UUID.class), rs.getTimestamp("changed_at").toInstant(), rs.getLong("ledger_seq"));
    }
}
