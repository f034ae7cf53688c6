package com.procledger.infra.ledger;

import com.procledger.domain.access.AccessEvent.AccessOutcome;
import com.procledger.domain.access.AccessEvent.AccessRecorded;
import com.procledger.infra.database.EmbeddedDatabase;
import com.zaxxer.hikari.HikariDataSource;
import org.axonframework.eventhandling.GenericEventMessage;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A ledger from before ADR 0013, whose access-log processor had not caught up, migrated to the inline access log. */
class AccessLogUpgradeTest {

    @TempDir
    Path dataDir;

    @Test
    void theMigrationAddsTheAccessEventsTheOldProcessorHadNotReachedAndDropsItsToken() {
        try (var database = EmbeddedDatabase.start(dataDir); var dataSource = new HikariDataSource()) {
            dataSource.setJdbcUrl(database.jdbcUrl());
            Flyway.configure().dataSource(dataSource).placeholders(Map.of("app_role", "")).target("18").load().migrate();
            var jdbc = new JdbcTemplate(dataSource);
            var serializer = LedgerSerializer.create();
            var oldEngine = LedgerEventStorageEngine.builder().dataSource(dataSource).eventSerializer(serializer)
                    .snapshotSerializer(serializer).batchSize(100).build(); // no inline projection, as before
            UUID tenant = UUID.randomUUID();
            var tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
            for (String resource : List.of("/handled", "/not-yet-1", "/not-yet-2")) {
                tx.executeWithoutResult(status -> oldEngine.appendEvents(GenericEventMessage.asEventMessage(
                        new AccessRecorded(tenant, "u1", "requisition.read", resource, AccessOutcome.DENIED, 403,
                                "203.0.113.7", "agent", "c-" + resource, "t1"))));
            }
            // the old processor had handled the first event only
            jdbc.update("""
                    INSERT INTO access_log (tenant_id, ledger_seq, at, action, resource, outcome, status)
                    VALUES (?, 1, now(), 'requisition.read', '/handled', 'DENIED', 403)""", tenant);
            jdbc.update("INSERT INTO tokenentry (processorName, segment, token, tokenType) VALUES ('access-log', 0, ?, ?)",
                    "{\"globalIndex\":1}".getBytes(StandardCharsets.UTF_8),
                    "org.axonframework.eventhandling.GlobalSequenceTrackingToken");

            Flyway.configure().dataSource(dataSource).placeholders(Map.of("app_role", "")).load().migrate();

            assertThat(jdbc.queryForList("SELECT resource FROM access_log WHERE tenant_id = ? ORDER BY ledger_seq",
                    String.class, tenant)).containsExactly("/handled", "/not-yet-1", "/not-yet-2");
            var row = jdbc.queryForMap("SELECT * FROM access_log WHERE tenant_id = ? AND ledger_seq = 3", tenant);
            assertThat(row).containsEntry("actor", "u1").containsEntry("outcome", "DENIED").containsEntry("status", 403)
                    .containsEntry("client_ip", "203.0.113.7").containsEntry("user_agent", "agent")
                    .containsEntry("token_id", "t1").containsEntry("correlation_id", "c-/not-yet-2");
            assertThat(jdbc.queryForObject("SELECT count(*) FROM tokenentry WHERE processorName = 'access-log'",
                    Long.class)).isZero();
        }
    }
}
