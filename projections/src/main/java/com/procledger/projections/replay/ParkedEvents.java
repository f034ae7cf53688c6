package com.procledger.projections.replay;

import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The events the read models parked because they could not apply them (ADR 0016), read from Axon's dead-letter
 * table: never the payload, only what identifies each event and why it failed. Replays leave them out
 * ({@link #eventIds}), as the live read models do.
 */
public final class ParkedEvents {

    private final JdbcTemplate jdbc;

    public ParkedEvents(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public record Letter(String readModel, String aggregateId, long sequenceIndex, String eventType,
                         String eventId, Long ledgerSeq, Instant enqueuedAt, Instant lastTouched, String cause) {
    }

    public List<Letter> list(String readModel, int limit) {
        return jdbc.query("""
                SELECT processingGroup, sequenceIdentifier, sequenceIndex, payloadType, eventIdentifier,
                       convert_from(metaData, 'UTF8')::jsonb ->> 'ledgerSeq', enqueuedAt, lastTouched, causeMessage
                FROM dead_letter_entry WHERE ?::text IS NULL OR processingGroup = ?::text
                ORDER BY processingGroup, sequenceIdentifier, sequenceIndex LIMIT ?""",
                (rs, i) -> new Letter(rs.getString(1), rs.getString(2), rs.getLong(3), simpleName(rs.getString(4)),
                        rs.getString(5), rs.getString(6) == null ? null : Long.valueOf(rs.getString(6)),
                        instant(rs.getString(7)), instant(rs.getString(8)), rs.getString(9)),
                readModel, readModel, limit);
    }

    public Map<String, Long> countsByReadModel() {
        var counts = new java.util.TreeMap<String, Long>();
        jdbc.query("SELECT processingGroup, count(*) FROM dead_letter_entry GROUP BY processingGroup",
                (org.springframework.jdbc.core.RowCallbackHandler) rs -> counts.put(rs.getString(1), rs.getLong(2)));
        return counts;
    }

    /** The ids of the events a read model parked: replays of it leave them out, as it did. */
    public java.util.Set<String> eventIds(String readModel) {
        return java.util.Set.copyOf(jdbc.queryForList(
                "SELECT eventIdentifier FROM dead_letter_entry WHERE processingGroup = ?", String.class, readModel));
    }

    public List<String> aggregates(String readModel) {
        return jdbc.queryForList("SELECT DISTINCT sequenceIdentifier FROM dead_letter_entry WHERE processingGroup = ?",
                String.class, readModel);
    }

    public double total() {
        Long count = jdbc.queryForObject("SELECT count(*) FROM dead_letter_entry", Long.class);
        return count == null ? 0 : count;
    }

    private static String simpleName(String type) {
        return type == null ? null : type.substring(Math.max(type.lastIndexOf('.'), type.lastIndexOf('$')) + 1);
    }

    private static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }
}
