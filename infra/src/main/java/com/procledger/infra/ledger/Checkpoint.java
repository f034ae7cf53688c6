package com.procledger.infra.ledger;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Instant;
import java.util.UUID;

/**
 * A signed statement "tenant T's ledger had head hash H at ledger_seq N, at time S". The signed message is the
 * UTF-8 text of {@link #message()} (docs/ledger-format.md, "Checkpoints"). Format 2 also names the checkpoint
 * before it ({@code prevLedgerSeq}, 0 for the first, and the SHA-256 of its signature), so that the checkpoints
 * form a chain of their own; format 1 (checkpoints signed before) does not.
 */
public record Checkpoint(UUID tenantId, long ledgerSeq, byte[] headHash, Instant signedAt, String keyId,
                         byte[] signature, int format, long prevLedgerSeq, byte[] prevSignatureSha256) {

    /** What a first checkpoint names as its predecessor's signature hash. */
    public static final byte[] NO_PREVIOUS = new byte[32];

    /** A format-1 checkpoint (no link to the one before). */
    public Checkpoint(UUID tenantId, long ledgerSeq, byte[] headHash, Instant signedAt, String keyId, byte[] signature) {
        this(tenantId, ledgerSeq, headHash, signedAt, keyId, signature, 1, 0, null);
    }

    public byte[] message() {
        return format == 1 ? message(tenantId, ledgerSeq, headHash, signedAt, keyId)
                : message(tenantId, ledgerSeq, headHash, signedAt, keyId, prevLedgerSeq, prevSignatureSha256);
    }

    /** Format 1. */
    public static byte[] message(UUID tenantId, long ledgerSeq, byte[] headHash, Instant signedAt, String keyId) {
        return ("procledger-checkpoint-v1\n" + fields(tenantId, ledgerSeq, headHash, signedAt, keyId))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Format 2: format 1's fields, then the link to the previous checkpoint. */
    public static byte[] message(UUID tenantId, long ledgerSeq, byte[] headHash, Instant signedAt, String keyId,
                                 long prevLedgerSeq, byte[] prevSignatureSha256) {
        return ("procledger-checkpoint-v2\n" + fields(tenantId, ledgerSeq, headHash, signedAt, keyId) + "\n"
                + "prev_ledger_seq=" + prevLedgerSeq + "\n"
                + "prev_signature_sha256=" + LedgerHashing.hex(prevSignatureSha256)).getBytes(StandardCharsets.UTF_8);
    }

    private static String fields(UUID tenantId, long ledgerSeq, byte[] headHash, Instant signedAt, String keyId) {
        return "tenant_id=" + tenantId + "\n"
                + "ledger_seq=" + ledgerSeq + "\n"
                + "head_hash=" + LedgerHashing.hex(headHash) + "\n"
                + "signed_at=" + LedgerHashing.time(signedAt) + "\n"
                + "key_id=" + keyId;
    }

    /** The SHA-256 of this checkpoint's signature: what the next checkpoint names. */
    public byte[] signatureSha256() {
        return com.procledger.infra.crypto.Sha256.of(signature);
    }

    public boolean signatureValid(PublicKey key) {
        return keyId.equals(LedgerSigner.keyIdOf(key)) && LedgerSigner.verify(key, message(), signature);
    }
}
