package com.procledger.infra.idempotency;

import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.Optional;

/**
 * The answers kept for requests sent with an {@code Idempotency-Key} (table {@code idempotency_keys}). A key is
 * claimed before its request runs and holds the answer once it has one; {@code created_at} is when it was last
 * claimed, so a key pending for longer than the lease belonged to a request that died and may be taken over.
 */
public class IdempotencyKeys {

    private final JdbcTemplate jdbc;

    public IdempotencyKeys(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /** A kept answer, or a claim still pending ({@code status} null). */
    public record Kept(String requestHash, boolean pending, Integer status, String headersJson, byte[] body) {
    }

    /** Claims the key for a request with this hash; false when it was claimed before. */
    public boolean claim(String scope, String key, String requestHash) {
        return jdbc.update("""
                INSERT INTO idempotency_keys (scope, key, request_hash, state) VALUES (?, ?, ?, 'PENDING')
                ON CONFLICT DO NOTHING""", scope, key, requestHash) == 1;
    }

    /** Takes over a claim of the same request left pending for longer than {@code lease}; false if there is none. */
    public boolean takeOverAbandoned(String scope, String key, String requestHash, Duration lease) {
        return jdbc.update("""
                UPDATE idempotency_keys SET created_at = now()
                WHERE scope = ? AND key = ? AND request_hash = ? AND state = 'PENDING'
                  AND created_at < now() - make_interval(secs => ?)""", scope, key, requestHash, lease.toSeconds()) == 1;
    }

    public void keep(String scope, String key, int status, String headersJson, byte[] body) {
        jdbc.update("UPDATE idempotency_keys SET state = 'DONE', status = ?, headers = ?::jsonb, body = ? "
                + "WHERE scope = ? AND key = ?", status, headersJson, body, scope, key);
    }

    /** Gives up a claim whose request got no answer worth keeping (a 5xx): it may be retried. */
    public void release(String scope, String key) {
        jdbc.update("DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND state = 'PENDING'", scope, key);
    }

    /**
     * Whether the ledger holds the events of a command sent under this key (a request's key, hashed with its scope
     * and numbered per command): what a retry after a crash must not send again.
     */
    public boolean inLedger(String commandKey) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM ledger_events WHERE metadata ->> 'idempotencyKey' = ?)", Boolean.class,
                commandKey));
    }

    public Optional<Kept> find(String scope, String key) {
        return jdbc.query("SELECT request_hash, state = 'PENDING', status, headers::text, body FROM idempotency_keys "
                        + "WHERE scope = ? AND key = ?",
                (rs, i) -> new Kept(rs.getString(1), rs.getBoolean(2), (Integer) rs.getObject(3), rs.getString(4),
                        rs.getBytes(5)), scope, key).stream().findFirst();
    }

    /**
     * Forgets the answers kept for requests on a tenant's paths (erasure: an answer may quote the subject's data).
     * The keys stay: a retry still changes nothing, and is answered with the kept status and no body.
     */
    public int forgetAnswers(java.util.UUID tenantId) {
        return jdbc.update("UPDATE idempotency_keys SET body = NULL WHERE body IS NOT NULL AND strpos(scope, ?) > 0",
                "/api/tenants/" + tenantId + "/");
    }
}
