package com.procledger.infra.secrets;

import org.springframework.jdbc.core.JdbcTemplate;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** A tenant's secrets for other systems, sealed at rest, bound to tenant and name; never answered back over REST. */
public class TenantSecrets {

    private final JdbcTemplate jdbc;
    private final SecretsKeyset keyset;
    private final Clock clock;

    public TenantSecrets(JdbcTemplate jdbc, SecretsKeyset keyset, Clock clock) {
        this.jdbc = jdbc;
        this.keyset = keyset;
        this.clock = clock;
    }

    public record SecretInfo(String name, Instant updatedAt, UUID updatedBy) {
    }

    static byte[] associatedData(UUID tenantId, String name) {
        return ("tenant-secret/" + tenantId + "/" + name).getBytes(StandardCharsets.UTF_8);
    }

    public void put(UUID tenantId, String name, String value, UUID by) {
        byte[] sealed = keyset.encrypt(value.getBytes(StandardCharsets.UTF_8), associatedData(tenantId, name));
        jdbc.update("""
                INSERT INTO tenant_secrets (tenant_id, name, ciphertext, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (tenant_id, name) DO UPDATE SET ciphertext = EXCLUDED.ciphertext,
                    updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by""",
                tenantId, name, sealed, Timestamp.from(clock.instant()), by);
    }

    public List<SecretInfo> list(UUID tenantId) {
        return jdbc.query("SELECT name, updated_at, updated_by FROM tenant_secrets WHERE tenant_id = ? ORDER BY name",
                (rs, i) -> new SecretInfo(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getObject(3, UUID.class)),
                tenantId);
    }

    public boolean delete(UUID tenantId, String name) {
        return jdbc.update("DELETE FROM tenant_secrets WHERE tenant_id = ? AND name = ?", tenantId, name) == 1;
    }

    /** The secret in clear, for the code that calls the other system with it. */
    public Optional<String> reveal(UUID tenantId, String name) {
        return jdbc.queryForList("SELECT ciphertext FROM tenant_secrets WHERE tenant_id = ? AND name = ?",
                byte[].class, tenantId, name).stream().findFirst().map(sealed -> {
            try {
                return new String(keyset.decrypt(sealed, associatedData(tenantId, name)), StandardCharsets.UTF_8);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the stored secret " + name + " cannot be opened: tampered, or another keyset", e);
            }
        });
    }
}
