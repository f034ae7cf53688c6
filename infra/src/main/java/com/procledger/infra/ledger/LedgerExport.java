package com.procledger.infra.ledger;

import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * The ledger as it leaves the service: one {@link EventLine} per event (a line of the NDJSON export) and one
 * {@link CheckpointLine} per checkpoint. Hashes are lower-case hex, signatures base64, times ISO-8601 UTC with six
 * fraction digits, and {@code metadata}/{@code payload} the exact JSON texts that were hashed, as strings.
 */
public final class LedgerExport {

    private LedgerExport() {
    }

    public record EventLine(long ledgerSeq, UUID tenantId, String eventId, String aggregateType, String aggregateId,
                            Long aggregateSeq, String eventType, String eventRevision, String occurredAt,
                            String metadata, String payload, String prevHash, String hash) {
    }

    /** {@code format} 1 has no link to the checkpoint before ({@code prevLedgerSeq}, {@code prevSignatureSha256} null). */
    public record CheckpointLine(UUID tenantId, long ledgerSeq, String headHash, String signedAt, String signature,
                                 String keyId, Integer format, Long prevLedgerSeq, String prevSignatureSha256) {
    }

    public static EventLine line(LedgerRecord r) {
        return new EventLine(r.ledgerSeq(), r.tenantId(), r.eventId(), r.aggregateType(), r.aggregateId(),
                r.aggregateSeq(), r.eventType(), r.eventRevision(), LedgerHashing.time(r.occurredAt()), r.metadata(),
                r.payload(), LedgerHashing.hex(r.prevHash()), LedgerHashing.hex(r.hash()));
    }

    public static LedgerRecord record(EventLine l) {
        return new LedgerRecord(l.tenantId(), l.ledgerSeq(), l.eventId(), l.aggregateType(), l.aggregateId(),
                l.aggregateSeq(), l.eventType(), l.eventRevision(), Instant.parse(l.occurredAt()), l.metadata(),
                l.payload(), LedgerHashing.unhex(l.prevHash()), LedgerHashing.unhex(l.hash()));
    }

    public static CheckpointLine line(Checkpoint c) {
        boolean linked = c.format() >= 2;
        return new CheckpointLine(c.tenantId(), c.ledgerSeq(), LedgerHashing.hex(c.headHash()),
                LedgerHashing.time(c.signedAt()), Base64.getEncoder().encodeToString(c.signature()), c.keyId(),
                c.format(), linked ? c.prevLedgerSeq() : null, linked ? LedgerHashing.hex(c.prevSignatureSha256()) : null);
    }

    public static Checkpoint checkpoint(CheckpointLine l) {
        int format = l.format() == null ? 1 : l.format();
        return new Checkpoint(l.tenantId(), l.ledgerSeq(), LedgerHashing.unhex(l.headHash()), Instant.parse(l.signedAt()),
                l.keyId(), Base64.getDecoder().decode(l.signature()), format,
                l.prevLedgerSeq() == null ? 0 : l.prevLedgerSeq(),
                l.prevSignatureSha256() == null ? null : LedgerHashing.unhex(l.prevSignatureSha256()));
    }
}
