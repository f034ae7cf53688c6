package com.procledger.infra.ledger;

import com.procledger.domain.tenant.TenantScoped;

import static com.procledger.domain.LedgerMetadata.LEDGER_SEQ;
import static com.procledger.domain.LedgerMetadata.TENANT_ID;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.eventhandling.DomainEventData;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedDomainEventData;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.WrappedToken;
import org.axonframework.eventsourcing.eventstore.BatchingEventStorageEngine;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Axon's event storage on the {@code ledger_events} table.
 * <p>
 * An append first moves {@code ledger_head} forward by the number of events. That row lock is held until the
 * transaction ends, so appends commit one after another and global positions become visible in the order they
 * were handed out: tracking processors never see a gap, and the per-tenant {@code ledger_seq} taken under the same
 * lock is gapless and unique. Several commands' events in one transaction share one lock and one commit.
 * <p>
 * Under the same lock each event is chained to its tenant's previous one:
 * {@code hash = SHA-256(prev_hash || canonical bytes)} ({@link LedgerHashing}, docs/ledger-format.md).
 * <p>
 * Every event must belong to a tenant ({@link TenantScoped}). On reading, the event's {@code ledgerSeq} and
 * {@code tenantId} are added to its metadata for the read models.
 */
public class LedgerEventStorageEngine extends BatchingEventStorageEngine {

    private static final Set<String> RESERVED_METADATA = Set.of(LEDGER_SEQ, TENANT_ID);

    private static final String SELECT_COLUMNS = "SELECT global_position, tenant_id, ledger_seq, event_id, aggregate_type, "
            + "aggregate_id, aggregate_seq, event_type, event_revision, occurred_at, metadata, payload FROM ledger_events ";

    private final JdbcTemplate jdbc;
    private final boolean hashing;

    private LedgerEventStorageEngine(Builder builder) {
        super(builder);
        this.jdbc = new JdbcTemplate(builder.dataSource);
        this.hashing = builder.hashing;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected void appendEvents(List<? extends EventMessage<?>> events, Serializer serializer) {
        if (events.isEmpty()) {
            return;
        }
        List<Row> rows = new ArrayList<>(events.size());
        Map<UUID, Long> countsByTenant = new LinkedHashMap<>();
        for (EventMessage<?> event : events) {
            UUID tenant = tenantOf(event);
            countsByTenant.merge(tenant, 1L, Long::sum);
            rows.add(new Row(event, tenant,
                    serializer.serialize(event.getPayload(), String.class),
                    serializer.serialize(event.getMetaData().withoutKeys(RESERVED_METADATA), String.class)));
        }
        try {
            long lastPosition = jdbc.queryForObject(
                    "UPDATE ledger_head SET last_position = last_position + ? WHERE id = 1 RETURNING last_position",
                    Long.class, (long) events.size());
            long position = lastPosition - events.size();
            // A new statement sees every append committed before this one took the lock, so the previous
            // event's hash read here is the tenant's true head.
            Map<UUID, TenantHead> heads = new LinkedHashMap<>();
            for (var entry : countsByTenant.entrySet()) {
                heads.put(entry.getKey(), jdbc.queryForObject("""
                        INSERT INTO ledger_tenant_heads (tenant_id, last_seq) VALUES (?, ?)
                        ON CONFLICT (tenant_id) DO UPDATE SET last_seq = ledger_tenant_heads.last_seq + EXCLUDED.last_seq
                        RETURNING last_seq, (SELECT e.hash FROM ledger_events e WHERE e.tenant_id = ledger_tenant_heads.tenant_id
                                             AND e.ledger_seq = ledger_tenant_heads.last_seq - ?)""",
                        (rs, i) -> new TenantHead(rs.getLong(1) - entry.getValue() + 1, rs.getBytes(2)),
                        entry.getKey(), entry.getValue(), entry.getValue()));
            }
            List<Object[]> batch = new ArrayList<>(rows.size());
            for (Row row : rows) {
                TenantHead head = heads.get(row.tenant);
                LedgerRecord record = row.record(head.nextSeq++);
                if (hashing) {
                    byte[] prev = head.lastHash == null ? LedgerHashing.GENESIS : head.lastHash;
                    head.lastHash = LedgerHashing.hash(prev, record);
                    record = record.withHashes(prev, head.lastHash);
                }
                batch.add(values(++position, record));
            }
            jdbc.batchUpdate("""
                    INSERT INTO ledger_events (global_position, tenant_id, ledger_seq, event_id, aggregate_type,
                        aggregate_id, aggregate_seq, event_type, event_revision, occurred_at, metadata, payload,
                        prev_hash, hash)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::json, ?::json, ?, ?)""", batch);
        } catch (DataAccessException e) {
            // A duplicate aggregate sequence means a concurrent command won: the first event names the aggregate.
            handlePersistenceException(e, events.get(0));
        }
    }

    /** A tenant's next ledger_seq and the hash the next event chains from, while one append runs. */
    private static final class TenantHead {
        long nextSeq;
        byte[] lastHash;

        TenantHead(long nextSeq, byte[] lastHash) {
            this.nextSeq = nextSeq;
            this.lastHash = lastHash;
        }
    }

    private static Object[] values(long position, LedgerRecord r) {
        return new Object[]{position, r.tenantId(), r.ledgerSeq(), r.eventId(), r.aggregateType(), r.aggregateId(),
                r.aggregateSeq(), r.eventType(), r.eventRevision(), OffsetDateTime.ofInstant(r.occurredAt(), ZoneOffset.UTC),
                r.metadata(), r.payload(), r.prevHash(), r.hash()};
    }

    private static UUID tenantOf(EventMessage<?> event) {
        if (event.getPayload() instanceof TenantScoped scoped && scoped.tenantId() != null) {
            return scoped.tenantId();
        }
        throw new IllegalArgumentException("event " + event.getPayloadType().getSimpleName()
                + " names no tenant: every ledger event must implement TenantScoped");
    }

    @Override
    protected void storeSnapshot(DomainEventMessage<?> snapshot, Serializer serializer) {
        var payload = serializer.serialize(snapshot.getPayload(), String.class);
        var metadata = serializer.serialize(snapshot.getMetaData(), String.class);
        jdbc.update("""
                INSERT INTO ledger_snapshots (aggregate_id, aggregate_type, aggregate_seq, event_id, snapshot_type,
                    snapshot_revision, taken_at, metadata, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?::json, ?::json)
                ON CONFLICT (aggregate_id) DO UPDATE SET aggregate_seq = EXCLUDED.aggregate_seq,
                    event_id = EXCLUDED.event_id, snapshot_type = EXCLUDED.snapshot_type,
                    snapshot_revision = EXCLUDED.snapshot_revision, taken_at = EXCLUDED.taken_at,
                    metadata = EXCLUDED.metadata, payload = EXCLUDED.payload
                WHERE ledger_snapshots.aggregate_seq < EXCLUDED.aggregate_seq""",
                snapshot.getAggregateIdentifier(), snapshot.getType(), snapshot.getSequenceNumber(),
                snapshot.getIdentifier(), payload.getType().getName(), payload.getType().getRevision(),
                Timestamp.from(snapshot.getTimestamp()), metadata.getData(), payload.getData());
    }

    @Override
    protected Stream<? extends DomainEventData<?>> readSnapshotData(String aggregateIdentifier) {
        return jdbc.query("""
                SELECT aggregate_type, aggregate_id, aggregate_seq, event_id, taken_at, snapshot_type,
                    snapshot_revision, payload, metadata FROM ledger_snapshots WHERE aggregate_id = ?""",
                (rs, i) -> new GenericDomainEventEntry<>(rs.getString(1), rs.getString(2), rs.getLong(3),
                        rs.getString(4), rs.getTimestamp(5).toInstant(), rs.getString(6), rs.getString(7),
                        rs.getString(8), rs.getString(9)), aggregateIdentifier).stream();
    }

    @Override
    protected List<? extends DomainEventData<?>> fetchDomainEvents(String aggregateIdentifier, long firstSequenceNumber,
                                                                  int batchSize) {
        return jdbc.query(SELECT_COLUMNS + "WHERE aggregate_id = ? AND aggregate_seq >= ? ORDER BY aggregate_seq LIMIT ?",
                (rs, i) -> domainEntry(rs), aggregateIdentifier, firstSequenceNumber, batchSize);
    }

    @Override
    protected List<? extends TrackedEventData<?>> fetchTrackedEvents(TrackingToken lastToken, int batchSize) {
        return jdbc.query(SELECT_COLUMNS + "WHERE global_position > ? ORDER BY global_position LIMIT ?",
                (rs, i) -> new TrackedDomainEventData<>(new GlobalSequenceTrackingToken(rs.getLong(1)), domainEntry(rs)),
                positionOf(lastToken), batchSize);
    }

    @Override
    public Optional<Long> lastSequenceNumberFor(String aggregateIdentifier) {
        return Optional.ofNullable(jdbc.queryForObject(
                "SELECT max(aggregate_seq) FROM ledger_events WHERE aggregate_id = ?", Long.class, aggregateIdentifier));
    }

    @Override
    public TrackingToken createTailToken() {
        return new GlobalSequenceTrackingToken(0);
    }

    @Override
    public TrackingToken createHeadToken() {
        return new GlobalSequenceTrackingToken(headPosition());
    }

    @Override
    public TrackingToken createTokenAt(Instant dateTime) {
        Long before = jdbc.queryForObject(
                "SELECT min(global_position) - 1 FROM ledger_events WHERE occurred_at >= ?", Long.class,
                Timestamp.from(dateTime));
        return before == null ? createHeadToken() : new GlobalSequenceTrackingToken(before);
    }

    /** The highest position handed out and committed (an append in flight holds the row until it commits). */
    public long headPosition() {
        return jdbc.queryForObject("SELECT last_position FROM ledger_head WHERE id = 1", Long.class);
    }

    static long positionOf(TrackingToken token) {
        TrackingToken lower = WrappedToken.unwrapLowerBound(token);
        if (lower == null) {
            return 0;
        }
        if (lower instanceof GlobalSequenceTrackingToken global) {
            return global.getGlobalIndex();
        }
        throw new IllegalArgumentException("the ledger tracks GlobalSequenceTrackingTokens, not " + lower.getClass().getName());
    }

    private static GenericDomainEventEntry<String> domainEntry(ResultSet rs) throws SQLException {
        String metadata = withLedgerFields(rs.getString("metadata"), rs.getLong("ledger_seq"), rs.getString("tenant_id"));
        long aggregateSeq = rs.getLong("aggregate_seq");
        return new GenericDomainEventEntry<>(rs.getString("aggregate_type"), rs.getString("aggregate_id"),
                rs.wasNull() ? 0 : aggregateSeq, rs.getString("event_id"),
                rs.getTimestamp("occurred_at").toInstant(), rs.getString("event_type"),
                rs.getString("event_revision"), rs.getString("payload"), metadata);
    }

    /** Adds the ledger's own facts in front of the stored metadata object, without parsing it. */
    static String withLedgerFields(String metadataJson, long ledgerSeq, String tenantId) {
        String fields = "{\"" + LEDGER_SEQ + "\":" + ledgerSeq + ",\"" + TENANT_ID + "\":\"" + tenantId + "\"";
        String rest = metadataJson.strip().substring(1).strip();
        return rest.equals("}") ? fields + "}" : fields + "," + rest;
    }

    private record Row(EventMessage<?> event, UUID tenant, SerializedObject<String> payload,
                       SerializedObject<String> metadata) {

        LedgerRecord record(long ledgerSeq) {
            String aggregateType = null;
            String aggregateId = null;
            Long aggregateSeq = null;
            if (event instanceof DomainEventMessage<?> domain) {
                aggregateType = domain.getType();
                aggregateId = domain.getAggregateIdentifier();
                aggregateSeq = domain.getSequenceNumber();
            }
            // Microseconds, as PostgreSQL keeps them: the chain must hash exactly what is stored.
            Instant at = event.getTimestamp().truncatedTo(ChronoUnit.MICROS);
            return new LedgerRecord(tenant, ledgerSeq, event.getIdentifier(), aggregateType, aggregateId, aggregateSeq,
                    payload.getType().getName(), payload.getType().getRevision(), at, metadata.getData(),
                    payload.getData(), null, null);
        }
    }

    /** Builds the engine; needs the data source and the serializers, plus a resolver for duplicate keys. */
    public static class Builder extends BatchingEventStorageEngine.Builder {

        private DataSource dataSource;
        private boolean hashing = true;

        public Builder dataSource(DataSource dataSource) {
            this.dataSource = dataSource;
            return this;
        }

        /** Off only to measure what hashing costs (benchmark); a ledger written so has no chain to verify. */
        public Builder hashing(boolean hashing) {
            this.hashing = hashing;
            return this;
        }

        @Override
        public Builder eventSerializer(Serializer eventSerializer) {
            super.eventSerializer(eventSerializer);
            return this;
        }

        @Override
        public Builder snapshotSerializer(Serializer snapshotSerializer) {
            super.snapshotSerializer(snapshotSerializer);
            return this;
        }

        @Override
        public Builder persistenceExceptionResolver(PersistenceExceptionResolver resolver) {
            super.persistenceExceptionResolver(resolver);
            return this;
        }

        @Override
        public Builder batchSize(int batchSize) {
            super.batchSize(batchSize);
            return this;
        }

        @Override
        protected void validate() {
            super.validate();
            if (dataSource == null) {
                throw new org.axonframework.common.AxonConfigurationException("the ledger needs a DataSource");
            }
        }

        public LedgerEventStorageEngine build() {
            validate();
            return new LedgerEventStorageEngine(this);
        }
    }

    /** PostgreSQL's unique-violation state: the aggregate sequence was taken by a concurrent command. */
    public static boolean isDuplicateKey(Exception exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** Tells Axon which storage failures are lost races (409) rather than faults. */
    public static PersistenceExceptionResolver duplicateKeyResolver() {
        return LedgerEventStorageEngine::isDuplicateKey;
    }
}
