package com.procledger.infra.identity;

import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

/**
 * Users' password hashes (bcrypt), in {@code user_credentials}: a secret, so never in an event, an export or an
 * investigation. A change replaces the hash in place and an erasure deletes it; no old hash is kept anywhere.
 */
public class Credentials {

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public Credentials(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Sets the user's password hash, in the caller's transaction. */
    public void set(UUID userId, String passwordHash) {
        jdbc.update("""
                INSERT INTO user_credentials (user_id, password_hash, changed_at) VALUES (?, ?, ?)
                ON CONFLICT (user_id) DO UPDATE SET password_hash = EXCLUDED.password_hash,
                    changed_at = EXCLUDED.changed_at""", userId, passwordHash, Timestamp.from(clock.instant()));
    }

    /**
     * Replaces the hash only if it is still {@code expected} (a concurrent change wins once); true when replaced.
     */
    public boolean replace(UUID userId, String expected, String passwordHash) {
        return jdbc.update("UPDATE user_credentials SET password_hash = ?, changed_at = ? WHERE user_id = ? "
                + "AND password_hash = ?", passwordHash, Timestamp.from(clock.instant()), userId, expected) == 1;
    }

    public Optional<String> passwordHash(UUID userId) {
        return jdbc.query("SELECT password_hash FROM user_credentials WHERE user_id = ?",
                (rs, i) -> rs.getString(1), userId).stream().findFirst();
    }

    public void delete(UUID userId) {
        jdbc.update("DELETE FROM user_credentials WHERE user_id = ?", userId);
    }
}
