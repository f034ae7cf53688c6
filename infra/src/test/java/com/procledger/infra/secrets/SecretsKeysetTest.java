package com.procledger.infra.secrets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretsKeysetTest {

    @TempDir
    Path keys;

    static final byte[] AD = "tenant-1/erp-webhook".getBytes(StandardCharsets.UTF_8);

    @Test
    void sealedWithAPassphraseOpensOnlyWithItAndSurvivesRotation() throws Exception {
        var keyset = SecretsKeyset.open(keys, "correct horse battery staple", "");
        byte[] sealed = keyset.encrypt("whsec_123".getBytes(StandardCharsets.UTF_8), AD);
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("whsec_123");
        assertThat(Files.readString(keys.resolve(SecretsKeyset.KEYSET_FILE))).contains("encryptedKeyset");

        // reopened with the same passphrase: the same keyset
        var again = SecretsKeyset.open(keys, "correct horse battery staple", "");
        assertThat(new String(again.decrypt(sealed, AD), StandardCharsets.UTF_8)).isEqualTo("whsec_123");
        // the associated data binds a secret to its tenant and name
        assertThatThrownBy(() -> again.decrypt(sealed, "tenant-2/erp-webhook".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(GeneralSecurityException.class);
        // another passphrase cannot open the keyset at all
        assertThatThrownBy(() -> SecretsKeyset.open(keys, "wrong passphrase", "")).hasMessageContaining("different passphrase");

        // rotation: a new primary key; old ciphertexts still open, new ones use the new key
        assertThat(again.rotate()).isEqualTo(2);
        byte[] newer = again.encrypt("whsec_456".getBytes(StandardCharsets.UTF_8), AD);
        var reopened = SecretsKeyset.open(keys, "correct horse battery staple", "");
        assertThat(reopened.keys()).isEqualTo(2);
        assertThat(new String(reopened.decrypt(sealed, AD), StandardCharsets.UTF_8)).isEqualTo("whsec_123");
        assertThat(new String(reopened.decrypt(newer, AD), StandardCharsets.UTF_8)).isEqualTo("whsec_456");
        // Tink prefixes each ciphertext with its key's id: the two were sealed by different keys
        assertThat(java.util.Arrays.copyOf(newer, 5)).isNotEqualTo(java.util.Arrays.copyOf(sealed, 5));
    }

    @Test
    void aKeyFileWorksAsTheKeyEncryptionKey() throws Exception {
        Path kek = keys.resolve("kek.b64");
        Files.writeString(kek, java.util.Base64.getEncoder().encodeToString(new byte[32]));
        var keyset = SecretsKeyset.open(keys.resolve("set"), "", kek.toString());
        byte[] sealed = keyset.encrypt(new byte[]{1, 2, 3}, AD);
        assertThat(SecretsKeyset.open(keys.resolve("set"), "", kek.toString()).decrypt(sealed, AD)).containsExactly(1, 2, 3);
        Files.writeString(kek, java.util.Base64.getEncoder().encodeToString(new byte[31]));
        assertThatThrownBy(() -> SecretsKeyset.open(keys.resolve("set"), "", kek.toString())).isInstanceOf(IllegalStateException.class);
    }
}
