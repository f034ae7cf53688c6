package com.procledger.infra.ledger;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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

    /**
     * One matching event. {@code ip} is as the ledger holds it, sealed (docs/privacy.md), except where an address
     * criterion opened it to match: whoever shows it opens it ({@link #withIp}), so that a pass over a million
     * events that only counts them opens none.
     */
    public record Hit(UUID tenantId, long ledgerSeq, String hash, Instant at, String eventType, String actor,
                      String action, String resource, String outcome, Integer status, String ip, String tokenId,
                      String aggregateType, String aggregateId) {

        public Hit withIp(String opened) {
            return new Hit(tenantId, ledgerSeq, hash, at, eventType, actor, action, resource, outcome, status, opened,
                    tokenId, aggregateType, aggregateId);
        }
    }

    /**
     * Who and what the matching events touch: how many tenants, users (actors) and records, and the first
     * {@code listLimit} of each, sorted.
     */
    public record Summary(long events, List<UUID> tenants, List<String> users, List<String> records, long tenantCount,
                          long userCount, long recordCount) {
    }

    /** Where a pass over a window stands: events of the window gone over, of how many, and matches so far. */
    @FunctionalInterface
    public interface Progress {
        void scanned(long scanned, long total, long matched);
    }

    /**
     * Adds up the summary of the hits it is given: records are what matching business events changed
     * ({@code Type:id}) and what matching allowed access events reached (their resource).
     */
    public static final class Tally implements Consumer<Hit> {
        private final int listLimit;
        private long events;
        private final Set<UUID> tenants = new HashSet<>();
        private final Set<String> users = new HashSet<>();
        private final Set<String> records = new HashSet<>();

        public Tally(int listLimit) {
            this.listLimit = listLimit;
        }

        @Override
        public void accept(Hit hit) {
            events++;
            tenants.add(hit.tenantId());
            if (hit.actor() != null) {
                users.add(hit.actor());
            }
            if (hit.resource() != null && (!ACCESS_EVENT.equals(hit.eventType()) || "ALLOWED".equals(hit.outcome()))) {
                records.add(hit.resource());
            }
        }

        public Summary summary() {
            return new Summary(events,
                    tenants.stream().sorted(Comparator.comparing(UUID::toString)).limit(listLimit).toList(),
                    users.stream().sorted().limit(listLimit).toList(), records.stream().sorted().limit(listLimit).toList(),
                    tenants.size(), users.size(), records.size());
        }
    }

    private static final String ACCESS_EVENT = "AccessRecorded";

    /*
     * OFFSET 0 keeps the subquery from being flattened into the outer query: each event's JSON is then parsed once,
     * not once per field read from it (four times faster for a whole window). Its ORDER BY lets a cursor start
     * at once, reading the occurred_at index instead of sorting the window first. The indicators are first looked for
     * in the events' text, inside the subquery, so that events which cannot match are not parsed at all.
     */
    private static final String MATCHES = """
            FROM (SELECT tenant_id, ledger_seq, hash, occurred_at, event_type, aggregate_type, aggregate_id, global_position,
                         payload::jsonb AS p, metadata::jsonb AS m
                  FROM ledger_events WHERE occurred_at >= ? AND occurred_at < ? AND global_position <= ? %s
                  ORDER BY occurred_at, tenant_id, ledger_seq OFFSET 0) e,
                 LATERAL (SELECT coalesce(p->>'actor', m->>'actor') AS actor,
                                 coalesce(p->>'tokenId', m->>'tokenId') AS token_id,
                                 coalesce(p->>'clientIp', m->>'clientIp') AS ip,
                                 CASE WHEN event_type = 'AccessRecorded' THEN p->>'action' ELSE event_type END AS action,
                                 CASE WHEN event_type = 'AccessRecorded' THEN p->>'resource'
                                      ELSE aggregate_type || ':' || aggregate_id END AS resource) f
            WHERE true""";

    private final JdbcTemplate jdbc;
    private final java.util.function.UnaryOperator<String> opener;

    /**
     * @param opener opens a sealed client address ({@code Sealer::open}): addresses are personal data, sealed in
     *               the ledger, so an address criterion is matched here, on the opened address, not in SQL
     */
    public LedgerSearch(DataSource dataSource, java.util.function.UnaryOperator<String> opener) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.opener = opener;
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

    /** The ledger's last global position: a search up to it gives the same answer however much is appended later. */
    public long ceiling() {
        Long last = jdbc.queryForObject("SELECT position FROM ledger_published WHERE id = 1", Long.class);
        return last == null ? 0 : last;
    }

    /**
     * Hands every match up to the ledger position {@code ceiling} to {@code hit}, oldest first, through a cursor
     * (call inside a transaction for constant memory).
     */
    public void forEach(Criteria criteria, long ceiling, long limit, Consumer<Hit> hit) {
        if (criteria.ip() != null) {
            forEachFromAddress(criteria, ceiling, limit, hit);
            return;
        }
        var args = new ArrayList<Object>();
        String sql = "SELECT " + HIT_COLUMNS + where(criteria, ceiling, args) + ORDER + " LIMIT ?";
        args.add(limit);
        jdbc.query(cursor(sql, args), (RowCallbackHandler) rs -> hit.accept(hit(rs, rs.getString(11))));
    }

    private static final String HIT_COLUMNS = """
            tenant_id, ledger_seq, hash, occurred_at, event_type, f.actor, f.action, f.resource,
            p->>'outcome', (p->>'status')::int, f.ip, f.token_id, aggregate_type, aggregate_id, global_position
            """;
    private static final String ORDER = " ORDER BY occurred_at, tenant_id, ledger_seq";
    private static final int DETAILS_PER_QUERY = 1000;

    /**
     * An address criterion: addresses are sealed in the ledger, so they are matched here on the opened address. A
     * first pass reads only each event's position and sealed address; the events that match are read in full in
     * batches, in the same order (a window of a million events moves a tenth of the bytes it would in full).
     */
    private void forEachFromAddress(Criteria criteria, long ceiling, long limit, Consumer<Hit> hit) {
        Cidr range = Cidr.parse(criteria.ip());
        var args = new ArrayList<Object>();
        String sql;
        if (criteria.actor() == null && criteria.tokenId() == null && criteria.resource() == null
                && criteria.action() == null) {
            // the address alone: cut from the stored text by plain string search, without parsing each event's JSON
            // or running a regular expression (in compact JSON an unescaped "clientIp":" is only ever a key: a quote
            // inside a value is written \")
            args.addAll(List.of(Timestamp.from(criteria.from()), Timestamp.from(criteria.to()), ceiling));
            String tenant = "";
            if (criteria.tenantId() != null) {
                tenant = " AND tenant_id = ?";
                args.add(criteria.tenantId());
            }
            sql = """
                    SELECT global_position,
                           coalesce(nullif(split_part(split_part(payload::text, '"clientIp":"', 2), '"', 1), ''),
                                    nullif(split_part(split_part(metadata::text, '"clientIp":"', 2), '"', 1), ''))
                    FROM ledger_events WHERE occurred_at >= ? AND occurred_at < ? AND global_position <= ?""" + tenant
                    + ORDER;
        } else {
            sql = "SELECT global_position, f.ip " + where(criteria, ceiling, args) + ORDER;
        }
        List<Long> positions = new ArrayList<>();
        java.util.Map<Long, String> addresses = new java.util.HashMap<>();
        long[] handed = {0};
        jdbc.query(cursor(sql, args), (RowCallbackHandler) rs -> {
            if (handed[0] + positions.size() >= limit) {
                return; // the rest of the cursor is read and left
            }
            String ip = opener.apply(rs.getString(2));
            if (range.contains(ip)) {
                positions.add(rs.getLong(1));
                addresses.put(rs.getLong(1), ip);
                if (positions.size() == DETAILS_PER_QUERY) {
                    handed[0] += details(criteria, ceiling, positions, addresses, hit);
                    positions.clear();
                    addresses.clear();
                }
            }
        });
        if (!positions.isEmpty()) {
            details(criteria, ceiling, positions, addresses, hit);
        }
    }

    private int details(Criteria criteria, long ceiling, List<Long> positions, java.util.Map<Long, String> addresses,
                        Consumer<Hit> hit) {
        var args = new ArrayList<Object>(List.of(Timestamp.from(criteria.from()), Timestamp.from(criteria.to()), ceiling,
                positions.toArray(Long[]::new)));
        String sql = "SELECT " + HIT_COLUMNS + MATCHES.formatted(" AND global_position = ANY (?)") + ORDER;
        int[] handed = {0};
        jdbc.query(cursor(sql, args), (RowCallbackHandler) rs -> {
            hit.accept(hit(rs, addresses.get(rs.getLong(15))));
            handed[0]++;
        });
        return handed[0];
    }

    private static org.springframework.jdbc.core.PreparedStatementCreator cursor(String sql, List<Object> args) {
        return connection -> {
            PreparedStatement statement = connection.prepareStatement(sql);
            statement.setFetchSize(1000);
            for (int i = 0; i < args.size(); i++) {
                Object arg = args.get(i);
                if (arg instanceof Long[] array) {
                    statement.setArray(i + 1, connection.createArrayOf("bigint", array));
                } else {
                    statement.setObject(i + 1, arg);
                }
            }
            return statement;
        };
    }

    private static Hit hit(java.sql.ResultSet rs, String ip) throws java.sql.SQLException {
        return new Hit(rs.getObject(1, UUID.class), rs.getLong(2), LedgerHashing.hex(rs.getBytes(3)),
                rs.getTimestamp(4).toInstant(), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                rs.getString(9), rs.getObject(10, Integer.class), ip, rs.getString(12), rs.getString(13),
                rs.getString(14));
    }

    /** An address or CIDR range, matched against opened addresses as PostgreSQL's {@code <<=} on inet would. */
    record Cidr(byte[] network, int prefix) {

        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            byte[] address = literal(slash < 0 ? text : text.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException("not an address or CIDR range: " + text);
            }
            int prefix = slash < 0 ? address.length * 8 : Integer.parseInt(text.substring(slash + 1));
            if (prefix < 0 || prefix > address.length * 8) {
                throw new IllegalArgumentException("not a CIDR range: " + text);
            }
            return new Cidr(address, prefix);
        }

        boolean contains(String ip) {
            byte[] address = ip == null ? null : literal(ip);
            if (address == null || address.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }

        private static final java.util.regex.Pattern IPV6 = java.util.regex.Pattern.compile("[0-9A-Fa-f:.]{2,45}");

        /**
         * The bytes of an IPv4 or IPv6 literal (never a host name: no lookup), or null. Dotted quads, nearly every
         * address, are parsed here without a regular expression: a search over a window opens and parses each one.
         */
        static byte[] literal(String text) {
            byte[] v4 = ipv4(text);
            if (v4 != null || text.indexOf(':') < 0 || !IPV6.matcher(text).matches()) {
                return v4;
            }
            try {
                return java.net.InetAddress.getByName(text).getAddress();
            } catch (java.net.UnknownHostException e) {
                return null;
            }
        }

        private static byte[] ipv4(String text) {
            byte[] bytes = new byte[4];
            int part = 0;
            int value = -1;
            for (int i = 0; i <= text.length(); i++) {
                char c = i < text.length() ? text.charAt(i) : '.';
                if (c >= '0' && c <= '9') {
                    value = value < 0 ? c - '0' : value * 10 + (c - '0');
                    if (value > 255) {
                        return null;
                    }
                } else if (c == '.' && value >= 0 && part < 4) {
                    bytes[part++] = (byte) value;
                    value = -1;
                } else {
                    return null;
                }
            }
            return part == 4 ? bytes : null;
        }
    }

    /**
     * Goes over the window in slices of about {@code sliceEvents} of its events, oldest first, handing every match
     * up to {@code ceiling} to {@code hit} (in the order of {@link #forEach}) and telling {@code progress} after
     * each slice how many of the window's events are behind. Call inside a transaction.
     */
    public void scan(Criteria criteria, long ceiling, int sliceEvents, Consumer<Hit> hit, Progress progress) {
        scan(criteria, ceiling, slices(criteria, ceiling, sliceEvents), hit, progress);
    }

    /** A window cut into slices: each slice's last timestamp, and how many of the window's events are at or before it. */
    public record Slices(List<Instant> ends, List<Long> through) {
        public long total() {
            return through.isEmpty() ? 0 : through.getLast();
        }
    }

    /** Cuts the window (up to {@code ceiling}) into slices of about {@code sliceEvents} of its events. */
    public Slices slices(Criteria criteria, long ceiling, int sliceEvents) {
        List<Instant> ends = new ArrayList<>();
        List<Long> through = new ArrayList<>();
        var args = new ArrayList<Object>(List.of(Timestamp.from(criteria.from()), Timestamp.from(criteria.to()), ceiling));
        String tenant = "";
        if (criteria.tenantId() != null) {
            tenant = " AND tenant_id = ?";
            args.add(criteria.tenantId());
        }
        args.add(sliceEvents);
        // the last event of every slice and how many of the window's events are at or before it (ties included)
        jdbc.query("""
                SELECT occurred_at, through FROM (
                    SELECT occurred_at, count(*) OVER w AS through, row_number() OVER w AS n,
                           lead(occurred_at) OVER w IS NULL AS last
                    FROM ledger_events WHERE occurred_at >= ? AND occurred_at < ? AND global_position <= ?%s
                    WINDOW w AS (ORDER BY occurred_at)) s
                WHERE n %% ? = 0 OR last ORDER BY occurred_at""".formatted(tenant), (RowCallbackHandler) rs -> {
            Instant end = rs.getTimestamp(1).toInstant();
            if (!ends.isEmpty() && ends.getLast().equals(end)) {
                through.set(through.size() - 1, rs.getLong(2));
            } else {
                ends.add(end);
                through.add(rs.getLong(2));
            }
        }, args.toArray());
        return new Slices(List.copyOf(ends), List.copyOf(through));
    }

    /** {@link #scan(Criteria, long, int, Consumer, Progress)} over slices cut before (by {@link #slices}). */
    public void scan(Criteria criteria, long ceiling, Slices slices, Consumer<Hit> hit, Progress progress) {
        List<Instant> ends = slices.ends();
        long total = slices.total();
        long[] matched = {0};
        Consumer<Hit> counted = h -> {
            matched[0]++;
            hit.accept(h);
        };
        progress.scanned(0, total, 0);
        Instant from = criteria.from();
        for (int i = 0; i < ends.size(); i++) {
            // slices are half open: up to just after the slice's last event; the last one up to the window's end
            Instant to = i == ends.size() - 1 ? criteria.to() : ends.get(i).plusNanos(1000);
            forEach(new Criteria(from, to, criteria.tenantId(), criteria.actor(), criteria.tokenId(), criteria.ip(),
                    criteria.resource(), criteria.action()), ceiling, Long.MAX_VALUE, counted);
            progress.scanned(slices.through().get(i), total, matched[0]);
            from = to;
        }
    }

    private static String where(Criteria c, long ceiling, List<Object> args) {
        args.add(Timestamp.from(c.from()));
        args.add(Timestamp.from(c.to()));
        args.add(ceiling);
        var inner = new StringBuilder();
        if (c.tenantId() != null) {
            inner.append(" AND tenant_id = ?");
            args.add(c.tenantId());
        }
        // access events name actor, token and address in their payload, business events in their metadata
        for (String value : new String[]{c.actor(), c.tokenId()}) {
            if (value != null && literalInJson(value)) {
                inner.append(" AND (strpos(payload::text, ?) > 0 OR strpos(metadata::text, ?) > 0)");
                args.add(value);
                args.add(value);
            }
        }
        if (c.resource() != null && literalInJson(c.resource())) {
            inner.append(" AND (event_type <> '" + ACCESS_EVENT + "' OR strpos(payload::text, ?) > 0)");
            args.add(c.resource());
        }
        if (c.action() != null && literalInJson(c.action())) {
            inner.append(" AND CASE WHEN event_type = '" + ACCESS_EVENT + "' THEN strpos(payload::text, ?) > 0"
                    + " ELSE event_type = ? END");
            args.add(c.action());
            args.add(c.action());
        }
        var where = new StringBuilder(MATCHES.formatted(inner));
        if (c.actor() != null) {
            where.append(" AND f.actor = ?");
            args.add(c.actor());
        }
        if (c.tokenId() != null) {
            where.append(" AND f.token_id = ?");
            args.add(c.tokenId());
        }
        // an address criterion (c.ip) is matched on the opened address by forEach: in the ledger it is sealed
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

    /** Whether {@code value} is written as itself inside a JSON string (printable ASCII, no quote, no backslash). */
    static boolean literalInJson(String value) {
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch < 0x20 || ch > 0x7E || ch == '"' || ch == '\\') {
                return false;
            }
        }
        return true;
    }
}
