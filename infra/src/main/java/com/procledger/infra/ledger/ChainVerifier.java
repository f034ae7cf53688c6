package com.procledger.infra.ledger;

import java.security.PublicKey;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Recomputes one tenant's hash chain event by event, in {@code ledger_seq} order, holding only the running hash:
 * constant memory for any length. Checks that sequences run 1, 2, 3 without a gap, that each event names the
 * previous event's hash and that its own hash matches its content; and that every checkpoint is signed by the
 * ledger key and agrees with the recomputed chain at its sequence. Reports the first ledger_seq found wrong.
 */
public final class ChainVerifier {

    private final Map<Long, Checkpoint> checkpoints = new HashMap<>();
    private final int checkpointCount;
    private long firstInvalidSeq = Long.MAX_VALUE;
    private String reason;
    private long events;
    private long lastSeq;
    private byte[] running = LedgerHashing.GENESIS;
    private boolean broken;
    private int checkpointsMatched;

    public ChainVerifier(Collection<Checkpoint> checkpoints, PublicKey ledgerKey) {
        this.checkpointCount = checkpoints.size();
        for (Checkpoint checkpoint : checkpoints) {
            if (!checkpoint.signatureValid(ledgerKey)) {
                invalid(checkpoint.ledgerSeq(), "the checkpoint at ledger_seq " + checkpoint.ledgerSeq()
                        + " is not signed by the ledger key " + LedgerSigner.keyIdOf(ledgerKey));
            } else {
                this.checkpoints.put(checkpoint.ledgerSeq(), checkpoint);
            }
        }
    }

    public record Report(boolean valid, long events, long headSeq, String headHash, Long firstInvalidSeq,
                         String reason, int checkpoints, int checkpointsMatched) {
    }

    public void accept(LedgerRecord record) {
        events++;
        long seq = record.ledgerSeq();
        if (!broken) {
            if (seq != lastSeq + 1) {
                fail(lastSeq + 1, "ledger_seq " + (lastSeq + 1) + " is missing (the next event has " + seq + ")");
            } else if (!Arrays.equals(record.prevHash(), running)) {
                fail(seq, "event " + seq + " does not chain from the previous event's hash");
            } else {
                byte[] computed = LedgerHashing.hash(running, record);
                if (!Arrays.equals(record.hash(), computed)) {
                    fail(seq, "event " + seq + " does not match its hash: its content was changed");
                } else {
                    running = computed;
                    Checkpoint checkpoint = checkpoints.get(seq);
                    if (checkpoint != null) {
                        if (Arrays.equals(checkpoint.headHash(), computed)) {
                            checkpointsMatched++;
                        } else {
                            fail(seq, "the signed checkpoint at ledger_seq " + seq + " disagrees with the chain: "
                                    + "events up to " + seq + " were rewritten after it was taken");
                        }
                    }
                }
            }
        }
        lastSeq = seq;
    }

    /** Completes the check; {@code expectedHeadSeq} is the tenant's last sequence where known, else 0. */
    public Report finish(long expectedHeadSeq) {
        if (!broken && expectedHeadSeq > lastSeq) {
            fail(lastSeq + 1, "events " + (lastSeq + 1) + " to " + expectedHeadSeq + " are missing at the end");
        }
        for (Checkpoint checkpoint : checkpoints.values()) {
            if (checkpoint.ledgerSeq() > lastSeq) {
                invalid(lastSeq + 1, "the checkpoint at ledger_seq " + checkpoint.ledgerSeq()
                        + " covers events that are missing after " + lastSeq);
            }
        }
        boolean valid = firstInvalidSeq == Long.MAX_VALUE;
        return new Report(valid, events, lastSeq, broken ? null : LedgerHashing.hex(running == LedgerHashing.GENESIS ? null : running),
                valid ? null : firstInvalidSeq, reason, checkpointCount, checkpointsMatched);
    }

    private void fail(long seq, String why) {
        broken = true;
        invalid(seq, why);
    }

    private void invalid(long seq, String why) {
        if (seq < firstInvalidSeq) {
            firstInvalidSeq = seq;
            reason = why;
        }
    }
}
