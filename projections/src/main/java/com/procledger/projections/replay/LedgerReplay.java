package com.procledger.projections.replay;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.procledger.domain.LedgerMetadata;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.serialization.SimpleSerializedType;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Events read straight from {@code ledger_events} rows, as the read models' processors get them, for replays that
 * run outside the processors (time travel, rebuilds): same payload, same metadata plus {@code ledgerSeq} and
 * {@code tenantId}, timestamps in milliseconds (as Axon's event entries carry them); events without an aggregate
 * (access events) as plain event messages.
 */
final class LedgerReplay {

    /** The columns {@link #message} reads. */
    static final String COLUMNS = "tenant_id, ledger_seq, event_id, aggregate_type, aggregate_id, aggregate_seq, "
            + "event_type, event_revision, occurred_at, metadata, payload";
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final Serializer serializer;
    /** Metadata is a flat JSON object of strings and numbers: a plain reader is enough. */
    private final ObjectMapper metadataReader = new ObjectMapper();

    LedgerReplay(Serializer serializer) {
        this.serializer = serializer;
    }

    /** A {@code ledger_events} row as read, not yet deserialized (so that another thread can do that). */
    record Row(UUID tenantId, long ledgerSeq, String eventId, String aggregateType, String aggregateId,
               long aggregateSeq, String eventType, String eventRevision, OffsetDateTime occurredAt, String metadata,
               String payload) {

        static Row of(ResultSet rs) throws SQLException {
            return new Row(rs.getObject("tenant_id", UUID.class), rs.getLong("ledger_seq"), rs.getString("event_id"),
                    rs.getString("aggregate_type"), rs.getString("aggregate_id"), rs.getLong("aggregate_seq"),
                    rs.getString("event_type"), rs.getString("event_revision"), rs.getObject("occurred_at", OffsetDateTime.class),
                    rs.getString("metadata"), rs.getString("payload"));
        }
    }

    /** The event of {@code row}, as a processor would get it. */
    EventMessage<?> message(Row row) {
        Object payload = serializer.deserialize(new SimpleSerializedObject<>(row.payload(), String.class,
                row.eventType(), row.eventRevision()));
        Map<String, Object> metadata;
        try {
            metadata = new HashMap<>(metadataReader.readValue(row.metadata(), MAP));
        } catch (IOException e) {
            throw new IllegalStateException("unreadable metadata at ledger_seq " + row.ledgerSeq(), e);
        }
        metadata.put(LedgerMetadata.LEDGER_SEQ, row.ledgerSeq());
        metadata.put(LedgerMetadata.TENANT_ID, row.tenantId().toString());
        Instant at = row.occurredAt().toInstant().truncatedTo(ChronoUnit.MILLIS);
        if (row.aggregateId() == null) {
            return new GenericEventMessage<>(row.eventId(), payload, metadata, at);
        }
        return new GenericDomainEventMessage<>(row.aggregateType(), row.aggregateId(), row.aggregateSeq(), payload,
                metadata, row.eventId(), at);
    }

    /** Whether {@code projection} handles events of this stored type (looked up once per type, not per event). */
    boolean handles(AnnotationEventHandlerAdapter projection, Map<String, Boolean> known, Row row) {
        return known.computeIfAbsent(row.eventType() + "#" + row.eventRevision(), type -> projection.canHandleType(
                serializer.classForType(new SimpleSerializedType(row.eventType(), row.eventRevision()))));
    }

    /**
     * An empty copy of read-model table {@code table} named {@code copy} (schema-qualified: a rebuild's copy, or a
     * temporary table for time travel): its columns, defaults and checks, and only its unique indexes, which the
     * handlers look rows up by and their upserts need. Other indexes only slow a replay's writes down.
     */
    static void createCopy(JdbcTemplate jdbc, String table, String copy, String createTable, String options) {
        jdbc.execute(createTable + " " + copy + " (LIKE public." + table
                + " INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED INCLUDING IDENTITY)" + options);
        for (String index : jdbc.queryForList("SELECT pg_get_indexdef(indexrelid) FROM pg_index "
                + "WHERE indrelid = ?::regclass AND indisunique", String.class, "public." + table)) {
            jdbc.execute(index.replace(" ON public." + table + " ", " ON " + copy + " "));
        }
    }

    /** Hands {@code event} to {@code projection} if it has a handler for it. */
    static void apply(AnnotationEventHandlerAdapter projection, EventMessage<?> event) {
        if (!projection.canHandle(event)) {
            return;
        }
        try {
            projection.handle(event);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("replaying ledger_seq " + event.getMetaData().get(LedgerMetadata.LEDGER_SEQ), e);
        }
    }
}
