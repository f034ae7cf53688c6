package com.procledger.infra.ledger;

import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Recomputes one tenant's hash chain event by event, in {@code ledger_seq} order, holding only running hashes:
 * constant memory for any length. Checks that sequences run 1, 2, 3 without a gap, that each event names the
 * previous event's hash and that its own hash matches its content; and that every checkpoint is signed by the
 * ledger key and agrees with the recomputed chain at its sequence. Reports the first ledger_seq found wrong.
 *
 * <p>The chain can be checked in {@link Segment}s of consecutive sequences, each on its own thread: a segment
 * that does not start at 1 takes its first event's stored {@code prev_hash} on trust, and {@link #finish} then
 * checks that it equals the hash the segment before it ended with. The result is the same as one pass.
 */
public final class ChainVerifier {

    private final Map<Long, Checkpoint> checkpoints = new HashMap<>();
    private final int checkpointCount;
    private final List<Segment> segments = new ArrayList<>();
    private Segment sequential;
    private long firstInvalidSeq = Long.MAX_VALUE;
    private String reason;

    /** With one ledger key: every checkpoint must be signed by it. */
    public ChainVerifier(Collection<Checkpoint> checkpoints, PublicKey ledgerKey) {
        this(checkpoints, Map.of(LedgerSigner.keyIdOf(ledgerKey), ledgerKey));
    }

    /**
     * With the ledger's keys by id (every key that ever signed, {@link LedgerKeys}): each checkpoint must be signed by
     * the key it names, and one of format 2 must name the checkpoint before it (ledger_seq and signature hash), so
     * that a removed checkpoint is noticed.
     */
    public ChainVerifier(Collection<Checkpoint> checkpoints, Map<String, PublicKey> ledgerKeys) {
        this.checkpointCount = checkpoints.size();
        List<Checkpoint> ordered = new ArrayList<>(checkpoints);
        ordered.sort(Comparator.comparingLong(Checkpoint::ledgerSeq));
        Checkpoint previous = null;
        for (Checkpoint checkpoint : ordered) {
            PublicKey key = ledgerKeys.get(checkpoint.keyId());
            if (key == null || !checkpoint.signatureValid(key)) {
                invalid(checkpoint.ledgerSeq(), "the checkpoint at ledger_seq " + checkpoint.ledgerSeq()
                        + (key == null ? " names key " + checkpoint.keyId() + ", which is not one of the ledger keys "
                        + ledgerKeys.keySet() : " is not signed by the ledger key " + checkpoint.keyId()));
            } else if (checkpoint.format() >= 2 && !linksTo(checkpoint, previous)) {
                invalid(checkpoint.ledgerSeq(), "the checkpoint at ledger_seq " + checkpoint.ledgerSeq()
                        + " follows the checkpoint at ledger_seq " + checkpoint.prevLedgerSeq()
                        + ", which is missing or not the one it signed");
                this.checkpoints.put(checkpoint.ledgerSeq(), checkpoint);
            } else {
                this.checkpoints.put(checkpoint.ledgerSeq(), checkpoint);
            }
            previous = checkpoint;
        }
    }

    private static boolean linksTo(Checkpoint checkpoint, Checkpoint previous) {
        if (previous == null) {
            return checkpoint.prevLedgerSeq() == 0 && Arrays.equals(checkpoint.prevSignatureSha256(), Checkpoint.NO_PREVIOUS);
        }
        return checkpoint.prevLedgerSeq() == previous.ledgerSeq()
                && Arrays.equals(checkpoint.prevSignatureSha256(), previous.signatureSha256());
    }

    /** The highest ledger_seq a valid checkpoint covers, 0 for none: events after it are covered by no signature. */
    public synchronized long lastCheckpointSeq() {
        return checkpoints.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
    }

    /**
     * {@code uncoveredEvents}: how many events at the end no signed checkpoint covers yet (they are chained, but a
     * rewrite of them, with every hash recomputed, could not be told from the original).
     */
    public record Report(boolean valid, long events, long headSeq, String headHash, Long firstInvalidSeq,
                         String reason, int checkpoints, int checkpointsMatched, long uncoveredEvents) {
    }

    /** Checks the whole chain in one pass: events from ledger_seq 1 on, in order. */
    public void accept(LedgerRecord record) {
        accept(ChainLink.of(record));
    }

    public void accept(ChainLink link) {
        if (sequential == null) {
            sequential = segment(1);
        }
        sequential.accept(link);
    }

    /** A part of the chain starting at {@code fromSeq}; segments must not overlap and are fed by one thread each. */
    public synchronized Segment segment(long fromSeq) {
        var segment = new Segment(fromSeq);
        segments.add(segment);
        return segment;
    }

    public final class Segment {
        private final long fromSeq;
        private long lastSeq;
        private byte[] running;
        private byte[] firstPrevHash;
        private long events;
        private boolean broken;
        private int checkpointsMatched;

        private Segment(long fromSeq) {
            this.fromSeq = fromSeq;
            this.lastSeq = fromSeq - 1;
            this.running = fromSeq == 1 ? LedgerHashing.GENESIS : null;
        }

        public void accept(ChainLink link) {
            long seq = link.ledgerSeq();
            if (events++ == 0) {
                firstPrevHash = link.prevHash();
                if (running == null) {
                    running = link.prevHash(); // checked against the previous segment in finish()
                }
            }
            if (!broken) {
                if (seq != lastSeq + 1) {
                    fail(lastSeq + 1, "ledger_seq " + (lastSeq + 1) + " is missing (the next event has " + seq + ")");
                } else if (!Arrays.equals(link.prevHash(), running)) {
                    fail(seq, "event " + seq + " does not chain from the previous event's hash");
                } else {
                    byte[] computed = LedgerHashing.hash(running, link.fields());
                    if (!Arrays.equals(link.hash(), computed)) {
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

        private void fail(long seq, String why) {
            broken = true;
            invalid(seq, why);
        }
    }

    /** Completes the check; {@code expectedHeadSeq} is the tenant's last sequence where known, else 0. */
    public synchronized Report finish(long expectedHeadSeq) {
        long events = 0;
        int checkpointsMatched = 0;
        boolean broken = false;
        long lastSeq = 0;
        byte[] running = LedgerHashing.GENESIS;
        boolean previousBroken = false;
        List<Segment> inOrder = new ArrayList<>(segments);
        inOrder.sort(Comparator.comparingLong(segment -> segment.fromSeq));
        for (Segment segment : inOrder) {
            events += segment.events;
            checkpointsMatched += segment.checkpointsMatched;
            broken |= segment.broken;
            if (segment.events == 0) {
                continue;
            }
            if (segment.fromSeq > 1) {
                if (lastSeq + 1 < segment.fromSeq) {
                    broken = true;
                    invalid(lastSeq + 1, "ledger_seq " + (lastSeq + 1) + " is missing");
                } else if (!previousBroken && !Arrays.equals(segment.firstPrevHash, running)) {
                    broken = true;
                    invalid(segment.fromSeq, "event " + segment.fromSeq + " does not chain from the previous event's hash");
                }
            }
            lastSeq = segment.lastSeq;
            running = segment.running;
            previousBroken = segment.broken;
        }
        if (!broken && expectedHeadSeq > lastSeq) {
            invalid(lastSeq + 1, "events " + (lastSeq + 1) + " to " + expectedHeadSeq + " are missing at the end");
        }
        for (Checkpoint checkpoint : checkpoints.values()) {
            if (checkpoint.ledgerSeq() > lastSeq) {
                invalid(lastSeq + 1, "the checkpoint at ledger_seq " + checkpoint.ledgerSeq()
                        + " covers events that are missing after " + lastSeq);
            }
        }
        boolean valid = firstInvalidSeq == Long.MAX_VALUE;
        return new Report(valid, events, lastSeq, broken || lastSeq == 0 ? null : LedgerHashing.hex(running),
                valid ? null : firstInvalidSeq, reason, checkpointCount, checkpointsMatched,
                Math.max(0, lastSeq - lastCheckpointSeq()));
    }

    private synchronized void invalid(long seq, String why) {
        if (seq < firstInvalidSeq) {
            firstInvalidSeq = seq;
            reason = why;
        }
    }
}
