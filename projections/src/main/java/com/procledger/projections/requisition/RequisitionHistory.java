package com.procledger.projections.requisition;

import com.fasterxml.jackson.core.type.TypeReference;
import com.procledger.domain.LedgerMetadata;
import com.procledger.domain.approval.ApprovalStep;
import com.procledger.domain.requisition.RequisitionEvent;
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
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Each requisition's history: one entry per event with its ledger sequence, who and when, and every field that
 * changed, from the old value to the new. The projection remembers each requisition's last values to compute it.
 */
@Component
@ProcessingGroup(RequisitionHistory.PROCESSING_GROUP)
public class RequisitionHistory {

    public static final String PROCESSING_GROUP = "requisition-history";
    /** This read model: its processing group and the tables it writes. */
    public static final com.procledger.projections.ReadModel READ_MODEL =
            new com.procledger.projections.ReadModel(PROCESSING_GROUP, java.util.List.of("requisition_history", "requisition_history_state"));
    /** Metadata key naming the user whose command produced the event. */
    public static final String ACTOR = "actor";
    private static final TypeReference<LinkedHashMap<String, String>> FIELDS = new TypeReference<>() {
    };
    private static final TypeReference<List<Change>> CHANGES = new TypeReference<>() {
    };

    private final JdbcTemplate jdbc;

    public RequisitionHistory(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public record Change(String field, String from, String to) {
    }

    public record Entry(long ledgerSeq, String type, Instant at, UUID actor, List<Change> changes) {
    }

    /**
     * One history entry per event, computed against the requisition's last values. Within a unit of work (a
     * processor's batch, a rebuild's share) the last values are read once and kept, and the entries and values
     * are written together just before it commits (two statements for the batch, not three per event); outside
     * one, at once.
     */
    @EventHandler
    void on(RequisitionEvent event, @SequenceNumber long version, @Timestamp Instant at, MetaData metaData) {
        Pending pending = pending();
        State state = pending.states.computeIfAbsent(event.requisitionId(), this::load);
        Map<String, String> before = state.fields();
        Map<String, String> after = new LinkedHashMap<>(before);
        after.putAll(changedFields(event, before));
        List<Change> changes = new ArrayList<>();
        for (var field : after.entrySet()) {
            String from = before.get(field.getKey());
            if (!Objects.equals(from, field.getValue())) {
                changes.add(new Change(field.getKey(), from, field.getValue()));
            }
        }
        pending.entries.add(new Object[] {event.requisitionId(), version, event.tenantId(),
                LedgerMetadata.ledgerSeq(metaData), event.getClass().getSimpleName(), java.sql.Timestamp.from(at),
                actorOf(event, metaData), ReadModelJson.write(changes)});
        if (version > state.version()) { // a redelivered event never moves the values back
            pending.states.put(event.requisitionId(), new State(event.tenantId(), after, version, true));
        }
        if (!CurrentUnitOfWork.isStarted()) {
            pending.write();
        }
    }

    /**
     * The erased subject's own texts (the justifications and reasons of the entries they made) become their label,
     * in the entries and in the last values.
     */
    @EventHandler
    void on(com.procledger.domain.identity.UserEvent.SubjectErased event) {
        pending().write(); // entries of this batch before the erasure are purged with the others
        String label = com.procledger.domain.privacy.ErasedSubjects.label(event.userId());
        for (String field : PERSONAL_FIELDS) {
            jdbc.update("""
                    UPDATE requisition_history_state s SET fields = jsonb_set(s.fields, ARRAY[?], to_jsonb(?::text))
                    WHERE s.fields ->> ? IS NOT NULL AND s.requisition_id IN (
                        SELECT h.requisition_id FROM requisition_history h, jsonb_array_elements(h.changes) c
                        WHERE h.tenant_id = ? AND h.actor = ? AND c->>'field' = ? AND c->>'to' IS NOT NULL)""",
                    field, label, field, event.tenantId(), event.userId(), field);
        }
        jdbc.update("""
                UPDATE requisition_history SET changes = (
                    SELECT jsonb_agg(CASE WHEN c->>'field' IN ('justification', 'reason') THEN jsonb_build_object('field', c->'field',
                            'from', CASE WHEN c->>'from' IS NULL THEN 'null'::jsonb ELSE to_jsonb(?::text) END,
                            'to', CASE WHEN c->>'to' IS NULL THEN 'null'::jsonb ELSE to_jsonb(?::text) END)
                        ELSE c END ORDER BY n)
                    FROM jsonb_array_elements(changes) WITH ORDINALITY AS x(c, n))
                WHERE tenant_id = ? AND actor = ? AND jsonb_path_exists(changes, '$[*] ? (@.field == "justification" || @.field == "reason")')""",
                label, label, event.tenantId(), event.userId());
    }

    /** The fields of history entries that hold a person's own text. */
    private static final java.util.List<String> PERSONAL_FIELDS = java.util.List.of("justification", "reason");

    /** A requisition's last values and the aggregate sequence they reflect; {@code changed} when to be written. */
    private record State(UUID tenantId, Map<String, String> fields, long version, boolean changed) {
    }

    private State load(UUID requisitionId) {
        return jdbc.query("SELECT tenant_id, fields, version FROM requisition_history_state WHERE requisition_id = ?",
                        (rs, i) -> new State(rs.getObject(1, UUID.class),
                                (Map<String, String>) ReadModelJson.read(rs.getString(2), FIELDS), rs.getLong(3), false),
                        requisitionId).stream().findFirst()
                .orElseGet(() -> new State(null, new LinkedHashMap<>(), -1, false));
    }

    private static final String PENDING = RequisitionHistory.class.getName() + ".pending";

    /** What this unit of work will write (or, outside one, what this event writes now). */
    private Pending pending() {
        if (!CurrentUnitOfWork.isStarted()) {
            return new Pending();
        }
        var root = CurrentUnitOfWork.get().root();
        return root.getOrComputeResource(PENDING, key -> {
            Pending pending = new Pending();
            root.onPrepareCommit(unit -> pending.write());
            return pending;
        });
    }

    private final class Pending {
        final Map<UUID, State> states = new HashMap<>();
        final List<Object[]> entries = new ArrayList<>();

        void write() {
            if (entries.isEmpty()) {
                return;
            }
            jdbc.batchUpdate("""
                    INSERT INTO requisition_history (requisition_id, aggregate_seq, tenant_id, ledger_seq, type, at,
                        actor, changes) VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb) ON CONFLICT DO NOTHING""", entries);
            List<Object[]> changed = new ArrayList<>();
            states.forEach((id, state) -> {
                if (state.changed()) {
                    changed.add(new Object[] {id, state.tenantId(), ReadModelJson.write(state.fields()), state.version()});
                }
            });
            jdbc.batchUpdate("""
                    INSERT INTO requisition_history_state (requisition_id, tenant_id, fields, version)
                    VALUES (?, ?, ?::jsonb, ?)
                    ON CONFLICT (requisition_id) DO UPDATE SET fields = EXCLUDED.fields, version = EXCLUDED.version
                    WHERE requisition_history_state.version < EXCLUDED.version""", changed);
            entries.clear();
            states.clear();
        }
    }

    /** The fields an event sets, as text; a field set to null is cleared. */
    static Map<String, String> changedFields(RequisitionEvent event, Map<String, String> before) {
        Map<String, String> fields = new LinkedHashMap<>();
        switch (event) {
            case RequisitionRaised e -> {
                fields.put("status", "DRAFT");
                fields.put("title", e.title());
                fields.put("department", e.department());
                fields.put("vendor", e.vendor());
                fields.put("currency", e.currency());
                fields.put("total", e.total().toPlainString());
                fields.put("lines", String.valueOf(e.lines().size()));
                fields.put("justification", e.justification());
                fields.put("neededBy", e.neededBy() == null ? null : e.neededBy().toString());
            }
            case RequisitionSubmitted e -> {
                fields.put("status", "SUBMITTED");
                fields.put("policyVersion", String.valueOf(e.policyVersion()));
                fields.put("route", e.route().stream().map(ApprovalStep::name).reduce((a, b) -> a + " > " + b).orElse(""));
                fields.put("pendingStep", e.route().isEmpty() ? null : e.route().get(0).name());
            }
            case ApprovalStepApproved e -> {
                String[] route = before.getOrDefault("route", "").split(" > ");
                fields.put("approved:" + e.stepName(), e.approvedBy().toString());
                fields.put("pendingStep", e.stepIndex() + 1 < route.length ? route[e.stepIndex() + 1] : null);
            }
            case RequisitionApproved e -> {
                fields.put("status", "APPROVED");
                fields.put("pendingStep", null);
            }
            case RequisitionRejected e -> {
                fields.put("status", "REJECTED");
                fields.put("pendingStep", null);
                fields.put("reason", e.reason());
            }
            case RequisitionCancelled e -> {
                fields.put("status", "CANCELLED");
                fields.put("pendingStep", null);
                fields.put("reason", e.reason());
            }
        }
        return fields;
    }

    /**
     * The person the event names as its author (whose key seals the texts it carries: erasing them finds the entry
     * by this), or for an event naming nobody the actor of the command.
     */
    private static UUID actorOf(RequisitionEvent event, MetaData metaData) {
        UUID author = switch (event) {
            case RequisitionRaised e -> e.requesterId();
            case RequisitionSubmitted e -> e.submittedBy();
            case ApprovalStepApproved e -> e.approvedBy();
            case RequisitionRejected e -> e.rejectedBy();
            case RequisitionCancelled e -> e.cancelledBy();
            case RequisitionApproved e -> null;
        };
        if (author == null && metaData.get(ACTOR) instanceof String actor) {
            return UUID.fromString(actor);
        }
        return author;
    }

    @ResetHandler
    void reset() {
        jdbc.execute("TRUNCATE requisition_history, requisition_history_state");
    }

    public List<Entry> of(UUID tenantId, UUID requisitionId) {
        return jdbc.query("""
                SELECT ledger_seq, type, at, actor, changes FROM requisition_history
                WHERE tenant_id = ? AND requisition_id = ? ORDER BY aggregate_seq""",
                (rs, i) -> new Entry(rs.getLong(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
                        rs.getObject(4, UUID.class), ReadModelJson.read(rs.getString(5), CHANGES)),
                tenantId, requisitionId);
    }
}
