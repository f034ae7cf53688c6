package com.procledger.infra.ledger;

import java.time.Instant;
import java.util.UUID;

/**
 * One ledger row as the hash chain sees it (docs/ledger-format.md): what is hashed, plus the stored hashes.
 * {@code metadata} and {@code payload} are the exact JSON texts that were written.
 */
public record LedgerRecord(UUID tenantId, long ledgerSeq, String eventId, String aggregateType, String aggregateId,
                           Long aggregateSeq, String eventType, String eventRevision, Instant occurredAt,
                           String metadata, String payload, byte[] prevHash, byte[] hash) {

    public LedgerRecord withHashes(byte[] prevHash, byte[] hash) {
        return new LedgerRecord(tenantId, ledgerSeq, eventId, aggregateType, aggregateId, aggregateSeq, eventType,
                eventRevision, occurredAt, metadata, payload, prevHash, hash);
    }
}
