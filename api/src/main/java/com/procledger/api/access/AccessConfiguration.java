package com.procledger.api.access;

import com.procledger.api.http.Problems;
import com.procledger.infra.ledger.GroupCommit;
import com.procledger.infra.ledger.LedgerEventStorageEngine;
import com.procledger.projections.requisition.RequisitionViews;
import com.procledger.projections.tenant.Tenants;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** Access recording: the ledger's group-commit writer, the recorder and the outermost filter. */
@Configuration(proxyBeanMethods = false)
public class AccessConfiguration {

    /** The ledger's group-commit writer, which access events share with commands (closed with the engine). */
    @Bean(destroyMethod = "")
    GroupCommit accessLedgerWriter(LedgerEventStorageEngine engine) {
        return engine.writer();
    }

    @Bean
    AccessRecorder.Underway requestsUnderway() {
        return new AccessRecorder.Underway();
    }

    @Bean
    AccessRecorder accessRecorder(GroupCommit accessLedgerWriter, AccessRecorder.Underway underway, Tenants tenants,
                                  RequisitionViews requisitions) {
        return new AccessRecorder(accessLedgerWriter, underway, tenants, requisitions);
    }

    /** Outermost: before the body size limit and before Spring Security, whose refusals are accesses too. */
    @Bean
    FilterRegistrationBean<AccessRecordingFilter> accessRecordingFilter(AccessRecorder recorder, Problems problems) {
        var registration = new FilterRegistrationBean<>(new AccessRecordingFilter(recorder, problems));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 5);
        return registration;
    }
}
