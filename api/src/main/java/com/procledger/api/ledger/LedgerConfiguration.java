package com.procledger.api.ledger;

import com.procledger.domain.identity.User;
import com.procledger.domain.requisition.Requisition;
import com.procledger.domain.tenant.Tenant;
import com.procledger.api.ProcLedgerProperties;
import com.procledger.infra.ledger.LedgerCheckpoints;
import com.procledger.infra.ledger.LedgerEventStorageEngine;
import com.procledger.infra.ledger.LedgerKeys;
import com.procledger.infra.ledger.LedgerReader;
import com.procledger.infra.ledger.LedgerSigner;
import com.procledger.infra.ledger.LedgerSerializer;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.EventBusSpanFactory;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.messaging.correlation.MessageOriginProvider;
import org.axonframework.messaging.correlation.SimpleCorrelationDataProvider;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.serialization.Serializer;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.EnableScheduling;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * Axon on the PostgreSQL ledger: our storage engine, one Jackson 2 serializer for everything Axon stores, the three
 * aggregates, and tracking processors (one per read model) that stop and retry rather than skip an event they
 * cannot apply.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
public class LedgerConfiguration {

    private static final Logger log = LoggerFactory.getLogger(LedgerConfiguration.class);

    /** Metadata copied from each command onto the events it causes: who did it and from where. */
    public static final String[] REQUEST_METADATA = {"actor", "actorRoles", "clientIp", "userAgent", "tokenId",
            Commands.IDEMPOTENCY_KEY};

    /**
     * Declared here because Axon 4.13's own auto-configuration orders itself after Spring Boot 3's transaction
     * auto-configuration class name; under Spring Boot 4 that ordering is lost and Axon silently falls back to no
     * transactions at all (ADR 0003). Commands and projections must run in database transactions.
     */
    @Bean
    TransactionManager axonTransactionManager(PlatformTransactionManager transactionManager) {
        return new SpringTransactionManager(transactionManager);
    }

    @Bean
    @Primary
    Serializer serializer(com.procledger.infra.privacy.Sealer sealer) {
        return LedgerSerializer.create(sealer);
    }

    /**
     * The ledger. Commands' and access events are committed together by its group-commit writer (ADR 0022);
     * every append keeps the access log in its own statement or transaction; the read models' processors follow
     * the ledger without its access events (ADR 0013).
     */
    @Bean
    @DependsOn("flywayInitializer")
    LedgerEventStorageEngine eventStorageEngine(DataSource dataSource, Serializer serializer,
                                                @Qualifier("eventSerializer") Serializer eventSerializer,
                                                ProcLedgerProperties properties,
                                                com.procledger.api.access.AccessRecorder.Underway underway) {
        var writer = properties.access();
        return LedgerEventStorageEngine.builder()
                .writer(writer.maxBatch(), writer.queueCapacity(), underway::count, writer.linger())
                .dataSource(dataSource)
                .eventSerializer(eventSerializer)
                .snapshotSerializer(serializer)
                .persistenceExceptionResolver(LedgerEventStorageEngine.duplicateKeyResolver())
                .batchSize(500)
                .tracked(LedgerEventStorageEngine.Tracked.BUSINESS)
                .build();
    }

    /**
     * Axon's embedded store, polling the ledger every 50 ms when idle. Appends in this JVM wake the processors at
     * once; the short poll covers commits that land after Axon's own unit of work (an outer transaction).
     */
    @Bean(name = "eventBus")
    @Qualifier("eventStore")
    EmbeddedEventStore eventStore(EventStorageEngine storageEngine, org.axonframework.config.Configuration configuration) {
        return EmbeddedEventStore.builder()
                .storageEngine(storageEngine)
                .messageMonitor(configuration.messageMonitor(EventStore.class, "eventStore"))
                .spanFactory(configuration.getComponent(EventBusSpanFactory.class))
                .fetchDelay(50)
                .cleanupDelay(TimeUnit.SECONDS.toMillis(10))
                .build();
    }

    /**
     * Axon's command bus, as its auto-configuration would make it but without a transaction around each command:
     * a command's events then go to the ledger's group-commit writer and share a commit (and its disk flush) with
     * other commands' (ADR 0022). A command sent inside a transaction of ours (one that writes other tables with
     * it) still appends in that transaction and commits with it.
     */
    @Bean
    @Qualifier("localSegment")
    org.axonframework.commandhandling.SimpleCommandBus commandBus(org.axonframework.config.Configuration axon,
            org.axonframework.commandhandling.DuplicateCommandHandlerResolver duplicates) {
        var bus = org.axonframework.commandhandling.SimpleCommandBus.builder()
                .duplicateCommandHandlerResolver(duplicates)
                .spanFactory(axon.getComponent(org.axonframework.commandhandling.CommandBusSpanFactory.class))
                .messageMonitor(axon.messageMonitor(org.axonframework.commandhandling.CommandBus.class, "commandBus"))
                .build();
        bus.registerHandlerInterceptor(new org.axonframework.messaging.interceptors.CorrelationDataInterceptor<>(
                axon.correlationDataProviders()));
        return bus;
    }

    /** Where the signing key is: configured, or generated into the data directory. */
    public static Path signingKeyFile(ProcLedgerProperties properties) {
        String configured = properties.ledger().signingKeyFile();
        return configured != null && !configured.isBlank() ? Path.of(configured)
                : properties.dataDir().toAbsolutePath().normalize().resolve("keys").resolve("ledger-signing-ed25519.pem");
    }

    @Bean
    LedgerSigner ledgerSigner(ProcLedgerProperties properties) {
        Path file = signingKeyFile(properties);
        LedgerSigner signer = LedgerSigner.loadOrCreate(file);
        log.info("Checkpoints are signed with Ed25519 key {} ({})", signer.keyId(), file);
        return signer;
    }

    /**
     * Every key that signs is published where all instances and verifiers find it: this instance's on start, and
     * keys rotated away from its key file marked as retired (ADR 0017).
     */
    @Bean
    @DependsOn("flywayInitializer")
    LedgerKeys ledgerKeys(DataSource dataSource, LedgerSigner signer, ProcLedgerProperties properties, Clock clock) {
        var keys = new LedgerKeys(dataSource);
        keys.register(signer, clock.instant());
        LedgerSigner.retiredBeside(signingKeyFile(properties)).forEach((keyId, at) -> {
            if (!keyId.equals(signer.keyId()) && keys.retire(keyId, at)) {
                log.info("Ledger key {} was rotated away; it no longer signs (its checkpoints still verify)", keyId);
            }
        });
        return keys;
    }

    @Bean
    LedgerCheckpoints ledgerCheckpoints(DataSource dataSource, LedgerSigner signer, Clock clock, LedgerKeys keys) {
        return new LedgerCheckpoints(dataSource, signer, clock);
    }

    @Bean
    LedgerReader ledgerReader(DataSource dataSource) {
        return new LedgerReader(dataSource);
    }

    /** Read-your-writes: answers wait until every read model has followed the ledger's business events. */
    @Bean
    com.procledger.projections.replay.ReadModelCatchUp readModelCatchUp(
            org.axonframework.config.EventProcessingConfiguration processing, LedgerEventStorageEngine ledger,
            ProcLedgerProperties properties) {
        return new com.procledger.projections.replay.ReadModelCatchUp(processing,
                () -> ledger.headPosition(LedgerEventStorageEngine.Tracked.BUSINESS), properties.http().readModelTimeout());
    }

    @Bean
    CorrelationDataProvider messageOriginProvider() {
        return new MessageOriginProvider();
    }

    @Bean
    CorrelationDataProvider requestMetadataProvider() {
        return new SimpleCorrelationDataProvider(REQUEST_METADATA);
    }

    /**
     * Read models commit asynchronously ({@code synchronous_commit = off}, ADR 0007): a crash can lose their last
     * few milliseconds of progress, and then they redo it from the ledger, whose own appends (and everything a
     * caller is told) stay durable. Without this, each of the tracking processors would wait for a disk flush per
     * batch, and with every request appending an access event, that is most of what the disk does.
     */
    static TransactionManager readModelTransactions(TransactionManager transactions, JdbcTemplate jdbc) {
        return () -> {
            var transaction = transactions.startTransaction();
            jdbc.execute("SET LOCAL synchronous_commit TO OFF");
            return transaction;
        };
    }

    @Bean
    ConfigurerModule ledgerModule(TransactionManager axonTransactionManager, JdbcTemplate jdbc,
                                  org.springframework.beans.factory.ObjectProvider<
                                          com.procledger.projections.replay.ReadModelCatchUp> catchUp) {
        var progress = com.procledger.projections.replay.ReadModelCatchUp.listener(
                org.springframework.util.function.SingletonSupplier.of(catchUp::getObject));
        return configurer -> {
            // Requisitions are what approvers and requesters change all day: kept in memory between commands
            // (Axon's caching repository: no reading and deserializing of their events for each command; a stale
            // copy, say after another instance wrote, fails its append as a concurrent command would and is
            // dropped). Their state holds no personal data, and no transaction of ours sends them (Commands).
            configurer.configureAggregate(Tenant.class)
                    .configureAggregate(User.class)
                    .configureAggregate(org.axonframework.config.AggregateConfigurer
                            .defaultConfiguration(Requisition.class)
                            .configureCache(c -> new org.axonframework.common.caching.WeakReferenceCache()));
            configurer.eventProcessing()
                    .usingTrackingEventProcessors()
                    .registerTrackingEventProcessorConfiguration(c -> TrackingEventProcessorConfiguration
                            .forSingleThreadedProcessing().andBatchSize(200)
                            .andEventTrackerStatusChangeListener(progress))
                    .registerDefaultListenerInvocationErrorHandler(c -> PropagatingErrorHandler.instance())
                    .registerDefaultTransactionManager(c -> readModelTransactions(axonTransactionManager, jdbc));
        };
    }
}
