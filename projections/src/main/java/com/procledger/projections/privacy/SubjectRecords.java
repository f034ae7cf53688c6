package com.procledger.projections.privacy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.procledger.projections.Cursors;
import com.procledger.projections.access.AccessLog;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Everything the ledger holds about a data subject, for their subject-access export: the business events that name
 * them (their account's, the requisitions they raised, the decisions they made, the commands they sent), and their
 * access events. Both are read through a cursor, oldest first, so a subject with 100,000 access events costs no more
 * memory than one with ten; call inside a transaction. Personal fields of events come opened (the ledger's
 * serializer opens them); the metadata and access fields come sealed, for the caller to open.
 */
@Component
public class SubjectRecords {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final JdbcTemplate jdbc;
    private final Serializer serializer;
    private final AccessLog accessLog;
    private final ObjectMapper metadataReader = new ObjectMapper();

    public SubjectRecords(JdbcTemplate jdbc, Serializer serializer, AccessLog accessLog) {
        this.jdbc = jdbc;
        this.serializer = serializer;
        this.accessLog = accessLog;
    }

    /**
     * A business event naming the subject. {@code actor}, {@code clientIp} and {@code userAgent} are from the
     * command that caused it (the address and agent sealed).
     */
    public record Recorded(long ledgerSeq, Instant at, String type, Object event, String actor, String clientIp,
                           String userAgent) {
    }

    /** Every business event of the tenant whose payload or metadata names the subject, in ledger order. */
    public void forEachEvent(UUID tenantId, UUID subject, Consumer<Recorded> recorded) {
        String id = subject.toString();
        Cursors.forEachRow(jdbc, """
                SELECT ledger_seq, occurred_at, event_type, event_revision, payload::text, metadata::text
                FROM ledger_events WHERE tenant_id = ? AND aggregate_id IS NOT NULL
                  AND (strpos(payload::text, ?) > 0 OR strpos(metadata::text, ?) > 0)
                ORDER BY ledger_seq""", List.of(tenantId, id, id), rs -> {
            Object event = serializer.deserialize(new SimpleSerializedObject<>(rs.getString(5), String.class,
                    rs.getString(3), rs.getString(4)));
            Map<String, Object> metadata;
            try {
                metadata = metadataReader.readValue(rs.getString(6), MAP);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            recorded.accept(new Recorded(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3), event,
                    text(metadata.get("actor")), text(metadata.get("clientIp")), text(metadata.get("userAgent"))));
        });
    }

    /** Every access event of the tenant's ledger whose actor is the subject, oldest first. */
    public void forEachAccess(UUID tenantId, UUID subject, Consumer<AccessLog.Entry> entry) {
        accessLog.forEachOfActor(tenantId, subject.toString(), entry);
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
