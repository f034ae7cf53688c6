package com.procledger.infra.ledger;

import com.procledger.domain.TenantScoped;

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
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntSupplier;
import java.util.stream.Stream;

/**
 * Axon's event storage on the {@code ledger_events} table.
 * <p>
 * An append first moves {@code ledger_head} forward by the number of events. That row lock is held until the
 * transaction ends, so appends commit one after another and global positions become visible in the order they
 * were handed out: tracking processors never see a gap, and the per-tenant {@code ledger_seq} taken under the same
 * lock is gapless and unique. Several commands' events in one transaction share one lock and one commit.
 * <p>
 * Readers by position (tracking processors, head tokens) read up to {@code ledger_published}, not to the head: the
 * group-commit writer commits busy batches without waiting for their flush and publishes them once a later
 * transaction has flushed them ({@link #publish}, ADR 0028), so what these readers see is always durable.
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

    private static final Logger log = LoggerFactory.getLogger(LedgerEventStorageEngine.class);

    private final JdbcTemplate jdbc;
    private final Tracked tracked;
    private final LedgerHeads knownHeads = new LedgerHeads();

    private final GroupCommit writer;

    private LedgerEventStorageEngine(Builder builder) {
        super(builder);
        this.jdbc = new JdbcTemplate(builder.dataSource);
        this.tracked = builder.tracked;
        var transactions = new TransactionTemplate(new DataSourceTransactionManager(builder.dataSource));
        this.writer = new GroupCommit(this, transactions, builder.maxBatch, builder.queueCapacity, builder.coming,
                builder.linger);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Axon's append, for a command's events. Inside a transaction (a caller that writes other tables with them) they
     * are appended in it and committed with it. Otherwise they are handed to the group-commit writer
     * ({@link #writer()}) with other threads' events, and this returns once they are durable; the position of the
     * last of them is then {@link #takeCommittedPosition() known to this thread}.
     */
    @Override
    protected void appendEvents(List<? extends EventMessage<?>> events, Serializer serializer) {
        if (events.isEmpty()) {
            return;
        }
        List<Row> rows = rows(events, serializer);
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            try {
                appendRows(rows);
            } catch (DataAccessException e) {
                // A duplicate aggregate sequence means a concurrent command won: the first event names the aggregate.
                handlePersistenceException(e, events.get(0));
            }
            return;
        }
        Long position;
        try {
            position = writer.append(new Prepared(rows), COMMAND_WAIT).get(COMMAND_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventStoreException("interrupted while the events were being committed; they may be in the ledger", e);
        } catch (TimeoutException e) {
            throw new EventStoreException("the ledger did not commit the events within " + COMMAND_WAIT
                    + "; they may still be committed", new GroupCommit.Unavailable("the ledger writer is overloaded"));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof StaleAggregate stale) {
                handlePersistenceException(stale.duplicateKey(), events.get(0));
            }
            throw new EventStoreException("the events could not be committed", cause);
        }
        COMMITTED_HERE.set(position);
    }

    /** How long a command waits for its events' commit before it gives up (they may still commit). */
    private static final Duration COMMAND_WAIT = Duration.ofSeconds(30);

    /** The position of the last events a thread appended, once they are committed (read-your-writes). */
    private static final ThreadLocal<Long> COMMITTED_HERE = new ThreadLocal<>();

    /**
     * The global position of the last event this thread appended and saw committed since it last asked, if any:
     * what a command's answer waits for the read models to reach. Cleared by asking.
     */
    public static java.util.OptionalLong takeCommittedPosition() {
        Long position = COMMITTED_HERE.get();
        COMMITTED_HERE.remove();
        return position == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(position);
    }

    /** The writer that commits events handed in by many threads together (commands' and access events). */
    public GroupCommit writer() {
        return writer;
    }

    /** Stops the writer (what it holds is committed first). */
    public void close() {
        writer.close();
    }

    /**
     * Events serialized (personal data sealed) by the thread that hands them in, ready to be numbered and chained
     * by the writer: one unit, committed whole or not at all.
     */
    public static final class Prepared {
        private final List<Row> rows;

        private Prepared(List<Row> rows) {
            this.rows = rows;
        }

        int size() {
            return rows.size();
        }
    }

    /** Serializes {@code events} as one unit for the writer. */
    public Prepared prepare(List<? extends EventMessage<?>> events) {
        return new Prepared(rows(events, getEventSerializer()));
    }

    /**
     * The ordinary append, in the current transaction: moves {@code ledger_head} by the number of events (the row
     * lock is held until the transaction ends), takes each tenant's head, chains and inserts.
     *
     * @return the global position before the first of the events
     */
    private long appendRows(List<Row> rows) {
        long lastPosition = jdbc.queryForObject(
                "UPDATE ledger_head SET last_position = last_position + ? WHERE id = 1 RETURNING last_position",
                Long.class, (long) rows.size());
        long before = lastPosition - rows.size();
        // A new statement sees every append committed before this one took the lock, so the previous
        // event's hash read here is the tenant's true head.
        Map<UUID, Long> counts = counts(rows);
        Map<UUID, TenantHead> heads = new LinkedHashMap<>();
        jdbc.query(connection -> {
            var statement = connection.prepareStatement("""
                    WITH moved AS (
                        INSERT INTO ledger_tenant_heads (tenant_id, last_seq)
                        SELECT * FROM unnest(?::uuid[], ?::bigint[])
                        ON CONFLICT (tenant_id) DO UPDATE SET last_seq = ledger_tenant_heads.last_seq + EXCLUDED.last_seq
                        RETURNING tenant_id, last_seq
                    )
                    SELECT m.tenant_id, m.last_seq, e.hash
                    FROM moved m JOIN unnest(?::uuid[], ?::bigint[]) AS c(tenant_id, n) ON c.tenant_id = m.tenant_id
                    LEFT JOIN ledger_events e ON e.tenant_id = m.tenant_id AND e.ledger_seq = m.last_seq - c.n""");
            var tenants = connection.createArrayOf("uuid", counts.keySet().toArray());
            var ns = connection.createArrayOf("bigint", counts.values().toArray());
            statement.setArray(1, tenants);
            statement.setArray(2, ns);
            statement.setArray(3, tenants);
            statement.setArray(4, ns);
            return statement;
        }, (ResultSet rs) -> {
            UUID tenant = rs.getObject(1, UUID.class);
            heads.put(tenant, new TenantHead(rs.getLong(2) - counts.get(tenant) + 1, rs.getBytes(3)));
        });
        List<Object[]> batch = new ArrayList<>(rows.size());
        long position = before;
        for (LedgerRecord record : chain(rows, heads)) {
            batch.add(values(++position, record));
        }
        jdbc.batchUpdate("""
                INSERT INTO ledger_events (global_position, tenant_id, ledger_seq, event_id, aggregate_type,
                    aggregate_id, aggregate_seq, event_type, event_revision, occurred_at, metadata, payload,
                    prev_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::json, ?::json, ?, ?)""", batch);
        // Under the head lock every position up to ours is committed: published with this transaction, which waits
        // for its flush (the writer's batches before it included).
        jdbc.update(PUBLISH, lastPosition);
        learnOnCommit(before, lastPosition, heads);
        return before;
    }

    /**
     * Appends the units that are not stale, in the current transaction (the writer's, when the one-statement
     * append could not be used): under the head lock, a unit holding an aggregate sequence that the ledger already
     * has, or that an earlier unit of the same batch takes, is left out whole, so that only the stale command fails
     * and its neighbours commit.
     *
     * @return per unit, the global position of its last event, or -1 when it was left out as stale
     */
    long[] appendUnits(List<Prepared> units) {
        jdbc.queryForObject("SELECT last_position FROM ledger_head WHERE id = 1 FOR UPDATE", Long.class);
        Set<String> taken = takenAggregateSequences(units);
        long[] positions = new long[units.size()];
        List<Row> rows = new ArrayList<>();
        for (int u = 0; u < units.size(); u++) {
            boolean stale = false;
            List<String> keys = new ArrayList<>();
            for (Row row : units.get(u).rows) {
                String key = row.aggregateKey();
                if (key != null) {
                    stale |= taken.contains(key) || keys.contains(key);
                    keys.add(key);
                }
            }
            if (stale) {
                positions[u] = -1;
            } else {
                taken.addAll(keys);
                rows.addAll(units.get(u).rows);
                positions[u] = rows.size(); // its last event's offset in this append, made a position below
            }
        }
        if (!rows.isEmpty()) {
            long before = appendRows(rows);
            for (int u = 0; u < positions.length; u++) {
                if (positions[u] > 0) {
                    positions[u] += before;
                }
            }
        }
        return positions;
    }

    /** Which of the units' aggregate sequences the ledger already holds ("aggregate id/sequence"). */
    private Set<String> takenAggregateSequences(List<Prepared> units) {
        List<String> ids = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        for (Prepared unit : units) {
            for (Row row : unit.rows) {
                if (row.aggregateKey() != null) {
                    DomainEventMessage<?> domain = (DomainEventMessage<?>) row.event;
                    ids.add(domain.getAggregateIdentifier());
                    seqs.add(domain.getSequenceNumber());
                }
            }
        }
        Set<String> taken = new java.util.HashSet<>();
        if (ids.isEmpty()) {
            return taken;
        }
        jdbc.query(connection -> {
            var statement = connection.prepareStatement("""
                    SELECT e.aggregate_id, e.aggregate_seq FROM ledger_events e
                    JOIN unnest(?::text[], ?::bigint[]) AS u(aggregate_id, aggregate_seq)
                      ON e.aggregate_id = u.aggregate_id AND e.aggregate_seq = u.aggregate_seq""");
            statement.setArray(1, connection.createArrayOf("text", ids.toArray()));
            statement.setArray(2, connection.createArrayOf("bigint", seqs.toArray()));
            return statement;
        }, rs -> {
            taken.add(rs.getString(1) + "/" + rs.getLong(2));
        });
        return taken;
    }

    /** Why a unit was left out of its batch: a concurrent command wrote its aggregate first. */
    static final class StaleAggregate extends RuntimeException {
        StaleAggregate() {
            super("a concurrent command changed the aggregate first", null, false, false);
        }

        /** As the database would have said it, for Axon's resolver. */
        DataAccessException duplicateKey() {
            return new org.springframework.dao.DuplicateKeyException(getMessage(),
                    new SQLException("duplicate aggregate sequence", "23505"));
        }
    }

    /**
     * Appends {@code events} in one statement, committed when it returns (one round trip, no transaction around
     * it), where this engine knows the ledger's head from its own latest commit ({@link LedgerHeads}): the
     * statement moves {@code ledger_head} only from exactly that position, so when anyone else appended since,
     * it writes nothing. For the group-commit writer, which is nearly all of the ledger's traffic.
     *
     * @return the global position before the first event when they are committed; -1 when nothing was written (the
     * head was not known here or had moved, or the statement failed): then append them in a transaction
     * ({@link #appendUnits})
     */
    long appendCommitted(List<Prepared> units) {
        return appendCommitted(units, true);
    }

    /**
     * As {@link #appendCommitted(List)}; where {@code durable} is false, the statement commits without waiting for
     * the disk flush (it holds the head's row lock for its own work only) and leaves the publication to
     * {@link #publish}, which the events' callers must wait for; where it is true, the statement publishes its
     * events itself and returns once they are durable.
     */
    long appendCommitted(List<Prepared> units, boolean durable) {
        List<Row> rows = new ArrayList<>();
        units.forEach(unit -> rows.addAll(unit.rows));
        if (rows.isEmpty()) {
            return -1;
        }
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            return -1; // it would join that transaction and commit only with it: not "committed when it returns"
        }
        Map<UUID, Long> counts = counts(rows);
        LedgerHeads.Known known = knownHeads.known(counts.keySet());
        if (known == null) {
            learnHeads(counts.keySet());
            known = knownHeads.known(counts.keySet());
            if (known == null) {
                return -1;
            }
        }
        Map<UUID, TenantHead> heads = new LinkedHashMap<>();
        known.heads().forEach((tenant, head) -> heads.put(tenant, new TenantHead(head.seq() + 1, head.hash())));
        int n = rows.size();
        List<LedgerRecord> records = chain(rows, heads);
        String[] tenants = heads.keySet().stream().map(UUID::toString).toArray(String[]::new);
        String[] lastSeqs = heads.values().stream().map(h -> Long.toString(h.nextSeq - 1)).toArray(String[]::new);
        long before = known.position();
        long after = before + n;
        try {
            Integer inserted = jdbc.execute((Connection connection) -> {
                boolean asValues = n <= VALUES_UP_TO;
                try (var statement = connection.prepareStatement(asValues ? valuesStatement(n, durable)
                        : durable ? ARRAYS_STATEMENT_PUBLISHED : ARRAYS_STATEMENT)) {
                    statement.setLong(1, after);
                    statement.setLong(2, before);
                    statement.setArray(3, connection.createArrayOf("text", tenants));
                    statement.setArray(4, connection.createArrayOf("text", lastSeqs));
                    if (asValues) {
                        setValues(statement, 5, before, records);
                    } else {
                        setArrays(statement, 5, before, records, connection);
                    }
                    return statement.executeUpdate();
                }
            });
            if (inserted == null || inserted != n) {
                knownHeads.forget(); // someone else appended since: nothing was written, and the heads are read again
                return -1;
            }
        } catch (DataAccessException e) {
            // a stale aggregate sequence (a concurrent command's), or the connection: nothing was written
            knownHeads.forget();
            log.debug("a one-statement append failed; appending in a transaction instead", e);
            return -1;
        }
        knownHeads.committed(before, after, learnt(heads));
        return before;
    }

    /**
     * Reads the ledger's head position and these tenants' heads in one statement (one snapshot, so they agree with
     * each other), and learns them: a tenant's first events since this process started need no transaction.
     */
    private void learnHeads(Set<UUID> tenants) {
        try {
            jdbc.query(connection -> {
                var statement = connection.prepareStatement("""
                        SELECT h.last_position, t.tenant_id, th.last_seq, e.hash
                        FROM ledger_head h
                        CROSS JOIN unnest(?::uuid[]) AS t(tenant_id)
                        LEFT JOIN ledger_tenant_heads th ON th.tenant_id = t.tenant_id
                        LEFT JOIN ledger_events e ON e.tenant_id = th.tenant_id AND e.ledger_seq = th.last_seq
                        WHERE h.id = 1""");
                statement.setArray(1, connection.createArrayOf("uuid", tenants.toArray()));
                return statement;
            }, (ResultSet rs) -> {
                long position = -1;
                Map<UUID, LedgerHeads.Head> heads = new LinkedHashMap<>();
                while (rs.next()) {
                    position = rs.getLong(1);
                    long seq = rs.getLong(3); // 0 for a tenant without events: its first is 1, chained to genesis
                    heads.put(rs.getObject(2, UUID.class), new LedgerHeads.Head(seq, rs.getBytes(4)));
                }
                if (position >= 0) {
                    knownHeads.learnt(position, heads);
                }
                return null;
            });
        } catch (DataAccessException e) {
            log.debug("could not read the ledger's heads", e);
        }
    }

    /**
     * One statement, hence one transaction in autocommit: move the head from exactly the known position (a
     * concurrent append holds the row until it commits, and then the position no longer matches: no row, and
     * nothing below is written), set the tenants' heads and insert the events.
     */
    private static final String APPEND_HEAD = """
            WITH head AS (
                UPDATE ledger_head SET last_position = ? WHERE id = 1 AND last_position = ?
                    AND set_config('synchronous_commit', 'off', true) IS NOT NULL
                RETURNING last_position
            ), tenant_heads AS (""";

    /** The head moved by a statement that waits for its flush, and so publishes its events itself. */
    private static final String APPEND_HEAD_PUBLISHED = """
            WITH head AS (
                UPDATE ledger_head SET last_position = ? WHERE id = 1 AND last_position = ? RETURNING last_position
            ), published AS (
                UPDATE ledger_published SET position = greatest(ledger_published.position, head.last_position)
                FROM head WHERE ledger_published.id = 1
            ), tenant_heads AS (""";

    private static final String APPEND_REST = """
                INSERT INTO ledger_tenant_heads (tenant_id, last_seq)
                SELECT t.tenant_id::uuid, t.last_seq::bigint FROM head, unnest(?::text[], ?::text[]) AS t(tenant_id, last_seq)
                ON CONFLICT (tenant_id) DO UPDATE SET last_seq = EXCLUDED.last_seq
            )
            INSERT INTO ledger_events (global_position, tenant_id, ledger_seq, event_id, aggregate_type, aggregate_id,
                aggregate_seq, event_type, event_revision, occurred_at, metadata, payload, prev_hash, hash)
            """;

    private static final String AS_E = """
            AS e(global_position, tenant_id, ledger_seq, event_id, aggregate_type, aggregate_id, aggregate_seq,
                 event_type, event_revision, occurred_at, metadata, payload, prev_hash, hash)""";

    /**
     * Up to this many events, each value is a parameter of its own, in a statement text per number of events (at
     * most this many texts for the driver and the server to keep); more events go as one text array per column,
     * in one statement text for every size. Parsing values out of array literals costs PostgreSQL about as much as
     * inserting the rows: for the small batches of light load, where it is most of the work, it is avoided.
     */
    private static final int VALUES_UP_TO = 16;

    private static final String[] VALUES_STATEMENTS = new String[VALUES_UP_TO + 1];
    private static final String[] VALUES_STATEMENTS_PUBLISHED = new String[VALUES_UP_TO + 1];

    static {
        for (int n = 1; n <= VALUES_UP_TO; n++) {
            var sql = new StringBuilder(APPEND_REST).append("SELECT e.* FROM head, (VALUES ");
            for (int i = 0; i < n; i++) {
                sql.append(i == 0 ? "" : ", ").append(
                        "(?::bigint, ?::uuid, ?::bigint, ?, ?, ?, ?::bigint, ?, ?, ?::timestamptz, ?::json, ?::json, ?::bytea, ?::bytea)");
            }
            String rest = sql.append(") ").append(AS_E).toString();
            VALUES_STATEMENTS[n] = APPEND_HEAD + rest;
            VALUES_STATEMENTS_PUBLISHED[n] = APPEND_HEAD_PUBLISHED + rest;
        }
    }

    private static String valuesStatement(int n, boolean durable) {
        return durable ? VALUES_STATEMENTS_PUBLISHED[n] : VALUES_STATEMENTS[n];
    }

    private static final String ARRAYS_REST = APPEND_REST + """
            SELECT e.global_position::bigint, e.tenant_id::uuid, e.ledger_seq::bigint, e.event_id, e.aggregate_type,
                e.aggregate_id, e.aggregate_seq::bigint, e.event_type, e.event_revision, e.occurred_at::timestamptz,
                e.metadata::json, e.payload::json, decode(e.prev_hash, 'hex'), decode(e.hash, 'hex')
            FROM head, unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                              ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
            """ + AS_E;

    private static final String ARRAYS_STATEMENT = APPEND_HEAD + ARRAYS_REST;

    private static final String ARRAYS_STATEMENT_PUBLISHED = APPEND_HEAD_PUBLISHED + ARRAYS_REST;

    private static void setValues(java.sql.PreparedStatement statement, int p, long before, List<LedgerRecord> records)
            throws SQLException {
        long position = before;
        for (LedgerRecord r : records) {
            statement.setLong(p++, ++position);
            statement.setObject(p++, r.tenantId());
            statement.setLong(p++, r.ledgerSeq());
            statement.setString(p++, r.eventId());
            statement.setString(p++, r.aggregateType());
            statement.setString(p++, r.aggregateId());
            statement.setObject(p++, r.aggregateSeq(), java.sql.Types.BIGINT);
            statement.setString(p++, r.eventType());
            statement.setString(p++, r.eventRevision());
            statement.setObject(p++, OffsetDateTime.ofInstant(r.occurredAt(), ZoneOffset.UTC));
            statement.setString(p++, r.metadata());
            statement.setString(p++, r.payload());
            statement.setBytes(p++, r.prevHash());
            statement.setBytes(p++, r.hash());
        }
    }

    private static void setArrays(java.sql.PreparedStatement statement, int p, long before, List<LedgerRecord> records,
                                  Connection connection) throws SQLException {
        int n = records.size();
        String[][] columns = new String[14][n];
        long position = before;
        for (int i = 0; i < n; i++) {
            LedgerRecord r = records.get(i);
            String[] row = {Long.toString(++position), r.tenantId().toString(), Long.toString(r.ledgerSeq()),
                    r.eventId(), r.aggregateType(), r.aggregateId(),
                    r.aggregateSeq() == null ? null : Long.toString(r.aggregateSeq()), r.eventType(),
                    r.eventRevision(), LedgerHashing.time(r.occurredAt()), r.metadata(), r.payload(),
                    LedgerHashing.hex(r.prevHash()), LedgerHashing.hex(r.hash())};
            for (int c = 0; c < row.length; c++) {
                columns[c][i] = row[c];
            }
        }
        for (int c = 0; c < columns.length; c++) {
            statement.setArray(p + c, connection.createArrayOf("text", columns[c]));
        }
    }



    private List<Row> rows(List<? extends EventMessage<?>> events, Serializer serializer) {
        List<Row> rows = new ArrayList<>(events.size());
        for (EventMessage<?> event : events) {
            rows.add(new Row(event, tenantOf(event),
                    serializer.serialize(event.getPayload(), String.class),
                    serializer.serialize(event.getMetaData().withoutKeys(RESERVED_METADATA), String.class)));
        }
        return rows;
    }

    private static Map<UUID, Long> counts(List<Row> rows) {
        Map<UUID, Long> counts = new LinkedHashMap<>();
        rows.forEach(row -> counts.merge(row.tenant, 1L, Long::sum));
        return counts;
    }

    /** The rows as ledger records, each tenant's numbered on from its head and chained to its previous hash. */
    private List<LedgerRecord> chain(List<Row> rows, Map<UUID, TenantHead> heads) {
        List<LedgerRecord> records = new ArrayList<>(rows.size());
        for (Row row : rows) {
            TenantHead head = heads.get(row.tenant);
            LedgerRecord record = row.record(head.nextSeq++);
            byte[] prev = head.lastHash == null ? LedgerHashing.GENESIS : head.lastHash;
            head.lastHash = LedgerHashing.hash(prev, record);
            records.add(record.withHashes(prev, head.lastHash));
        }
        return records;
    }

    private static Map<UUID, LedgerHeads.Head> learnt(Map<UUID, TenantHead> heads) {
        Map<UUID, LedgerHeads.Head> learnt = new LinkedHashMap<>();
        heads.forEach((tenant, head) -> learnt.put(tenant, new LedgerHeads.Head(head.nextSeq - 1, head.lastHash)));
        return learnt;
    }

    /** What an append in a transaction leaves the heads at is known once (and if) that transaction commits. */
    private void learnOnCommit(long before, long after, Map<UUID, TenantHead> heads) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            return;
        }
        Map<UUID, LedgerHeads.Head> learnt = learnt(heads);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                knownHeads.committed(before, after, learnt);
                COMMITTED_HERE.set(after);
            }
        });
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
        return jdbc.query(SELECT_COLUMNS + "WHERE global_position > ?" + PUBLISHED + tracked.condition
                        + " ORDER BY global_position LIMIT ?",
                (rs, i) -> new TrackedDomainEventData<>(new GlobalSequenceTrackingToken(rs.getLong(1)), domainEntry(rs)),
                positionOf(lastToken), batchSize);
    }

    /**
     * Which of the ledger's events the tracked stream (what tracking processors read) carries. Access events are
     * nearly all of the ledger, one per request; the access log reads them from the ledger itself, and the other
     * read models' processors would only wake for each of them to skip it (ADR 0013, ADR 0014).
     */
    public enum Tracked {
        /** every event */
        ALL(""),
        /**
         * every event but access events, which the access log reads from the ledger itself (ADR 0014); the partial
         * index ledger_events_business (V19) finds them
         */
        BUSINESS(" AND event_type <> '" + ACCESS_EVENT_TYPE + "'");

        final String condition;

        Tracked(String condition) {
            this.condition = condition;
        }
    }

    /** The type name access events are stored under. */
    public static final String ACCESS_EVENT_TYPE = com.procledger.domain.access.AccessEvent.AccessRecorded.class.getSimpleName();

    /** The position of the last committed event of this kind; 0 when there is none. */
    public long headPosition(Tracked kind) {
        if (kind == Tracked.ALL) {
            return headPosition();
        }
        Long last = jdbc.queryForObject("SELECT max(global_position) FROM ledger_events WHERE true" + PUBLISHED
                + kind.condition, Long.class);
        return last == null ? 0 : last;
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

    /**
     * The published position: every event up to it is committed and durable, and none at or below it is still to
     * come. What readers by position (tracking processors, head tokens, investigations) read up to.
     */
    public long headPosition() {
        return jdbc.queryForObject("SELECT position FROM ledger_published WHERE id = 1", Long.class);
    }

    /** Moves the published position to a position (never back). */
    private static final String PUBLISH = "UPDATE ledger_published SET position = greatest(position, ?) WHERE id = 1";

    /** Bounds a query of {@code ledger_events} to the published position. */
    static final String PUBLISHED = " AND global_position <= (SELECT position FROM ledger_published WHERE id = 1)";

    /**
     * Publishes the ledger up to {@code position} (committed by the writer without waiting for the flush): moves
     * {@code ledger_published} there in a transaction of its own, which waits for the disk flush, and so returns
     * only once everything committed before it is durable. The writer's batches, which do not wait, are thereby
     * durable before they are acknowledged, and before readers by position see them.
     */
    void publish(long position) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("the ledger is published in a transaction of its own");
        }
        jdbc.update(PUBLISH, position);
    }

    /** Publishes everything committed (what an earlier run committed but stopped before publishing). */
    void publishHead() {
        jdbc.update("""
                UPDATE ledger_published
                SET position = greatest(position, (SELECT last_position FROM ledger_head WHERE id = 1))
                WHERE id = 1""");
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

        /** "aggregate id/sequence" of a domain event, unique in the ledger; null for other events. */
        String aggregateKey() {
            return event instanceof DomainEventMessage<?> domain && domain.getAggregateIdentifier() != null
                    ? domain.getAggregateIdentifier() + "/" + domain.getSequenceNumber() : null;
        }

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
        private Tracked tracked = Tracked.ALL;
        private int maxBatch = 500;
        private int queueCapacity = 10_000;
        private IntSupplier coming = () -> 0;
        private GroupCommit.Linger linger = GroupCommit.Linger.NONE;

        /**
         * The group-commit writer's settings: at most {@code maxBatch} events per commit, {@code queueCapacity}
         * waiting; it may {@code linger} while {@code coming} says enough requests are under way (see
         * {@link GroupCommit}). Unset: 500, 10,000, no linger.
         */
        public Builder writer(int maxBatch, int queueCapacity, IntSupplier coming, GroupCommit.Linger linger) {
            this.maxBatch = maxBatch;
            this.queueCapacity = queueCapacity;
            this.coming = java.util.Objects.requireNonNull(coming);
            this.linger = java.util.Objects.requireNonNull(linger);
            return this;
        }

        /** Which events tracking processors reading through this engine get; all unless said. */
        public Builder tracked(Tracked tracked) {
            this.tracked = java.util.Objects.requireNonNull(tracked);
            return this;
        }

        public Builder dataSource(DataSource dataSource) {
            this.dataSource = dataSource;
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
