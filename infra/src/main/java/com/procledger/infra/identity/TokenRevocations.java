package com.procledger.infra.identity;

import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Access tokens that are still within their 15 minutes but no longer valid: logged out (the token and its refresh
 * family), family revoked after a refresh token was reused, or the user's tokens revoked by an admin or by
 * deactivation (every token issued before that moment). Checked on every request from memory; written through to
 * {@code token_revocations} and loaded from it at start, so a restart forgets nothing. One instance: a second one
 * would need to poll the table.
 */
public class TokenRevocations {

    public enum Kind { TOKEN, FAMILY, USER }

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Map<String, Instant> notBefore = new ConcurrentHashMap<>();

    public TokenRevocations(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
        jdbc.query("SELECT kind, subject, not_before FROM token_revocations WHERE expires_at IS NULL OR expires_at > now()",
                rs -> {
                    notBefore.put(rs.getString(1) + ":" + rs.getString(2), rs.getTimestamp(3).toInstant());
                });
    }

    /** Tokens of {@code kind} naming {@code subject}, issued before now, are refused (until {@code expiresAt}, if given). */
    public void revoke(Kind kind, String subject, Instant expiresAt) {
        Instant now = clock.instant();
        jdbc.update("""
                INSERT INTO token_revocations (kind, subject, not_before, expires_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (kind, subject) DO UPDATE SET not_before = EXCLUDED.not_before, expires_at = EXCLUDED.expires_at""",
                kind.name(), subject, Timestamp.from(now), expiresAt == null ? null : Timestamp.from(expiresAt));
        notBefore.put(kind + ":" + subject, now);
    }

    /**
     * Whether an access token is refused: itself or its refresh family revoked at all, or its user's tokens revoked
     * at or after it was issued.
     */
    public boolean revoked(String tokenId, String familyId, String userId, Instant issued) {
        return before(Kind.TOKEN, tokenId, Instant.MIN)
                || before(Kind.FAMILY, familyId, Instant.MIN)
                || before(Kind.USER, userId, issued);
    }

    /** Whether {@code subject} was revoked at or after {@code issued} (TOKEN and FAMILY: at all). */
    private boolean before(Kind kind, String subject, Instant issued) {
        if (subject == null) {
            return false;
        }
        Instant cutoff = notBefore.get(kind + ":" + subject);
        return cutoff != null && !issued.isAfter(cutoff);
    }

    public boolean familyRevoked(String familyId) {
        return before(Kind.FAMILY, familyId, Instant.MIN);
    }
}
