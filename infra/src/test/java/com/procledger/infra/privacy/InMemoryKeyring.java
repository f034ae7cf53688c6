package com.procledger.infra.privacy;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;

import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Subject keys in memory, for tests that need sealing without a database; {@link #destroy} erases a subject. */
public final class InMemoryKeyring implements Sealer.Keyring {

    private final Map<String, Optional<Aead>> keys = new ConcurrentHashMap<>();

    public InMemoryKeyring() {
        try {
            AeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Sealer sealer() {
        return new Sealer(new InMemoryKeyring());
    }

    @Override
    public Optional<Aead> forSealing(String subject) {
        return keys.computeIfAbsent(subject, s -> {
            try {
                return Optional.of(KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)
                        .getPrimitive(RegistryConfiguration.get(), Aead.class));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Override
    public Optional<Aead> forOpening(String subject) {
        return keys.getOrDefault(subject, Optional.empty());
    }

    @Override
    public String anonymousToday() {
        return SubjectKeys.anonymousOn(java.time.LocalDate.of(2026, 12, 6));
    }

    public void destroy(String subject) {
        keys.put(subject, Optional.empty());
    }
}
