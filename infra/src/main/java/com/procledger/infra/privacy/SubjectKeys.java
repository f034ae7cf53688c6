package com.procledger.infra.privacy;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.procledger.domain.privacy.ErasedSubjects;
import com.procledger.infra.secrets.SecretsKeyset;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys of data subjects, in the table {@code subject_keys} (never the ledger's): one AES-256-GCM Tink keyset
 * per user, stored wrapped by the secrets keyset (itself encrypted under the key-encryption key, which never touches
 * the database). Unauthenticated requests are sealed under a key per day ({@code anonymous-2026-12-06}) that is
 * deleted when the retention period has passed.
 * <p>
 * Erasing a subject deletes the key material and keeps a tombstone row (subject and time only), so that nothing can
 * make the subject a new key and seal under it again. Opened keys are cached in memory; erasure and expiry evict
 * them. One service process owns a database: a second one would keep its own cache (docs/privacy.md).
 */
public class SubjectKeys implements Sealer.Keyring {

    private static final byte[] WRAP_AD_PREFIX = "procledger-subject-key-v1:".getBytes(StandardCharsets.US_ASCII);
    private static final int CACHE_LIMIT = 100_000;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate ownTransaction;
    private final SecretsKeyset keyset;
    private final Clock clock;
    private final Duration anonymousRetention;
    private final Aead wrapping;
    /** Opened keys; an empty Optional for a subject that has none any more (erased or expired). */
    private final Map<String, Optional<Aead>> cache = new ConcurrentHashMap<>();

    public SubjectKeys(DataSource dataSource, SecretsKeyset keyset, Clock clock, Duration anonymousRetention) {
        try {
            AeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        this.jdbc = new JdbcTemplate(dataSource);
        this.ownTransaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.keyset = keyset;
        this.clock = clock;
        this.anonymousRetention = anonymousRetention;
        this.wrapping = new Aead() {
            @Override
            public byte[] encrypt(byte[] plaintext, byte[] associatedData) {
                return keyset.encrypt(plaintext, associatedData);
            }

            @Override
            public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
                return keyset.decrypt(ciphertext, associatedData);
            }
        };
    }

    public Duration anonymousRetention() {
        return anonymousRetention;
    }

    /** The subject unauthenticated requests of today are sealed under. */
    @Override
    public String anonymousToday() {
        return anonymousOn(LocalDate.now(clock.withZone(ZoneOffset.UTC)));
    }

    public static String anonymousOn(LocalDate day) {
        return ErasedSubjects.ANONYMOUS_PREFIX + day;
    }

    /**
     * Makes the subject's key in the caller's transaction, unless it has one (or was erased). Registration calls
     * this, so a user's key commits with the user.
     */
    public void create(String subject) {
        insert(subject);
    }

    /** The key to seal the subject's data with, made on first use; empty when the subject is erased. */
    @Override
    public Optional<Aead> forSealing(String subject) {
        Optional<Aead> cached = cache.get(subject);
        if (cached != null && cached.isPresent()) {
            return cached;
        }
        Optional<Aead> key = load(subject);
        if (key.isEmpty() && !erased(subject)) {
            // its own short transaction, committed before any event sealed under the key can be
            ownTransaction.executeWithoutResult(status -> insert(subject));
            key = load(subject);
        }
        remember(subject, key);
        return key;
    }

    /** The key to open the subject's data with; empty once the subject is erased or its key expired. */
    @Override
    public Optional<Aead> forOpening(String subject) {
        Optional<Aead> cached = cache.get(subject);
        if (cached != null) {
            return cached;
        }
        Optional<Aead> key = load(subject);
        remember(subject, key);
        return key;
    }

    /**
     * Destroys the subject's key for good, in the caller's transaction; the row stays as a tombstone without key
     * material. Returns whether there was a key to destroy.
     */
    public boolean destroy(String subject) {
        cache.put(subject, Optional.empty());
        int destroyed = jdbc.update("UPDATE subject_keys SET wrapped_key = NULL, erased_at = ? WHERE subject = ? "
                + "AND wrapped_key IS NOT NULL", Timestamp.from(clock.instant()), subject);
        if (destroyed == 0) {
            jdbc.update("INSERT INTO subject_keys (subject, wrapped_key, created_at, erased_at) VALUES (?, NULL, ?, ?) "
                    + "ON CONFLICT (subject) DO NOTHING", subject, Timestamp.from(clock.instant()),
                    Timestamp.from(clock.instant()));
        }
        return destroyed > 0;
    }

    /** Forgets opened keys (after a transaction that destroyed one rolled back, say). */
    public void evict(String subject) {
        cache.remove(subject);
    }

    /**
     * Makes the keys for unauthenticated requests of today and tomorrow, and deletes those past their retention.
     * Returns how many expired keys were deleted.
     */
    public int rollAnonymousKeys() {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        ownTransaction.executeWithoutResult(status -> {
            insert(anonymousOn(today));
            insert(anonymousOn(today.plusDays(1)));
        });
        List<String> expired = jdbc.queryForList("DELETE FROM subject_keys WHERE expires_at < ? RETURNING subject",
                String.class, Timestamp.from(clock.instant()));
        expired.forEach(cache::remove);
        return expired.size();
    }

    private boolean erased(String subject) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM subject_keys WHERE subject = ? AND wrapped_key IS NULL)", Boolean.class,
                subject));
    }

    private void insert(String subject) {
        try {
            KeysetHandle handle = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
            byte[] wrapped = TinkProtoKeysetFormat.serializeEncryptedKeyset(handle, wrapping, wrapAd(subject));
            Timestamp expires = null;
            if (subject.startsWith(ErasedSubjects.ANONYMOUS_PREFIX)) {
                LocalDate day = LocalDate.parse(subject.substring(ErasedSubjects.ANONYMOUS_PREFIX.length()));
                expires = Timestamp.from(day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plus(anonymousRetention));
            }
            jdbc.update("INSERT INTO subject_keys (subject, wrapped_key, created_at, expires_at) VALUES (?, ?, ?, ?) "
                    + "ON CONFLICT (subject) DO NOTHING", subject, wrapped, Timestamp.from(clock.instant()), expires);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not make a key for a data subject", e);
        }
    }

    private Optional<Aead> load(String subject) {
        List<byte[]> rows = jdbc.query("SELECT wrapped_key FROM subject_keys WHERE subject = ? AND wrapped_key IS NOT NULL "
                + "AND (expires_at IS NULL OR expires_at >= ?)", (rs, i) -> rs.getBytes(1), subject,
                Timestamp.from(clock.instant()));
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        try {
            KeysetHandle handle = TinkProtoKeysetFormat.parseEncryptedKeyset(rows.getFirst(), wrapping, wrapAd(subject));
            return Optional.of(handle.getPrimitive(RegistryConfiguration.get(), Aead.class));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the key of a data subject does not open with the secrets keyset", e);
        }
    }

    private void remember(String subject, Optional<Aead> key) {
        if (cache.size() >= CACHE_LIMIT) {
            cache.clear();
        }
        cache.put(subject, key);
    }

    private static byte[] wrapAd(String subject) {
        byte[] s = subject.getBytes(StandardCharsets.UTF_8);
        byte[] ad = new byte[WRAP_AD_PREFIX.length + s.length];
        System.arraycopy(WRAP_AD_PREFIX, 0, ad, 0, WRAP_AD_PREFIX.length);
        System.arraycopy(s, 0, ad, WRAP_AD_PREFIX.length, s.length);
        return ad;
    }
}
