package com.procledger.projections.access;

import com.procledger.domain.LedgerMetadata;
import com.procledger.domain.access.AccessEvent.AccessRecorded;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Every recorded access per tenant, newest first, filterable for compliance reviews. */
@Component
@ProcessingGroup(AccessLog.PROCESSING_GROUP)
public class AccessLog {

    public static final String PROCESSING_GROUP = "access-log";

    private final JdbcTemplate jdbc;

    public AccessLog(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public record Entry(long ledgerSeq, Instant at, String actor, String action, String resource, String outcome,
                        int status, String ip, String userAgent, String tokenId, String correlationId) {
    }

    /** Filters; a null field does not filter. {@code from} is inclusive, {@code to} exclusive. */
    public record Filter(Instant from, Instant to, String actor, String action, String outcome) {
    }

    public record Page(List<Entry> items, int page, int size, long total) {
    }

    private static final String INSERT = """
            INSERT INTO access_log (tenant_id, ledger_seq, at, actor, action, resource, outcome, status, client_ip,
                user_agent, token_id, correlation_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING""";

    /**
     * Every request appends an access event, so this read model takes more rows than all others: the rows of one
     * processing batch go to the database in one JDBC batch, just before the batch's transaction commits.
     */
    @EventHandler
    void on(AccessRecorded event, @Timestamp Instant at, MetaData metaData) {
        Object[] row = {event.tenantId(), LedgerMetadata.ledgerSeq(metaData), java.sql.Timestamp.from(at), event.actor(),
                event.action(), event.resource(), event.outcome().name(), event.status(), event.clientIp(),
                event.userAgent(), event.tokenId(), event.correlationId()};
        if (!CurrentUnitOfWork.isStarted()) {
            jdbc.update(INSERT, row);
            return;
        }
        CurrentUnitOfWork.get().root().<List<Object[]>>getOrComputeResource(PENDING_ROWS, key -> {
            List<Object[]> rows = new ArrayList<>();
            CurrentUnitOfWork.get().root().onPrepareCommit(unit -> jdbc.batchUpdate(INSERT, rows));
            return rows;
        }).add(row);
    }

    private static final String PENDING_ROWS = AccessLog.class.getName() + ".pendingRows";

    @ResetHandler
    void reset() {
        jdbc.execute("TRUNCATE access_log");
    }

    public Page find(UUID tenantId, Filter filter, int page, int size) {
        var where = new StringBuilder(" WHERE tenant_id = ?");
        List<Object> args = new ArrayList<>(List.of(tenantId));
        if (filter.from() != null) {
            where.append(" AND at >= ?");
            args.add(java.sql.Timestamp.from(filter.from()));
        }
        if (filter.to() != null) {
            where.append(" AND at < ?");
            args.add(java.sql.Timestamp.from(filter.to()));
        }
        if (filter.actor() != null) {
            where.append(" AND actor = ?");
            args.add(filter.actor());
        }
        if (filter.action() != null) {
            where.append(" AND action = ?");
            args.add(filter.action());
        }
        if (filter.outcome() != null) {
            where.append(" AND outcome = ?");
            args.add(filter.outcome());
        }
        long total = jdbc.queryForObject("SELECT count(*) FROM access_log" + where, Long.class, args.toArray());
        List<Object> pageArgs = new ArrayList<>(args);
        pageArgs.add(size);
        pageArgs.add((long) page * size);
        List<Entry> items = jdbc.query("""
                SELECT ledger_seq, at, actor, action, resource, outcome, status, client_ip, user_agent, token_id,
                    correlation_id FROM access_log""" + where + " ORDER BY ledger_seq DESC LIMIT ? OFFSET ?",
                (rs, i) -> new Entry(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getInt(7), rs.getString(8), rs.getString(9),
                        rs.getString(10), rs.getString(11)), pageArgs.toArray());
        return new Page(items, page, size, total);
    }
}
