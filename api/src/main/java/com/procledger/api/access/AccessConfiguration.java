package com.procledger.api.access;

import com.procledger.api.ProcLedgerProperties;
import com.procledger.api.http.Problems;
import com.procledger.infra.ledger.GroupCommit;
import com.procledger.infra.ledger.LedgerEventStorageEngine;
import com.procledger.projections.requisition.RequisitionViews;
import com.procledger.projections.tenant.Tenants;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Access recording: the group-commit writer, the recorder and the outermost filter. */
@Configuration(proxyBeanMethods = false)
public class AccessConfiguration {

    @Bean(destroyMethod = "close")
    GroupCommit accessLedgerWriter(LedgerEventStorageEngine engine, PlatformTransactionManager transactions,
                                   ProcLedgerProperties properties, AccessRecorder.Underway underway) {
        var access = properties.access();
        return new GroupCommit(engine, new TransactionTemplate(transactions), access.maxBatch(), access.queueCapacity(),
                underway::count, access.linger());
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
