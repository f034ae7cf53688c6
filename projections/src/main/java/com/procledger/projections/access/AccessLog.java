package com.procledger.projections.access;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Every recorded access per tenant, newest first, filterable for compliance reviews.
 * <p>
 * A view of the ledger, not a table of its own (ADR 0014): {@code access_log} (V20) reads the fields of the
 * ledger's {@code AccessRecorded} events, and the partial index {@code ledger_events_access} finds a tenant's
 * access events by time. Access events are nearly all of the ledger, one per request: a second row for each would
 * double the writing of every request. The access log is never behind the ledger, has nothing to rebuild, and no
 * acknowledged access can be missing from it. The view carries the tenant wall itself (the read models' row-level
 * security, V13).
 */
@Component
public class AccessLog {

    private final JdbcTemplate jdbc;

    public AccessLog(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * One access. {@code detail}, {@code ip} and {@code userAgent} are personal data, sealed in the ledger: as read
     * here they are sealed still (the web layer opens them for whoever may see them).
     */
    public record Entry(long ledgerSeq, Instant at, String actor, String dataSubject, String action, String resource,
                        String detail, String outcome, int status, String ip, String userAgent, String tokenId,
                        String correlationId) {
    }

    /** Filters; a null field does not filter. {@code from} is inclusive, {@code to} exclusive. */
    public record Filter(Instant from, Instant to, String actor, String action, String outcome) {
    }

    public record Page(List<Entry> items, int page, int size, long total) {
    }

    public Page find(UUID tenantId, Filter filter, int page, int size) {
        var where = new StringBuilder(" WHERE tenant_id = ?");
        List<Object> args = new ArrayList<>(List.of(tenantId));
        if (filter.from() != null) {
            where.append(" AND occurred_at >= ?");
            args.add(java.sql.Timestamp.from(filter.from()));
        }
        if (filter.to() != null) {
            where.append(" AND occurred_at < ?");
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
                SELECT ledger_seq, at, actor, data_subject, action, resource, detail, outcome, status, client_ip,
                    user_agent, token_id, correlation_id FROM access_log""" + where + " ORDER BY ledger_seq DESC LIMIT ? OFFSET ?",
                (rs, i) -> entry(rs), pageArgs.toArray());
        return new Page(items, page, size, total);
    }

    /** Every access of {@code actor} in the tenant's ledger, oldest first, through a cursor (call in a transaction). */
    public void forEachOfActor(UUID tenantId, String actor, java.util.function.Consumer<Entry> entry) {
        com.procledger.projections.Cursors.forEachRow(jdbc, """
                SELECT ledger_seq, at, actor, data_subject, action, resource, detail, outcome, status, client_ip,
                    user_agent, token_id, correlation_id FROM access_log WHERE tenant_id = ? AND actor = ?
                ORDER BY ledger_seq""", List.of(tenantId, actor), rs -> entry.accept(entry(rs)));
    }

    private static Entry entry(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Entry(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getInt(9), rs.getString(10), rs.getString(11),
                rs.getString(12), rs.getString(13));
    }
}
