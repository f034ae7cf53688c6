package com.procledger.api;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Says on start which port serves, next to the database line that says where the data lives. */
@Component
class ServiceReadyLog {

    private static final Logger log = LoggerFactory.getLogger(ServiceReadyLog.class);

    @EventListener
    void on(WebServerInitializedEvent event) {
        boolean tls = !event.getApplicationContext().getEnvironment()
                .getProperty("procledger.http.tls.plain", Boolean.class, false);
        log.info("ProcLedger listening on {}://localhost:{} (OpenAPI at /v3/api-docs, health at /actuator/health)",
                tls ? "https" : "http", event.getWebServer().getPort());
    }
}
