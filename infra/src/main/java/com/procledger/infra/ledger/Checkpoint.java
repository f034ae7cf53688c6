package com.procledger.infra.ledger;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Instant;
import java.util.UUID;

/**
 * A signed statement "tenant T's ledger had head hash H at ledger_seq N, at time S". The signed message is the
 * UTF-8 text of {@link #message()} (docs/ledger-format.md, "Checkpoints").
 */
public record Checkpoint(UUID tenantId, long ledgerSeq, byte[] headHash, Instant signedAt, String keyId,
                         byte[] signature) {

    public byte[] message() {
        return message(tenantId, ledgerSeq, headHash, signedAt, keyId);
    }

    public static byte[] message(UUID tenantId, long ledgerSeq, byte[] headHash, Instant signedAt, String keyId) {
        return ("procledger-checkpoint-v1\n"
                + "tenant_id=" + tenantId + "\n"
                + "ledger_seq=" + ledgerSeq + "\n"
                + "head_hash=" + LedgerHashing.hex(headHash) + "\n"
                + "signed_at=" + LedgerHashing.time(signedAt) + "\n"
                + "key_id=" + keyId).getBytes(StandardCharsets.UTF_8);
    }

    public boolean signatureValid(PublicKey key) {
        return keyId.equals(LedgerSigner.keyIdOf(key)) && LedgerSigner.verify(key, message(), signature);
    }
}
