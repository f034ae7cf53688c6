package com.procledger.infra.identity;

import com.procledger.infra.crypto.Sha256;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Rotating refresh tokens ({@code <id>.<secret>}, the secret 256 random bits, stored only as its SHA-256). Each is
 * good for one refresh, which replaces it by the next of its family. A token presented a second time means two
 * parties hold it: the whole family is revoked, the current access tokens of that family included. A family lives
 * {@code ttl} from its sign-in, however often it is refreshed: each successor inherits its predecessor's expiry.
 */
public class RefreshTokens {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final TokenRevocations revocations;
    private final Duration ttl;
    private final Duration accessTtl;
    private final Clock clock;

    public RefreshTokens(JdbcTemplate jdbc, TransactionTemplate transactions, TokenRevocations revocations,
                         Duration ttl, Duration accessTtl, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.revocations = revocations;
        this.ttl = ttl;
        this.accessTtl = accessTtl;
        this.clock = clock;
    }

    public record Issued(String token, UUID familyId) {
    }

    public record Rotated(UUID userId, Issued next) {
    }

    /** A refresh token that cannot be used; {@code userId} where the token named a real one. */
    public static final class Refused extends RuntimeException {
        private final UUID userId;

        public Refused(String why, UUID userId) {
            super(why, null, false, false);
            this.userId = userId;
        }

        public UUID userId() {
            return userId;
        }
    }

    /** A new family for a fresh sign-in. */
    public Issued start(UUID userId) {
        return issue(userId, UUID.randomUUID(), clock.instant().plus(ttl));
    }

    private Issued issue(UUID userId, UUID familyId, Instant expiresAt) {
        UUID id = UUID.randomUUID();
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String secretText = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Instant now = clock.instant();
        jdbc.update("""
                INSERT INTO refresh_tokens (id, family_id, user_id, secret_hash, issued_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?)""", id, familyId, userId, Sha256.of(secretText), Timestamp.from(now),
                Timestamp.from(expiresAt));
        return new Issued(id + "." + secretText, familyId);
    }

    /** Uses {@code presented} once and hands out its successor; {@link Refused} otherwise (and on reuse, revokes). */
    public Rotated rotate(String presented, java.util.function.Function<UUID, java.util.Optional<Duration>> idleTimeoutOf) {
        int dot = presented == null ? -1 : presented.indexOf('.');
        UUID id;
        try {
            id = dot > 0 ? UUID.fromString(presented.substring(0, dot)) : null;
        } catch (IllegalArgumentException e) {
            id = null;
        }
        if (id == null) {
            throw new Refused("not a refresh token", null);
        }
        UUID tokenId = id;
        String secret = presented.substring(dot + 1);
        Refused[] refused = new Refused[1];
        Rotated rotated = transactions.execute(status -> {
            record Row(UUID familyId, UUID userId, byte[] hash, Instant expires, boolean used, boolean revoked,
                       Instant issued) {
            }
            List<Row> rows = jdbc.query("""
                    SELECT family_id, user_id, secret_hash, expires_at, used_at IS NOT NULL, revoked_at IS NOT NULL,
                        issued_at FROM refresh_tokens WHERE id = ? FOR UPDATE""",
                    (rs, i) -> new Row(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getBytes(3),
                            rs.getTimestamp(4).toInstant(), rs.getBoolean(5), rs.getBoolean(6),
                            rs.getTimestamp(7).toInstant()), tokenId);
            if (rows.isEmpty() || !MessageDigest.isEqual(rows.getFirst().hash(), Sha256.of(secret))) {
                refused[0] = new Refused("unknown refresh token", null);
                return null;
            }
            Row row = rows.getFirst();
            if (row.revoked() || revocations.familyRevoked(row.familyId().toString())) {
                refused[0] = new Refused("the refresh token was revoked", row.userId());
                return null;
            }
            if (row.used()) {
                revokeFamily(row.familyId());
                refused[0] = new Refused("the refresh token was used before; its family is revoked", row.userId());
                return null;
            }
            if (!row.expires().isAfter(clock.instant())) {
                refused[0] = new Refused("the refresh token has expired", row.userId());
                return null;
            }
            // the session was last used when this token was issued: idle for longer than the tenant allows, it ends
            var idle = idleTimeoutOf.apply(row.userId());
            if (idle.isPresent() && row.issued().plus(idle.get()).isBefore(clock.instant())) {
                revokeFamily(row.familyId());
                refused[0] = new Refused("the session was idle for longer than its tenant allows", row.userId());
                return null;
            }
            jdbc.update("UPDATE refresh_tokens SET used_at = ? WHERE id = ?", Timestamp.from(clock.instant()), tokenId);
            // the session's end was fixed at sign-in: a refresh never extends it
            return new Rotated(row.userId(), issue(row.userId(), row.familyId(), row.expires()));
        });
        if (refused[0] != null) {
            throw refused[0];
        }
        return rotated;
    }

    /** Revokes a family: its refresh tokens and the access tokens issued with it. */
    public void revokeFamily(UUID familyId) {
        jdbc.update("UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL",
                Timestamp.from(clock.instant()), familyId);
        revocations.revoke(TokenRevocations.Kind.FAMILY, familyId.toString(), clock.instant().plus(ttl));
    }

    /** Revokes every token the user holds now: refresh tokens, and access tokens issued until this moment. */
    public void revokeUser(UUID userId) {
        jdbc.update("UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                Timestamp.from(clock.instant()), userId);
        revocations.revoke(TokenRevocations.Kind.USER, userId.toString(), null);
    }

    /**
     * Ends every session of the user but {@code keep} (the one that asked): their refresh tokens and the access
     * tokens issued with them. For a change that raises the bar to sign in, such as turning on a second factor.
     */
    public void revokeOtherSessions(UUID userId, UUID keep) {
        List<UUID> families = jdbc.queryForList("""
                SELECT DISTINCT family_id FROM refresh_tokens
                WHERE user_id = ? AND family_id IS DISTINCT FROM ? AND revoked_at IS NULL""", UUID.class, userId, keep);
        families.forEach(this::revokeFamily);
    }

    /** Logout: the access token itself and its family. */
    public void logout(String accessTokenId, UUID familyId) {
        revocations.revoke(TokenRevocations.Kind.TOKEN, accessTokenId, clock.instant().plus(accessTtl));
        if (familyId != null) {
            revokeFamily(familyId);
        }
    }

}
