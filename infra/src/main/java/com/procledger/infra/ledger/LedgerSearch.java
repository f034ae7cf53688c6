package com.procledger.infra.ledger;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Finds the ledger events of a time window that match a breach investigation's indicators, access events and
 * business events alike, straight from {@code ledger_events}: every hit carries its tenant, {@code ledger_seq} and
 * hash, so an investigation's timeline can be checked against the verified ledger.
 * <p>
 * An access event names its actor, token, client IP, action and resource in its payload; a business event names
 * its actor, token and client IP in its metadata (the command's), its record as the aggregate, and its action as
 * its event type.
 */
public final class LedgerSearch {

    /** The window ({@code from} inclusive, {@code to} exclusive) and the indicators; a null one matches anything. */
    public record Criteria(Instant from, Instant to, UUID tenantId, String actor, String tokenId, String ip,
                           String resource, String action) {
    }

    public record Hit(UUID tenantId, long ledgerSeq, String hash, Instant at, String eventType, String actor,
                      String action, String resource, String outcome, Integer status, String ip, String tokenId,
                      String aggregateType, String aggregateId) {
    }

    /** Who and what the matching events touch: tenants, users (actors) and records. */
    public record Summary(long events, List<UUID> tenants, List<String> users, List<String> records) {
    }

    private static final String MATCHES = """
            FROM (SELECT tenant_id, ledger_seq, hash, occurred_at, event_type, aggregate_type, aggregate_id,
                         payload::jsonb AS p, metadata::jsonb AS m
                  FROM ledger_events WHERE occurred_at >= ? AND occurred_at < ? %s) e,
                 LATERAL (SELECT coalesce(p->>'actor', m->>'actor') AS actor,
                                 coalesce(p->>'tokenId', m->>'tokenId') AS token_id,
                                 coalesce(p->>'clientIp', m->>'clientIp') AS ip,
                                 CASE WHEN event_type = 'AccessRecorded' THEN p->>'action' ELSE event_type END AS action,
                                 CASE WHEN event_type = 'AccessRecorded' THEN p->>'resource'
                                      ELSE aggregate_type || ':' || aggregate_id END AS resource) f
            WHERE true""";

    private final JdbcTemplate jdbc;

    public LedgerSearch(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /** Whether {@code ip} is an address or a CIDR range PostgreSQL understands. */
    public boolean validAddress(String ip) {
        try {
            jdbc.queryForObject("SELECT ?::inet", String.class, ip);
            return true;
        } catch (org.springframework.dao.DataAccessException e) {
            return false;
        }
    }

    /**
     * Hands every match to {@code hit}, oldest first, through a cursor (call inside a transaction for constant
     * memory).
     */
    public void forEach(Criteria criteria, long limit, Consumer<Hit> hit) {
        var args = new ArrayList<Object>();
        String sql = """
                SELECT tenant_id, ledger_seq, hash, occurred_at, event_type, f.actor, f.action, f.resource,
                       p->>'outcome', (p->>'status')::int, f.ip, f.token_id, aggregate_type, aggregate_id
                """ + where(criteria, args) + " ORDER BY occurred_at, tenant_id, ledger_seq LIMIT ?";
        args.add(limit);
        jdbc.query(connection -> {
            PreparedStatement statement = connection.prepareStatement(sql);
            statement.setFetchSize(1000);
            for (int i = 0; i < args.size(); i++) {
                statement.setObject(i + 1, args.get(i));
            }
            return statement;
        }, (RowCallbackHandler) rs -> hit.accept(new Hit(rs.getObject(1, UUID.class), rs.getLong(2),
                LedgerHashing.hex(rs.getBytes(3)), rs.getTimestamp(4).toInstant(), rs.getString(5), rs.getString(6),
                rs.getString(7), rs.getString(8), rs.getString(9), rs.getObject(10, Integer.class), rs.getString(11),
                rs.getString(12), rs.getString(13), rs.getString(14))));
    }

    /**
     * The summary: records are what matching business events changed ({@code Type:id}) and what matching allowed
     * access events reached (their resource).
     */
    public Summary summary(Criteria criteria) {
        var args = new ArrayList<Object>();
        return jdbc.queryForObject("""
                SELECT count(*), array_agg(DISTINCT tenant_id::text),
                       array_agg(DISTINCT f.actor) FILTER (WHERE f.actor IS NOT NULL),
                       array_agg(DISTINCT f.resource) FILTER (WHERE f.resource IS NOT NULL
                           AND (event_type <> 'AccessRecorded' OR p->>'outcome' = 'ALLOWED'))
                """ + where(criteria, args), (rs, i) -> new Summary(rs.getLong(1),
                strings(rs, 2).stream().map(UUID::fromString).toList(), strings(rs, 3), strings(rs, 4)), args.toArray());
    }

    private static List<String> strings(ResultSet rs, int column) throws SQLException {
        Array array = rs.getArray(column);
        return array == null ? List.of() : Arrays.stream((Object[]) array.getArray()).map(String::valueOf).sorted().toList();
    }

    private static String where(Criteria c, List<Object> args) {
        args.add(Timestamp.from(c.from()));
        args.add(Timestamp.from(c.to()));
        String tenant = "";
        if (c.tenantId() != null) {
            tenant = "AND tenant_id = ?";
            args.add(c.tenantId());
        }
        var where = new StringBuilder(MATCHES.formatted(tenant));
        if (c.actor() != null) {
            where.append(" AND f.actor = ?");
            args.add(c.actor());
        }
        if (c.tokenId() != null) {
            where.append(" AND f.token_id = ?");
            args.add(c.tokenId());
        }
        if (c.ip() != null) {
            // inet <<= : the address itself, or any address inside the CIDR range
            where.append(" AND CASE WHEN f.ip ~ '^[0-9A-Fa-f:.]+$' THEN f.ip::inet END <<= ?::inet");
            args.add(c.ip());
        }
        if (c.resource() != null) {
            where.append(" AND (strpos(f.resource, ?) > 0 OR aggregate_id = ?)");
            args.add(c.resource());
            args.add(c.resource());
        }
        if (c.action() != null) {
            where.append(" AND f.action = ?");
            args.add(c.action());
        }
        return where.toString();
    }
}
