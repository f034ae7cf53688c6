package com.procledger.api.ledger;

import com.procledger.api.HttpTestSupport;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.serialization.Serializer;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import com.procledger.infra.ledger.LedgerEventStorageEngine;
import com.procledger.infra.ledger.LedgerSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Axon is wired to our ledger and to real database transactions. Axon 4.13's auto-configuration alone would run
 * commands and projections without transactions under Spring Boot 4 (ADR 0003).
 */
class LedgerWiringTest extends HttpTestSupport {

    @Autowired
    TransactionManager axonTransactions;
    @Autowired
    EventStorageEngine storageEngine;
    @Autowired
    @Qualifier("eventSerializer")
    Serializer eventSerializer;

    @Test
    void commandsAndProjectionsRunInSpringTransactions() {
        assertThat(axonTransactions).isInstanceOf(SpringTransactionManager.class);
    }

    @Autowired
    org.axonframework.config.EventProcessingConfiguration processing;
    @Autowired
    org.springframework.jdbc.core.JdbcTemplate jdbc;

    private String synchronousCommitIn(TransactionManager transactions) {
        var transaction = transactions.startTransaction();
        try {
            return jdbc.queryForObject("SHOW synchronous_commit", String.class);
        } finally {
            transaction.commit();
        }
    }

    @Test
    void readModelsCommitAsynchronouslyWhileCommandsAndLedgerAppendsWaitForTheDisk() {
        assertThat(processing.eventProcessors()).isNotEmpty();
        for (String processor : processing.eventProcessors().keySet()) {
            assertThat(synchronousCommitIn(processing.transactionManager(processor))).as(processor).isEqualTo("off");
        }
        assertThat(synchronousCommitIn(axonTransactions)).isEqualTo("on");
        // SET LOCAL ends with its transaction: the pooled connection is back to durable commits
        assertThat(jdbc.queryForObject("SHOW synchronous_commit", String.class)).isEqualTo("on");
    }

    @Test
    void eventsGoToTheLedgerAsJsonUnderStableNames() {
        assertThat(storageEngine).isInstanceOf(LedgerEventStorageEngine.class);
        assertThat(eventSerializer).isInstanceOf(LedgerSerializer.class);
    }

    @Test
    void everyReadModelRemembersWhatItsDeadLetterQueueHoldsInsteadOfAskingThePerEvent() throws Exception {
        assertThat(processing.eventProcessors()).hasSizeGreaterThanOrEqualTo(7);
        for (String processor : processing.eventProcessors().keySet()) {
            var invoker = processing.sequencedDeadLetterProcessor(processor).orElseThrow();
            var enabled = invoker.getClass().getDeclaredField("sequenceIdentifierCacheEnabled");
            enabled.setAccessible(true);
            assertThat(enabled.getBoolean(invoker)).as(processor).isTrue();
        }
    }

}
