package com.procledger.infra.secrets;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.subtle.AesGcmJce;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Envelope encryption with Tink: secrets are sealed with an AES-256-GCM keyset ({@code keys/secrets-keyset.json}),
 * and the keyset itself is stored encrypted under a key-encryption key (KEK) that never touches the database: derived
 * from a passphrase with PBKDF2-HMAC-SHA256 (600,000 iterations, salt beside the keyset), or read from a key file.
 * Rotation adds a new primary key: new secrets use it, older ones still open with theirs (docs/security.md).
 */
public final class SecretsKeyset {

    private static final byte[] KEYSET_AD = "procledger-secrets-keyset-v1".getBytes(StandardCharsets.US_ASCII);
    private static final int PBKDF2_ITERATIONS = 600_000;
    static final String KEYSET_FILE = "secrets-keyset.json";

    private final Path keysetFile;
    private final Aead kek;
    private volatile KeysetHandle keyset;
    private volatile Aead aead;

    private SecretsKeyset(Path keysetFile, Aead kek, KeysetHandle keyset) throws GeneralSecurityException {
        this.keysetFile = keysetFile;
        this.kek = kek;
        use(keyset);
    }

    /** Opens (or, the first time, creates) the keyset under {@code keysDir}, with the KEK from passphrase or key file. */
    public static SecretsKeyset open(Path keysDir, String passphrase, String keyFile) {
        try {
            AeadConfig.register();
            Files.createDirectories(keysDir);
            Aead kek = new AesGcmJce(kekBytes(keysDir, passphrase, keyFile));
            Path file = keysDir.resolve(KEYSET_FILE);
            KeysetHandle handle;
            if (Files.exists(file)) {
                handle = TinkJsonProtoKeysetFormat.parseEncryptedKeyset(Files.readString(file), kek, KEYSET_AD);
            } else {
                handle = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
                write(file, TinkJsonProtoKeysetFormat.serializeEncryptedKeyset(handle, kek, KEYSET_AD));
            }
            return new SecretsKeyset(file, kek, handle);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not open the secrets keyset in " + keysDir
                    + " (a different passphrase or key file than it was written with?)", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] kekBytes(Path keysDir, String passphrase, String keyFile) throws IOException, GeneralSecurityException {
        if (passphrase != null && !passphrase.isBlank()) {
            Path saltFile = keysDir.resolve("secrets-kek.salt");
            if (!Files.exists(saltFile)) {
                byte[] salt = new byte[16];
                new SecureRandom().nextBytes(salt);
                write(saltFile, Base64.getEncoder().encodeToString(salt));
            }
            byte[] salt = Base64.getDecoder().decode(Files.readString(saltFile).strip());
            var spec = new PBEKeySpec(passphrase.toCharArray(), salt, PBKDF2_ITERATIONS, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        }
        Path file = keyFile != null && !keyFile.isBlank() ? Path.of(keyFile) : keysDir.resolve("secrets-kek.key");
        if (!Files.exists(file)) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            write(file, Base64.getEncoder().encodeToString(key));
        }
        byte[] key = Base64.getDecoder().decode(Files.readString(file).strip());
        if (key.length != 32) {
            throw new GeneralSecurityException("the key file " + file + " must hold 32 bytes, base64-encoded");
        }
        return key;
    }

    private static void write(Path file, String content) throws IOException {
        Files.writeString(file, content);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: rely on the directory's permissions
        }
    }

    private void use(KeysetHandle handle) throws GeneralSecurityException {
        this.keyset = handle;
        this.aead = handle.getPrimitive(RegistryConfiguration.get(), Aead.class);
    }

    public byte[] encrypt(byte[] plaintext, byte[] associatedData) {
        try {
            return aead.encrypt(plaintext, associatedData);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    /** The plaintext; fails when the ciphertext or its associated data was changed. */
    public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
        return aead.decrypt(ciphertext, associatedData);
    }

    /** Adds a new AES-256-GCM key and makes it primary; earlier keys stay for opening what they sealed. */
    public synchronized int rotate() {
        try {
            KeysetHandle rotated = KeysetHandle.newBuilder(keyset)
                    .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                            .withRandomId().makePrimary())
                    .build();
            write(keysetFile, TinkJsonProtoKeysetFormat.serializeEncryptedKeyset(rotated, kek, KEYSET_AD));
            use(rotated);
            return rotated.size();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not rotate the secrets keyset", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int keys() {
        return keyset.size();
    }
}
