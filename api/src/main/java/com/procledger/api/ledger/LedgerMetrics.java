package com.procledger.api.ledger;

import com.procledger.infra.ledger.LedgerEventStorageEngine;
import com.procledger.projections.replay.ParkedEvents;
import com.procledger.projections.replay.Rebuilds;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The ledger's and the read models' metrics, for Prometheus at {@code /actuator/prometheus} (docs/operations.md says
 * what each means and what to alert on): appends, events per commit and commit latency of the ledger's writer; per
 * read model, how far it is behind the ledger, its parked events and the progress of a rebuild.
 */
@Configuration(proxyBeanMethods = false)
public class LedgerMetrics {

    @Bean
    SmartInitializingSingleton ledgerMeters(MeterRegistry registry, LedgerEventStorageEngine ledger,
                                            EventProcessingConfiguration processing, ParkedEvents parked,
                                            Rebuilds rebuilds) {
        return () -> {
            Counter appended = Counter.builder("procledger.ledger.appended.events")
                    .description("Events committed to the ledger by its writer (commands' and access events)")
                    .register(registry);
            DistributionSummary perCommit = DistributionSummary.builder("procledger.ledger.events.per.commit")
                    .description("Events in one commit of the ledger's writer").register(registry);
            Timer commits = Timer.builder("procledger.ledger.commit")
                    .description("How long one commit of the ledger's writer took, its disk flush included")
                    .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(5)).register(registry);
            ledger.writer().observe((units, events, nanos) -> {
                appended.increment(events);
                perCommit.record(events);
                commits.record(nanos, TimeUnit.NANOSECONDS);
            });
            var lag = new Lag(ledger);
            var parkedCounts = new Memo<>(parked::countsByReadModel); // one query per scrape, not one per read model
            for (String readModel : processing.eventProcessors().keySet()) {
                Gauge.builder("procledger.read_model.lag.events", () -> lag.behind(processing, readModel))
                        .description("Business events in the ledger that the read model has not applied yet "
                                + "(-1 while its processor is not running)")
                        .tag("read_model", readModel).register(registry);
                Gauge.builder("procledger.read_model.parked.events",
                                () -> parkedCounts.get().getOrDefault(readModel, 0L))
                        .description("Events of the read model parked in its dead-letter queue")
                        .tag("read_model", readModel).register(registry);
            }
            for (String readModel : rebuilds.names()) {
                Gauge.builder("procledger.rebuild.progress", () -> rebuilds.status(readModel)
                                .filter(status -> status.total() > 0)
                                .map(status -> (double) status.processed() / status.total()).orElse(0.0))
                        .description("Share of the ledger a rebuild of the read model has replayed (0 to 1; "
                                + "0 when none ran)")
                        .tag("read_model", readModel).register(registry);
            }
        };
    }

    /** A value read at most once a second however many gauges ask. */
    private static final class Memo<T> {
        private final java.util.function.Supplier<T> read;
        private volatile T value;
        private volatile long readAt;

        Memo(java.util.function.Supplier<T> read) {
            this.read = read;
        }

        T get() {
            long now = System.nanoTime();
            if (value == null || now - readAt > 1_000_000_000L) {
                value = read.get();
                readAt = now;
            }
            return value;
        }
    }

    /** The ledger's business head, read at most once a second however many gauges ask. */
    private static final class Lag {
        private final Memo<Long> head;

        Lag(LedgerEventStorageEngine ledger) {
            this.head = new Memo<>(() -> ledger.headPosition(LedgerEventStorageEngine.Tracked.BUSINESS));
        }

        double behind(EventProcessingConfiguration processing, String readModel) {
            var processor = processing.eventProcessor(readModel, StreamingEventProcessor.class).orElse(null);
            if (processor == null || !processor.isRunning() || processor.processingStatus().isEmpty()) {
                return -1;
            }
            long position = Long.MAX_VALUE;
            for (var status : processor.processingStatus().values()) {
                position = Math.min(position, status.getCurrentPosition().orElse(0));
            }
            return Math.max(0, head.get() - position);
        }
    }
}
