package com.procledger.api.ledger;

import com.procledger.api.ProcLedgerProperties;
import com.procledger.infra.ledger.LedgerCheckpoints;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;

/**
 * Takes a signed checkpoint for every tenant whose ledger grew by {@code checkpoint-every-events}, or grew at all
 * and whose last checkpoint is {@code checkpoint-every} old (or who has none yet).
 */
@Component
public class CheckpointScheduler {

    private static final Logger log = LoggerFactory.getLogger(CheckpointScheduler.class);

    private final LedgerCheckpoints checkpoints;
    private final long everyEvents;
    private final Duration every;
    private final Clock clock;

    public CheckpointScheduler(LedgerCheckpoints checkpoints, ProcLedgerProperties properties, Clock clock) {
        this.checkpoints = checkpoints;
        this.everyEvents = properties.ledger().checkpointEveryEvents();
        this.every = properties.ledger().checkpointEvery();
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${procledger.ledger.checkpoint-check-interval:1s}",
            initialDelayString = "${procledger.ledger.checkpoint-check-interval:1s}")
    public void checkpointDueTenants() {
        try {
            for (LedgerCheckpoints.Due due : checkpoints.grown()) {
                boolean manyEvents = due.headSeq() - due.checkpointSeq() >= everyEvents;
                boolean longAgo = due.checkpointAt() == null
                        || Duration.between(due.checkpointAt(), clock.instant()).compareTo(every) >= 0;
                if (manyEvents || longAgo) {
                    checkpoints.take(due.tenantId()).filter(LedgerCheckpoints.Taken::created).ifPresent(taken ->
                            log.debug("checkpoint for tenant {} at ledger_seq {}", due.tenantId(),
                                    taken.checkpoint().ledgerSeq()));
                }
            }
        } catch (RuntimeException e) {
            // the next run tries again; a failed checkpoint never blocks appends
            log.warn("taking scheduled checkpoints failed: {}", e.getMessage());
        }
    }
}
