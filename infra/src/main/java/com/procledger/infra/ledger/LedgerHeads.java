package com.procledger.infra.ledger;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What this process last knew for sure about the ledger's head: the global position after its latest commit, and
 * for the tenants it appended to, their last {@code ledger_seq} and hash. It lets an append skip reading the heads
 * back from the database ({@link LedgerEventStorageEngine#appendCommitted}), and it is only ever taken as a guess:
 * such an append moves {@code ledger_head} only from exactly {@link Known#position}, so if anyone else appended
 * since (another thread's transaction, another instance, a migration), nothing is written and the caller appends
 * the ordinary way.
 * <p>
 * Learnt only from commits, never from transactions still open: a rolled-back append leaves it as it was. Commits
 * that are reported out of order are told apart by their positions ({@link #committed}).
 */
final class LedgerHeads {

    /** A tenant's last event: its ledger_seq and hash. */
    record Head(long seq, byte[] hash) {
    }

    /** The position the heads were true at, and the heads asked for. */
    record Known(long position, Map<UUID, Head> heads) {
    }

    private long position = -1;
    private final Map<UUID, Head> heads = new HashMap<>();

    /** The heads of all these tenants as of one position, or null when one of them is not known here. */
    synchronized Known known(Set<UUID> tenants) {
        if (position < 0) {
            return null;
        }
        Map<UUID, Head> found = new HashMap<>();
        for (UUID tenant : tenants) {
            Head head = heads.get(tenant);
            if (head == null) {
                return null;
            }
            found.put(tenant, head);
        }
        return new Known(position, found);
    }

    /**
     * An append that moved the ledger from {@code before} to {@code after} has committed, leaving these tenants at
     * these heads. Following on from what is known, it extends it; a later commit that does not follow on (someone
     * else appended in between) replaces it, since only its own tenants are known for sure then; an older one is
     * ignored.
     */
    synchronized void committed(long before, long after, Map<UUID, Head> tenants) {
        if (before == position) {
            heads.putAll(tenants);
            position = after;
        } else if (after > position) {
            heads.clear();
            heads.putAll(tenants);
            position = after;
        }
    }

    /**
     * The heads as one snapshot of the database showed them at {@code at}: added to what is known when that is
     * where this process stands; else what was known may be stale (someone else appended) and only these are known.
     */
    synchronized void learnt(long at, Map<UUID, Head> tenants) {
        if (at != position) {
            heads.clear();
            position = at;
        }
        heads.putAll(tenants);
    }

    /** Nothing is known any more (an append failed in a way that says nothing about the head). */
    synchronized void forget() {
        heads.clear();
        position = -1;
    }
}
