package com.procledger.projections.replay;

import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * Read-your-writes for REST clients: after a command, its answer waits until every read model has processed the
 * ledger's business events up to the last one as it stood when the command finished. Writes are never lost by a
 * time-out here: the events are committed; only the answer may come before the read models show them (logged).
 * (The access log has no processor to wait for: the ledger's append keeps it, ADR 0013.)
 */
public class ReadModelCatchUp {

    private static final Logger log = LoggerFactory.getLogger(ReadModelCatchUp.class);

    private final EventProcessingConfiguration processing;
    private final LongSupplier ledgerHead;
    private final Duration timeout;

    /**
     * @param ledgerHead the global position of the ledger's last business event (what the read models follow)
     * @param timeout    how long an answer waits for them
     */
    public ReadModelCatchUp(EventProcessingConfiguration processing, LongSupplier ledgerHead, Duration timeout) {
        this.processing = processing;
        this.ledgerHead = ledgerHead;
        this.timeout = timeout;
    }

    /** Waits until every read model has seen all committed events; false when the time-out came first. */
    public boolean await() {
        long head = ledgerHead.getAsLong();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!allAt(head)) {
            if (System.nanoTime() > deadline) {
                log.warn("read models did not reach ledger position {} within {}", head, timeout);
                return false;
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private boolean allAt(long head) {
        for (EventProcessor processor : processing.eventProcessors().values()) {
            if (processor instanceof StreamingEventProcessor streaming) {
                var statuses = streaming.processingStatus();
                if (statuses.isEmpty()) {
                    return false;
                }
                for (EventTrackerStatus status : statuses.values()) {
                    OptionalLong position = status.getCurrentPosition();
                    if (status.isErrorState() || position.isEmpty() || position.getAsLong() < head) {
                        return false;
                    }
                }
            }
        }
        return true;
    }
}
