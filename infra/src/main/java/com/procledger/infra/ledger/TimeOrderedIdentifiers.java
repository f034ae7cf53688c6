package com.procledger.infra.ledger;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;
import org.axonframework.common.IdentifierFactory;

/**
 * Axon's identifiers for messages (and so the ledger's event ids) as time-ordered UUIDs (version 7, RFC 9562), not
 * random ones: every append inserts its event ids into the unique index on {@code ledger_events.event_id}, and ids that
 * grow with time land on the index's last page instead of a random one (ADR 0027). Found by Axon through
 * {@code META-INF/services/org.axonframework.common.IdentifierFactory}. With {@code -Dprocledger.event-ids=random}
 * they are random (version 4) again, for benchmarks that compare the two.
 */
public final class TimeOrderedIdentifiers extends IdentifierFactory {

    private static final TimeBasedEpochGenerator TIME_ORDERED = Generators.timeBasedEpochGenerator();

    private static final boolean RANDOM = "random".equals(System.getProperty("procledger.event-ids"));

    @Override
    public String generateIdentifier() {
        return (RANDOM ? java.util.UUID.randomUUID() : TIME_ORDERED.generate()).toString();
    }
}
