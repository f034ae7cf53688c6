package com.procledger.infra.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The one SHA-256 of the code base: fingerprints of secrets we keep only a hash of (refresh tokens, recovery codes,
 * API keys), key ids, request hashes, and the digests the ledger's hash chain feeds ({@link #digest()}).
 */
public final class Sha256 {

    private Sha256() {
    }

    /** A fresh digest, for input fed in parts. */
    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    public static byte[] of(byte[] bytes) {
        return digest().digest(bytes);
    }

    /** Of the text's UTF-8 bytes. */
    public static byte[] of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Lower-case hex of the SHA-256 of the bytes. */
    public static String hexOf(byte[] bytes) {
        return HexFormat.of().formatHex(of(bytes));
    }
}
