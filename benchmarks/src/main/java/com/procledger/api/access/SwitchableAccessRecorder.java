package com.procledger.api.access;

import com.procledger.infra.ledger.GroupCommit;
import com.procledger.projections.requisition.RequisitionViews;
import com.procledger.projections.tenant.Tenants;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;

/**
 * The access recorder with a switch, for the benchmark that measures what recording costs (on and off in one run of
 * one service). Only the benchmarks have it: the service's own recorder records every access, always.
 */
public final class SwitchableAccessRecorder extends AccessRecorder {

    private volatile boolean recording = true;

    SwitchableAccessRecorder(GroupCommit ledger, Underway underway, Tenants tenants, RequisitionViews requisitions) {
        super(ledger, underway, tenants, requisitions);
    }

    public void recording(boolean on) {
        this.recording = on;
    }

    @Override
    protected void append(HttpServletRequest request, AccessContext context, int status) {
        if (recording) {
            super.append(request, context, status);
        }
    }

    /** Add to the application's sources: puts the switchable recorder where the service's recorder would be. */
    public static final class Configuration {

        @Bean
        static BeanPostProcessor switchableAccessRecorder(ObjectProvider<GroupCommit> writer,
                                                          ObjectProvider<Underway> underway,
                                                          ObjectProvider<Tenants> tenants,
                                                          ObjectProvider<RequisitionViews> requisitions) {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    if (bean instanceof AccessRecorder && !(bean instanceof SwitchableAccessRecorder)) {
                        return new SwitchableAccessRecorder(writer.getObject(), underway.getObject(),
                                tenants.getObject(), requisitions.getObject());
                    }
                    return bean;
                }
            };
        }
    }
}
