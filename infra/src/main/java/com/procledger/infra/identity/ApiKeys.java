package com.procledger.infra.identity;

import com.procledger.infra.crypto.Sha256;
import com.procledger.domain.identity.Role;
import org.springframework.jdbc.core.JdbcTemplate;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Tenant API keys for machines: {@code plk_<id>_<secret>}, the secret 256 random bits, shown once and stored as its
 * SHA-256; scoped to roles of the tenant; expiring; revocable. A key acts as a caller with those roles, named by
 * the key's id, and every use is an access event like any other request.
 */
public class ApiKeys {

    public static final String PREFIX = "plk_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public ApiKeys(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public record Created(UUID id, String key, Instant expiresAt) {
    }

    public record KeyInfo(UUID id, String name, Set<Role> roles, Instant createdAt, UUID createdBy, Instant expiresAt,
                          Instant revokedAt, Instant lastUsedAt) {
    }

    /** A verified key: whom it acts for. */
    /** A live key: {@code createdBy} is the person it acts for (separation of duties counts its decisions as theirs). */
    public record Principal(UUID keyId, UUID tenantId, Set<Role> roles, Instant expiresAt, UUID createdBy) {
    }

    public Created create(UUID tenantId, String name, Set<Role> roles, Duration validFor, UUID by) {
        UUID id = UUID.randomUUID();
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String secretText = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Instant now = clock.instant();
        Instant expires = now.plus(validFor);
        jdbc.update("""
                INSERT INTO api_keys (id, tenant_id, name, roles, secret_hash, created_at, created_by, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""", id, tenantId, name,
                roles.stream().map(Role::name).sorted().toArray(String[]::new), Sha256.of(secretText),
                Timestamp.from(now), by, Timestamp.from(expires));
        return new Created(id, PREFIX + id.toString().replace("-", "") + "_" + secretText, expires);
    }

    public List<KeyInfo> list(UUID tenantId) {
        return jdbc.query("""
                SELECT id, name, roles, created_at, created_by, expires_at, revoked_at, last_used_at FROM api_keys
                WHERE tenant_id = ? ORDER BY created_at""", (rs, i) -> new KeyInfo(rs.getObject(1, UUID.class),
                rs.getString(2), roles((String[]) rs.getArray(3).getArray()), rs.getTimestamp(4).toInstant(),
                rs.getObject(5, UUID.class), rs.getTimestamp(6).toInstant(), instant(rs.getTimestamp(7)),
                instant(rs.getTimestamp(8))), tenantId);
    }

    public boolean revoke(UUID tenantId, UUID id) {
        return jdbc.update("UPDATE api_keys SET revoked_at = ? WHERE tenant_id = ? AND id = ? AND revoked_at IS NULL",
                Timestamp.from(clock.instant()), tenantId, id) == 1;
    }

    /** The key's principal, if {@code presented} is a live key: known, secret right, not expired, not revoked. */
    public Optional<Principal> verify(String presented) {
        if (presented == null || !presented.startsWith(PREFIX) || presented.length() > 200) {
            return Optional.empty();
        }
        String[] parts = presented.substring(PREFIX.length()).split("_", 2);
        if (parts.length != 2 || !parts[0].matches("[0-9a-f]{32}")) {
            return Optional.empty();
        }
        UUID id = UUID.fromString(parts[0].replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5"));
        Instant now = clock.instant();
        record Row(UUID tenant, String[] roles, byte[] hash, Instant expires, boolean revoked, UUID createdBy) {
        }
        var rows = jdbc.query("SELECT tenant_id, roles, secret_hash, expires_at, revoked_at IS NOT NULL, created_by"
                        + " FROM api_keys WHERE id = ?",
                (rs, i) -> new Row(rs.getObject(1, UUID.class), (String[]) rs.getArray(2).getArray(), rs.getBytes(3),
                        rs.getTimestamp(4).toInstant(), rs.getBoolean(5), rs.getObject(6, UUID.class)), id);
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Row row = rows.getFirst();
        if (!MessageDigest.isEqual(row.hash(), Sha256.of(parts[1])) || row.revoked() || !row.expires().isAfter(now)) {
            return Optional.empty();
        }
        jdbc.update("UPDATE api_keys SET last_used_at = ? WHERE id = ?", Timestamp.from(now), id);
        return Optional.of(new Principal(id, row.tenant(), roles(row.roles()), row.expires(), row.createdBy()));
    }

    private static Set<Role> roles(String[] names) {
        var roles = EnumSet.noneOf(Role.class);
        Arrays.stream(names).map(Role::valueOf).forEach(roles::add);
        return roles;
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

}
