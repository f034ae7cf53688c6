package com.procledger.infra.ledger;

import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyInputStream;

import javax.sql.DataSource;
import java.io.BufferedInputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;

/**
 * Streams a tenant's ledger in {@code ledger_seq} order through a database cursor, in one repeatable-read
 * snapshot, so that memory stays constant however long the ledger is.
 */
public final class LedgerReader {

    private static final int FETCH_SIZE = 2000;
    private final DataSource dataSource;

    public LedgerReader(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @FunctionalInterface
    public interface RecordHandler {
        void accept(LedgerRecord record) throws Exception;
    }

    @FunctionalInterface
    public interface SnapshotWork<T> {
        T run(Snapshot snapshot) throws Exception;
    }

    /** Where in its tenant's ledger an aggregate's last event of this type is, with its time; empty if it has none. */
    public java.util.Optional<Placed> lastOf(String aggregateId, String eventType) {
        return new org.springframework.jdbc.core.JdbcTemplate(dataSource).query("""
                SELECT ledger_seq, occurred_at FROM ledger_events WHERE aggregate_id = ? AND event_type = ?
                ORDER BY aggregate_seq DESC LIMIT 1""", (rs, i) -> new Placed(rs.getLong(1),
                rs.getTimestamp(2).toInstant()), aggregateId, eventType).stream().findFirst();
    }

    /** An event's place in its tenant's ledger and its time. */
    public record Placed(long ledgerSeq, java.time.Instant at) {
    }

    /** Runs {@code work} against one consistent view of the ledger. */
    public <T> T inSnapshot(SnapshotWork<T> work) throws Exception {
        return inTransaction(null, work);
    }

    private <T> T inTransaction(String importedSnapshot, SnapshotWork<T> work) throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setReadOnly(true);
            try {
                if (importedSnapshot != null) {
                    if (!importedSnapshot.matches("[0-9A-Fa-f-]+")) {
                        throw new IllegalArgumentException("not a snapshot id: " + importedSnapshot);
                    }
                    try (var statement = connection.createStatement()) {
                        // takes no bind parameters; the id was checked above
                        statement.execute("SET TRANSACTION SNAPSHOT '" + importedSnapshot + "'");
                    }
                }
                return work.run(new Snapshot(this, connection));
            } finally {
                connection.rollback();
                connection.setReadOnly(false);
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    /** One consistent view: the events of a tenant and what its head row says. */
    public static final class Snapshot {
        private final LedgerReader reader;
        private final Connection connection;
        private String exportedId;

        private Snapshot(LedgerReader reader, Connection connection) {
            this.reader = reader;
            this.connection = connection;
        }

        /**
         * Runs {@code work} on another connection that sees exactly this snapshot (PostgreSQL's exported
         * snapshots), so that one view of the ledger can be read by several threads at once. Call it while this
         * snapshot is open.
         */
        public <T> T shared(SnapshotWork<T> work) throws Exception {
            String id;
            synchronized (this) {
                if (exportedId == null) {
                    try (var statement = connection.createStatement();
                         var rs = statement.executeQuery("SELECT pg_export_snapshot()")) {
                        rs.next();
                        exportedId = rs.getString(1);
                    }
                }
                id = exportedId;
            }
            return reader.inTransaction(id, work);
        }

        /** The tenant's last ledger_seq as its head row records it (0 when it has no events). */
        public long headSeq(UUID tenantId) throws SQLException {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT last_seq FROM ledger_tenant_heads WHERE tenant_id = ?")) {
                statement.setObject(1, tenantId);
                try (ResultSet rs = statement.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0;
                }
            }
        }

        /** Events with ledger_seq >= {@code fromSeq}, at most {@code limit}, in order. */
        public long forEach(UUID tenantId, long fromSeq, long limit, RecordHandler handler) throws Exception {
            return query(tenantId, fromSeq, limit, rs -> handler.accept(record(tenantId, rs)));
        }

        /**
         * The tenant's events from {@code fromSeq} to {@code toSeq} in order, as the chain check needs them. This is the verification path, which
         * must keep up with a ledger of millions of events, so it does not go through a ResultSet: it runs a
         * {@code COPY ... TO STDOUT (FORMAT binary)} of the same query in the same snapshot and takes the fields
         * from the stream as the database sends them (text columns as their UTF-8 bytes, numbers and times in
         * binary). One row is held at a time; the stream is read in 64 KiB pieces.
         */
        public long forEachLink(UUID tenantId, long fromSeq, long toSeq, LinkHandler handler) throws Exception {
            byte[] tenant = LedgerHashing.utf8(tenantId.toString());
            // COPY takes no bind parameters; a UUID's text form is hex digits and dashes only
            String sql = "COPY (SELECT ledger_seq, event_id, aggregate_type, aggregate_id, aggregate_seq, event_type,"
                    + " event_revision, occurred_at, metadata, payload, prev_hash, hash FROM ledger_events"
                    + " WHERE tenant_id = '" + UUID.fromString(tenantId.toString()) + "'"
                    + " AND ledger_seq BETWEEN " + fromSeq + " AND " + toSeq + " ORDER BY ledger_seq)"
                    + " TO STDOUT (FORMAT binary)";
            var copy = new PGCopyInputStream(connection.unwrap(PGConnection.class), sql);
            try (var in = new BinaryCopyReader(new BufferedInputStream(copy, 1 << 16))) {
                long count = 0;
                while (in.nextRow(12)) {
                    long seq = in.int64();
                    byte[] eventId = in.bytes();
                    byte[] aggregateType = in.bytes();
                    byte[] aggregateId = in.bytes();
                    Long aggregateSeq = in.nullableInt64();
                    byte[] eventType = in.bytes();
                    byte[] eventRevision = in.bytes();
                    Instant occurredAt = in.timestamp();
                    byte[] metadata = in.bytes();
                    byte[] payload = in.bytes();
                    handler.accept(new ChainLink(seq, new byte[][]{
                            tenant,
                            LedgerHashing.utf8(Long.toString(seq)),
                            eventId,
                            aggregateType,
                            aggregateId,
                            aggregateSeq == null ? null : LedgerHashing.utf8(aggregateSeq.toString()),
                            eventType,
                            eventRevision,
                            LedgerHashing.utf8(LedgerHashing.time(occurredAt)),
                            metadata,
                            payload}, in.bytes(), in.bytes()));
                    count++;
                }
                return count;
            }
        }

        private long query(UUID tenantId, long fromSeq, long limit, RowHandler handler) throws Exception {
            long count = 0;
            try (PreparedStatement statement = connection.prepareStatement("""
                    SELECT ledger_seq, event_id, aggregate_type, aggregate_id, aggregate_seq, event_type,
                        event_revision, occurred_at, metadata, payload,
                        prev_hash, hash
                    FROM ledger_events WHERE tenant_id = ? AND ledger_seq >= ? ORDER BY ledger_seq LIMIT ?""")) {
                statement.setFetchSize(FETCH_SIZE);
                // binary transfer from the first execution: hashes and numbers arrive without text decoding
                statement.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(-1);
                statement.setObject(1, tenantId);
                statement.setLong(2, fromSeq);
                statement.setLong(3, limit);
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        handler.accept(rs);
                        count++;
                    }
                }
            }
            return count;
        }
    }

    @FunctionalInterface
    public interface LinkHandler {
        void accept(ChainLink link) throws Exception;
    }

    @FunctionalInterface
    private interface RowHandler {
        void accept(ResultSet row) throws Exception;
    }

    /** Columns as selected by {@link Snapshot#forEach}; the tenant is known, the time comes as epoch microseconds. */
    static LedgerRecord record(UUID tenantId, ResultSet rs) throws SQLException {
        long aggregateSeq = rs.getLong(5);
        Long aggregateSeqOrNull = rs.wasNull() ? null : aggregateSeq;
        return new LedgerRecord(tenantId, rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                aggregateSeqOrNull, rs.getString(6), rs.getString(7),
                rs.getObject(8, java.time.OffsetDateTime.class).toInstant(),
                rs.getString(9), rs.getString(10), rs.getBytes(11), rs.getBytes(12));
    }
}
