package com.procledger.infra.ledger;

import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.security.PublicKey;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every key that ever signed checkpoints (table {@code ledger_signing_keys}, ADR 0017): each instance registers the
 * key it signs with when it starts, so that every instance and every verifier finds the key of any checkpoint; a
 * rotated key stays, with the time it was retired. A checkpoint is checked against the key it names.
 */
public class LedgerKeys {

    private final JdbcTemplate jdbc;

    public LedgerKeys(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    public record Key(String keyId, String algorithm, String publicKey, Instant validFrom, Instant validUntil) {

        public PublicKey decoded() {
            return LedgerSigner.readPublicKey(publicKey);
        }
    }

    /** Publishes the signer's key, if it is not known yet. */
    public void register(LedgerSigner signer, Instant now) {
        jdbc.update("""
                INSERT INTO ledger_signing_keys (key_id, algorithm, public_key, valid_from)
                VALUES (?, 'Ed25519', ?, ?) ON CONFLICT (key_id) DO NOTHING""",
                signer.keyId(), signer.publicKeyPem(), Timestamp.from(now));
    }

    /** Marks a key as no longer signing from {@code at} on (a rotation); its checkpoints still verify. */
    public boolean retire(String keyId, Instant at) {
        return jdbc.update("UPDATE ledger_signing_keys SET valid_until = ? WHERE key_id = ? AND valid_until IS NULL",
                Timestamp.from(at), keyId) == 1;
    }

    public List<Key> all() {
        return jdbc.query("SELECT key_id, algorithm, public_key, valid_from, valid_until FROM ledger_signing_keys "
                        + "ORDER BY valid_from, key_id",
                (rs, i) -> new Key(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getObject(4, OffsetDateTime.class).toInstant(),
                        rs.getObject(5, OffsetDateTime.class) == null ? null : rs.getObject(5, OffsetDateTime.class).toInstant()));
    }

    /** Key id to key, for {@link ChainVerifier}. */
    public Map<String, PublicKey> byId() {
        return byId(all());
    }

    public static Map<String, PublicKey> byId(List<Key> keys) {
        Map<String, PublicKey> byId = new LinkedHashMap<>();
        for (Key key : keys) {
            byId.put(key.keyId(), key.decoded());
        }
        return byId;
    }
}
