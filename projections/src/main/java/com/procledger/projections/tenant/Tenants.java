package com.procledger.projections.tenant;

import com.fasterxml.jackson.core.type.TypeReference;
import com.procledger.domain.DomainException;
import com.procledger.domain.approval.ApprovalStep;
import com.procledger.domain.tenant.TenantEvent.ApprovalPolicyChanged;
import com.procledger.domain.tenant.TenantEvent.TenantCreated;
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
import java.util.Optional;
import java.util.UUID;

/** Tenants as people see them, with the approval policy in force. */
@Component
@ProcessingGroup(Tenants.PROCESSING_GROUP)
public class Tenants {

    public static final String PROCESSING_GROUP = "tenants";
    /** This read model: its processing group and the tables it writes. */
    public static final com.procledger.projections.ReadModel READ_MODEL =
            new com.procledger.projections.ReadModel(PROCESSING_GROUP, java.util.List.of("tenant_view"));
    private static final TypeReference<List<ApprovalStep>> STEPS = new TypeReference<>() {
    };

    private final JdbcTemplate jdbc;

    public Tenants(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** @param aiProcessingDefault whether members who have not said consent to AI processing */
    public record TenantView(UUID id, String name, String currency, int policyVersion, List<ApprovalStep> policy,
                             Instant createdAt, SecurityPolicy securityPolicy, boolean aiProcessingDefault) {
    }

    /** Who must use a second factor, and when an unused session ends (null: never). */
    public record SecurityPolicy(boolean mfaForEveryone, java.util.Set<com.procledger.domain.identity.Role> mfaRoles,
                                 Long idleTimeoutMinutes) {

        public boolean mfaRequiredFor(java.util.Set<com.procledger.domain.identity.Role> roles) {
            return mfaForEveryone || roles.stream().anyMatch(mfaRoles::contains);
        }
    }

    @EventHandler
    void on(com.procledger.domain.tenant.TenantEvent.SecurityPolicyChanged event) {
        jdbc.update("UPDATE tenant_view SET mfa_for_everyone = ?, mfa_roles = ?, idle_timeout_minutes = ? WHERE tenant_id = ?",
                event.mfaForEveryone(), event.mfaRoles().stream().map(Enum::name).sorted().toArray(String[]::new),
                event.idleTimeoutMinutes(), event.tenantId());
    }

    @EventHandler
    void on(TenantCreated event, @SequenceNumber long version, @Timestamp Instant at) {
        jdbc.update("""
                INSERT INTO tenant_view (tenant_id, name, currency, created_at, version) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (tenant_id) DO NOTHING""",
                event.tenantId(), event.name(), event.currency(), java.sql.Timestamp.from(at), version);
    }

    @EventHandler
    void on(ApprovalPolicyChanged event, @SequenceNumber long version) {
        jdbc.update("UPDATE tenant_view SET policy_version = ?, policy = ?::jsonb, version = ? WHERE tenant_id = ? AND version < ?",
                event.version(), ReadModelJson.write(event.steps()), version, event.tenantId(), version);
    }

    @EventHandler
    void on(com.procledger.domain.tenant.TenantEvent.ConsentDefaultChanged event) {
        jdbc.update("UPDATE tenant_view SET ai_processing_default = ? WHERE tenant_id = ?", event.aiProcessing(),
                event.tenantId());
    }

    @ResetHandler
    void reset() {
        jdbc.execute("TRUNCATE tenant_view");
    }

    /** The tenant, or {@link DomainException.NotFound} (404 over HTTP). */
    public TenantView get(UUID tenantId) {
        return find(tenantId).orElseThrow(() -> new DomainException.NotFound("no tenant " + tenantId));
    }

    public Optional<TenantView> find(UUID tenantId) {
        return jdbc.query("""
                SELECT tenant_id, name, currency, policy_version, policy, created_at, mfa_for_everyone, mfa_roles,
                    idle_timeout_minutes, ai_processing_default FROM tenant_view WHERE tenant_id = ?""",
                (rs, i) -> {
                    var roles = java.util.EnumSet.noneOf(com.procledger.domain.identity.Role.class);
                    for (String role : (String[]) rs.getArray(8).getArray()) {
                        roles.add(com.procledger.domain.identity.Role.valueOf(role));
                    }
                    long idle = rs.getLong(9);
                    Long idleOrNull = rs.wasNull() ? null : idle;
                    return new TenantView(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3).strip(),
                            rs.getInt(4), ReadModelJson.read(rs.getString(5), STEPS), rs.getTimestamp(6).toInstant(),
                            new SecurityPolicy(rs.getBoolean(7), roles, idleOrNull), rs.getBoolean(10));
                }, tenantId)
                .stream().findFirst();
    }
}
