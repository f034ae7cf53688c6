package com.procledger.api.investigation;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Breach-investigation jobs under way, for Prometheus (docs/operations.md). */
@Configuration(proxyBeanMethods = false)
public class InvestigationMetrics {

    @Bean
    Gauge investigationsRunning(MeterRegistry registry, InvestigationJobs jobs) {
        Gauge.builder("procledger.investigations.scanned.events", () -> jobs.progress()[1])
                .description("Events the running investigation jobs have scanned so far").register(registry);
        Gauge.builder("procledger.investigations.total.events", () -> jobs.progress()[2])
                .description("Events the running investigation jobs scan in all (where known)").register(registry);
        return Gauge.builder("procledger.investigations.running", () -> jobs.progress()[0])
                .description("Investigation jobs running").register(registry);
    }
}
