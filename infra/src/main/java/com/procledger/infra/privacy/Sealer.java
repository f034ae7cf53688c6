package com.procledger.infra.privacy;

import com.google.crypto.tink.Aead;
import com.procledger.domain.privacy.ErasedSubjects;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * Seals a value of personal data with its subject's key, and opens it again. A sealed value is text:
 * {@code sealed:v1:<subject>:<base64url of the Tink AES-256-GCM ciphertext>}, with a fresh random nonce each time
 * and the subject as associated data (a value moved under another subject does not open). The ledger hashes this
 * text, so destroying the key leaves every hash as it was.
 * <p>
 * Opening never fails for want of a key: a value whose key is destroyed (erasure) or expired (unauthenticated
 * requests) opens as {@link ErasedSubjects#label}, the same for every value of the subject.
 */
public class Sealer {

    public static final String PREFIX = "sealed:v1:";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final Keyring keys;

    public Sealer(Keyring keys) {
        this.keys = keys;
    }

    /** Where the keys of data subjects come from: {@link SubjectKeys} in the service. */
    public interface Keyring {

        /** The key to seal the subject's data with, made on first use; empty when the subject is erased. */
        Optional<Aead> forSealing(String subject);

        /** The key to open the subject's data with; empty once the subject is erased or its key expired. */
        Optional<Aead> forOpening(String subject);

        /** The subject unauthenticated requests of today are sealed under. */
        String anonymousToday();
    }

    /**
     * The subject a value belongs to: a user id (a {@link UUID}, or text that is one), or, for anything else (null,
     * {@code anonymous}), the key of today's unauthenticated requests.
     */
    public String subjectOf(Object owner) {
        if (owner instanceof UUID id) {
            return id.toString();
        }
        if (owner instanceof String text && isUuid(text)) {
            return text.toLowerCase(java.util.Locale.ROOT);
        }
        return keys.anonymousToday();
    }

    /** The sealed text of {@code plaintext}; null stays null. An erased subject's new data is not kept at all. */
    public String seal(Object owner, String plaintext) {
        if (plaintext == null) {
            return null;
        }
        String subject = subjectOf(owner);
        Optional<Aead> key = keys.forSealing(subject);
        if (key.isEmpty()) {
            return ErasedSubjects.label(subject);
        }
        try {
            byte[] ciphertext = key.get().encrypt(plaintext.getBytes(StandardCharsets.UTF_8), ad(subject));
            return PREFIX + subject + ":" + ENCODER.encodeToString(ciphertext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not seal personal data", e);
        }
    }

    public static boolean isSealed(String value) {
        return value != null && value.startsWith(PREFIX);
    }

    /** The subject a sealed value belongs to, or null when the value is not sealed. */
    public static String subjectOfSealed(String value) {
        if (!isSealed(value)) {
            return null;
        }
        int end = value.indexOf(':', PREFIX.length());
        return end < 0 ? null : value.substring(PREFIX.length(), end);
    }

    /**
     * The plaintext of a sealed value; the subject's label when its key is gone; any other value as it is (null, a
     * label stored in place of an erased subject's data).
     */
    public String open(String value) {
        if (!isSealed(value)) {
            return value;
        }
        int end = value.indexOf(':', PREFIX.length());
        if (end < 0) {
            throw new IllegalArgumentException("a sealed value without its subject");
        }
        String subject = value.substring(PREFIX.length(), end);
        Optional<Aead> key = keys.forOpening(subject);
        if (key.isEmpty()) {
            return ErasedSubjects.label(subject);
        }
        try {
            byte[] plaintext = key.get().decrypt(DECODER.decode(value.substring(end + 1)), ad(subject));
            return new String(plaintext, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("a sealed value of subject " + subject + " does not open with its key "
                    + "(changed after it was written?)", e);
        }
    }

    private static byte[] ad(String subject) {
        return ("procledger-sealed-v1:" + subject).getBytes(StandardCharsets.UTF_8);
    }

    private static boolean isUuid(String text) {
        if (text.length() != 36) {
            return false;
        }
        try {
            UUID.fromString(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
