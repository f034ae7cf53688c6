package com.procledger.api.ledger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import com.procledger.projections.replay.ParkedEvents;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.deadletter.jdbc.DeadLetterSchema;
import org.axonframework.eventhandling.deadletter.jdbc.JdbcSequencedDeadLetterQueue;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.annotation.HandlerEnhancerDefinition;
import org.axonframework.messaging.annotation.MessageHandlingMember;
import org.axonframework.messaging.annotation.WrappedMessageHandlingMember;
import org.axonframework.messaging.deadletter.DeadLetter;
import org.axonframework.messaging.deadletter.Decisions;
import org.axonframework.messaging.deadletter.EnqueueDecision;
import org.axonframework.messaging.deadletter.EnqueuePolicy;
import org.axonframework.serialization.Serializer;
import org.axonframework.spring.jdbc.SpringDataSourceConnectionProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;

/**
 * One bad event never stops a read model (ADR 0016). Every processing group has a dead-letter queue (Axon's
 * {@link JdbcSequencedDeadLetterQueue}, table {@code dead_letter_entry}): an event its handler cannot apply is
 * parked with the cause, only that aggregate's later events queue up behind it, and the processor moves on with
 * every other aggregate and tenant. An operator sees what is parked ({@code GET /api/admin/dead-letters}, a WARN
 * line per parked event, the gauge {@code procledger.read_model.dead_letters}) and retries it after a fix.
 *
 * <p>PostgreSQL aborts a transaction at its first failed statement, and a processor's batch is one transaction: the
 * failed handler would poison its batch neighbours and the very insert that parks it. So once a read model's
 * handler failed, its batch is retried with each handler behind a savepoint ({@link #savepointPerEvent}), rolled
 * back when the handler fails.
 */
@Configuration(proxyBeanMethods = false)
public class DeadLetters {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
    static final String TABLE = "dead_letter_entry";
    private static final String PROJECTIONS = "com.procledger.projections";

    static DeadLetterSchema schema() {
        return DeadLetterSchema.builder().deadLetterTable(TABLE).build();
    }

    /** Also handed to Axon's own JDBC auto-configuration, so that there is one table whoever asks. */
    @Bean
    DeadLetterSchema deadLetterSchema() {
        return schema();
    }

    /**
     * A queue for every processing group. Runs after Axon's auto-configured module, which would otherwise keep
     * queues only for groups switched on one by one in properties.
     */
    @Bean
    ConfigurerModule deadLetterModule(DataSource dataSource, TransactionManager axonTransactionManager,
                                      Serializer serializer, @Qualifier("eventSerializer") Serializer eventSerializer,
                                      org.springframework.beans.factory.ListableBeanFactory beans) {
        ConnectionProvider connections = new SpringDataSourceConnectionProvider(dataSource);
        return new ConfigurerModule() {
            @Override
            public void configureModule(org.axonframework.config.Configurer configurer) {
                // Each event would otherwise cost every read model a query "is its aggregate parked?": the invoker
                // remembers what its queue holds (it is the only one that parks and retries for its segment)
                for (String group : processingGroups(beans)) {
                    configurer.eventProcessing().registerDeadLetteringEventHandlerInvokerConfiguration(group,
                            (configuration, builder) -> builder.enableSequenceIdentifierCache());
                }
                configurer.eventProcessing()
                        .registerDeadLetterQueueProvider(group -> configuration -> JdbcSequencedDeadLetterQueue
                                .<EventMessage<?>>builder()
                                .processingGroup(group)
                                .connectionProvider(connections)
                                .transactionManager(axonTransactionManager)
                                .schema(schema())
                                .genericSerializer(serializer)
                                .eventSerializer(eventSerializer)
                                .build())
                        .registerDefaultDeadLetterPolicy(configuration -> new ParkAndWarn());
            }

            @Override
            public int order() {
                return Integer.MAX_VALUE;
            }
        };
    }

    /** The processing groups of the read models (their beans' {@code @ProcessingGroup}), found without making them. */
    static java.util.Set<String> processingGroups(org.springframework.beans.factory.ListableBeanFactory beans) {
        var groups = new java.util.TreeSet<String>();
        for (String name : beans.getBeanNamesForAnnotation(org.axonframework.config.ProcessingGroup.class)) {
            var group = beans.findAnnotationOnBean(name, org.axonframework.config.ProcessingGroup.class);
            if (group != null) {
                groups.add(group.value());
            }
        }
        return groups;
    }

    /**
     * Parks every failed event, and says so once per event in the log (ids only, never the payload). The cause kept
     * and logged is the root cause's first line: PostgreSQL adds the failing row's values on the lines after it
     * ("Failing row contains (…)"), which may be personal data an erasure could not reach in a log or this table.
     */
    static final class ParkAndWarn implements EnqueuePolicy<EventMessage<?>> {
        @Override
        public EnqueueDecision<EventMessage<?>> decide(DeadLetter<? extends EventMessage<?>> letter, Throwable cause) {
            if (cause instanceof RetryBehindSavepoints retry) {
                throw retry; // fails the batch: it is rolled back and retried, this time behind savepoints
            }
            EventMessage<?> event = letter.message();
            String aggregate = event instanceof DomainEventMessage<?> domain ? domain.getAggregateIdentifier() : "-";
            Throwable kept = cause == null ? null : new ParkedCause(cause);
            log.warn("A read model could not apply {} {} of aggregate {} ({}): parked in the dead-letter queue; the "
                            + "aggregate's later events wait behind it, every other aggregate goes on. Retry after a "
                            + "fix: POST /api/admin/dead-letters/{{group}}/retry", event.getPayloadType().getSimpleName(),
                    event.getIdentifier(), aggregate, kept == null ? "no cause" : kept.getMessage());
            return Decisions.enqueue(kept);
        }
    }

    /** The root cause's type and the first line of its message, without what follows it (row values). */
    static final class ParkedCause extends RuntimeException {
        ParkedCause(Throwable cause) {
            super(summary(cause), null, false, false);
        }

        static String summary(Throwable cause) {
            Throwable root = cause;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String message = root.getMessage() == null ? "" : root.getMessage().strip();
            int end = message.indexOf('\n');
            return root.getClass().getSimpleName() + ": " + (end < 0 ? message : message.substring(0, end).strip());
        }
    }

    /**
     * A savepoint around a projection's handlers once one of them failed, so that a failing one leaves its batch's
     * transaction usable and can be parked. Until then they run without: a savepoint costs two round trips per event
     * and read model, paid by every command for a failure that almost never comes. The first failure fails its
     * batch instead ({@link RetryBehindSavepoints}: the whole transaction is rolled back, nothing half-applied is
     * kept), the processor retries it after its back-off, and from then on that read model's handlers run behind
     * savepoints until a transaction of theirs commits (the one that parks the event).
     */
    @Bean
    HandlerEnhancerDefinition savepointPerEvent(PlatformTransactionManager transactions) {
        var nested = new TransactionTemplate(transactions);
        nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        var careful = new java.util.concurrent.ConcurrentHashMap<Class<?>, java.util.concurrent.atomic.AtomicBoolean>();
        return new HandlerEnhancerDefinition() {
            @Override
            public <T> MessageHandlingMember<T> wrapHandler(MessageHandlingMember<T> original) {
                if (!original.canHandleMessageType(EventMessage.class)
                        || !original.declaringClass().getPackageName().startsWith(PROJECTIONS)) {
                    return original;
                }
                var behindSavepoints = careful.computeIfAbsent(original.declaringClass(),
                        c -> new java.util.concurrent.atomic.AtomicBoolean());
                return new WrappedMessageHandlingMember<>(original) {
                    @Override
                    public Object handle(Message<?> message, T target) throws Exception {
                        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
                            return super.handle(message, target);
                        }
                        if (!behindSavepoints.get() && !RETRYING.get()) {
                            try {
                                return super.handle(message, target);
                            } catch (Exception e) {
                                behindSavepoints.set(true);
                                throw new RetryBehindSavepoints(e);
                            }
                        }
                        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                            @Override
                            public void afterCommit() {
                                behindSavepoints.set(false);
                            }
                        });
                        try {
                            return nested.execute(status -> {
                                try {
                                    return super.handle(message, target);
                                } catch (RuntimeException e) {
                                    throw e;
                                } catch (Exception e) {
                                    throw new Checked(e);
                                }
                            });
                        } catch (Checked e) {
                            throw (Exception) e.getCause();
                        }
                    }
                };
            }
        };
    }

    /** Set while an operator's retry runs on this thread: an event that still fails stays parked, behind a savepoint. */
    private static final ThreadLocal<Boolean> RETRYING = ThreadLocal.withInitial(() -> false);

    /**
     * A projection's handler failed outside a savepoint: its batch must be rolled back and retried (behind
     * savepoints), not the event parked in a transaction the failure may have aborted. The policy passes it on.
     */
    static final class RetryBehindSavepoints extends RuntimeException {
        RetryBehindSavepoints(Exception cause) {
            super("a read model's handler failed; its batch is retried with a savepoint per event", cause);
        }
    }

    private static final class Checked extends RuntimeException {
        Checked(Exception cause) {
            super(cause);
        }
    }

    /** What is parked, per read model: for the operator's endpoint and the gauge. */
    @Bean
    ParkedEvents parkedDeadLetters(JdbcTemplate jdbc, ObjectProvider<MeterRegistry> meters) {
        var parked = new ParkedEvents(jdbc);
        meters.ifAvailable(registry -> Gauge.builder("procledger.read_model.dead_letters", parked, ParkedEvents::total)
                .description("Events parked because a read model could not apply them").register(registry));
        return parked;
    }

    /**
     * Retries a read model's parked events, each parked aggregate once, in order: an aggregate whose events now
     * apply leaves the queue; one that still fails stays parked. Answers how many aggregates were cleared.
     */
    public static int retry(EventProcessingConfiguration processing, ParkedEvents parked, String readModel) {
        var processor = processing.sequencedDeadLetterProcessor(readModel)
                .orElseThrow(() -> new com.procledger.domain.DomainException.NotFound("no read model " + readModel));
        int cleared = 0;
        RETRYING.set(true);
        try {
            for (String aggregate : parked.aggregates(readModel)) {
                if (processor.process(letter -> letter.message() instanceof DomainEventMessage<?> domain
                        && aggregate.equals(domain.getAggregateIdentifier()))) {
                    cleared++;
                }
            }
        } finally {
            RETRYING.remove();
        }
        return cleared;
    }
}
