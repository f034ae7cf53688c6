package com.procledger.infra.ledger;

import javax.sql.DataSource;
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

    /** Runs {@code work} against one consistent view of the ledger. */
    public <T> T inSnapshot(SnapshotWork<T> work) throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setReadOnly(true);
            try {
                return work.run(new Snapshot(connection));
            } finally {
                connection.rollback();
                connection.setReadOnly(false);
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    /** One consistent view: the events of a tenant and what its head row says. */
    public static final class Snapshot {
        private final Connection connection;

        private Snapshot(Connection connection) {
            this.connection = connection;
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
                        handler.accept(record(tenantId, rs));
                        count++;
                    }
                }
            }
            return count;
        }
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
