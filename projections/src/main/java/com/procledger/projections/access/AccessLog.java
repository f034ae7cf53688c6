package com.procledger.projections.access;

import com.procledger.domain.LedgerMetadata;
import com.procledger.domain.access.AccessEvent.AccessRecorded;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Every recorded access per tenant, newest first, filterable for compliance reviews.
 * <p>
 * Kept inline, not by a tracking processor (ADR 0013): access events are nearly all of the ledger, one per
 * request, so the ledger's append writes their rows itself, in the same statement ({@link #INLINE}), and the access
 * log is never behind the ledger. Rebuilds replay the ledger through {@link #replay()}, whose handler writes the
 * same rows from the events; the rebuild test holds the two to each other.
 */
@Component
public class AccessLog {

    /** The read model's name, for rebuilds; it has no processing group (no processor). */
    public static final String NAME = "access-log";

    private final JdbcTemplate jdbc;
    private final Replay replay;

    public AccessLog(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.replay = new Replay(jdbc);
    }

    public record Entry(long ledgerSeq, Instant at, String actor, String action, String resource, String outcome,
                        int status, String ip, String userAgent, String tokenId, String correlationId) {
    }

    /** Filters; a null field does not filter. {@code from} is inclusive, {@code to} exclusive. */
    public record Filter(Instant from, Instant to, String actor, String action, String outcome) {
    }

    public record Page(List<Entry> items, int page, int size, long total) {
    }

    /**
     * The rows of the access events among the ledger rows being appended ({@code appended}, see the ledger's
     * {@code InlineProjection}): the payload's fields as the event's record components name them, and the time in
     * milliseconds, as Axon hands it to {@link Replay}'s handler (and as rows written before ADR 0013 have it).
     */
    public static final String INLINE = """
            INSERT INTO access_log (tenant_id, ledger_seq, at, actor, action, resource, outcome, status, client_ip,
                user_agent, token_id, correlation_id)
            SELECT a.tenant_id, a.ledger_seq, date_trunc('milliseconds', a.occurred_at), p.actor, p.action, p.resource, p.outcome, p.status,
                p."clientIp", p."userAgent", p."tokenId", p."correlationId"
            FROM appended a, json_to_record(a.payload) AS p(actor text, action text, resource text, outcome text,
                status int, "clientIp" text, "userAgent" text, "tokenId" text, "correlationId" text)
            WHERE a.event_type = 'AccessRecorded'
            ON CONFLICT DO NOTHING""";

    /** The handlers that replay the ledger into the access log, for rebuilds (there is no live processor). */
    public Object replay() {
        return replay;
    }

    /** Not a Spring bean, so that Axon gives it no tracking processor: the access log is kept inline. */
    static final class Replay {

        private static final String INSERT = """
                INSERT INTO access_log (tenant_id, ledger_seq, at, actor, action, resource, outcome, status, client_ip,
                    user_agent, token_id, correlation_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING""";
        private static final String PENDING_ROWS = AccessLog.class.getName() + ".pendingRows";

        private final JdbcTemplate jdbc;

        Replay(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        /** The rows of one unit of work go to the database in one JDBC batch, just before it commits. */
        @EventHandler
        void on(AccessRecorded event, @Timestamp Instant at, MetaData metaData) {
            Object[] row = {event.tenantId(), LedgerMetadata.ledgerSeq(metaData), java.sql.Timestamp.from(at),
                    event.actor(), event.action(), event.resource(), event.outcome().name(), event.status(),
                    event.clientIp(), event.userAgent(), event.tokenId(), event.correlationId()};
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
