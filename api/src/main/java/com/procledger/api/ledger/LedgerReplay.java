package com.procledger.api.ledger;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.procledger.domain.LedgerMetadata;
import com.procledger.infra.ledger.LedgerSerializer;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;

import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Events read straight from {@code ledger_events} rows, as the read models' processors get them, for replays that
 * run outside the processors (time travel, rebuilds): same payload, same metadata plus {@code ledgerSeq} and
 * {@code tenantId}, timestamps in milliseconds (as Axon's event entries carry them).
 */
final class LedgerReplay {

    /** The columns {@link #message} reads. */
    static final String COLUMNS = "tenant_id, ledger_seq, event_id, aggregate_type, aggregate_id, aggregate_seq, "
            + "event_type, event_revision, occurred_at, metadata, payload";
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final Serializer serializer;
    private final ObjectMapper metadataReader = LedgerSerializer.objectMapper();

    LedgerReplay(Serializer serializer) {
        this.serializer = serializer;
    }

    /** The event of the current row (a domain event: rows without an aggregate are not replayed). */
    EventMessage<?> message(ResultSet rs) throws SQLException {
        long ledgerSeq = rs.getLong("ledger_seq");
        Object payload = serializer.deserialize(new SimpleSerializedObject<>(rs.getString("payload"), String.class,
                rs.getString("event_type"), rs.getString("event_revision")));
        Map<String, Object> metadata;
        try {
            metadata = new HashMap<>(metadataReader.readValue(rs.getString("metadata"), MAP));
        } catch (IOException e) {
            throw new IllegalStateException("unreadable metadata at ledger_seq " + ledgerSeq, e);
        }
        metadata.put(LedgerMetadata.LEDGER_SEQ, ledgerSeq);
        metadata.put(LedgerMetadata.TENANT_ID, rs.getObject("tenant_id", UUID.class).toString());
        return new GenericDomainEventMessage<>(rs.getString("aggregate_type"), rs.getString("aggregate_id"),
                rs.getLong("aggregate_seq"), payload, metadata, rs.getString("event_id"),
                rs.getTimestamp("occurred_at").toInstant().truncatedTo(ChronoUnit.MILLIS));
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
