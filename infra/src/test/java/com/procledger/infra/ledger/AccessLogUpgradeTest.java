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

/**
 * A ledger from before ADR 0013, whose access-log processor had not caught up, migrated: V19 adds the rows that
 * processor had not reached to the access-log table, and V20 (ADR 0014) replaces the table by a view of the ledger
 * that shows the same rows.
 */
class AccessLogUpgradeTest {

    @TempDir
    Path dataDir;

    @Test
    void theMigrationAddsTheAccessEventsTheOldProcessorHadNotReachedAndDropsItsToken() {
        try (var database = EmbeddedDatabase.start(dataDir); var dataSource = new HikariDataSource()) {
            dataSource.setJdbcUrl(database.jdbcUrl());
            Flyway.configure().dataSource(dataSource).placeholders(Map.of("app_role", "")).target("18").load().migrate();
            var jdbc = new JdbcTemplate(dataSource);
            // today's engine appends as that time's did, but also moves the published position (V26): a stand-in
            // for it until the events are in
            jdbc.execute("CREATE TABLE ledger_published (id smallint PRIMARY KEY, position bigint NOT NULL)");
            jdbc.update("INSERT INTO ledger_published VALUES (1, 0)");
            var serializer = LedgerSerializer.create(com.procledger.infra.privacy.InMemoryKeyring.sealer());
            var oldEngine = LedgerEventStorageEngine.builder().dataSource(dataSource).eventSerializer(serializer)
                    .snapshotSerializer(serializer).batchSize(100).build();
            UUID tenant = UUID.randomUUID();
            var tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
            for (String resource : List.of("/handled", "/not-yet-1", "/not-yet-2")) {
                tx.executeWithoutResult(status -> oldEngine.appendEvents(GenericEventMessage.asEventMessage(
                        new AccessRecorded(tenant, "u1", "u1", "requisition.read", resource, null, AccessOutcome.DENIED, 403,
                                null, null, "c-" + resource, "t1"))));
            }
            oldEngine.close();
            jdbc.execute("DROP TABLE ledger_published");
            // access events of that time held the address and agent in plaintext (they are sealed since V25)
            tx.executeWithoutResult(status -> {
                jdbc.execute("SET LOCAL session_replication_role = replica"); // past the append-only trigger
                jdbc.update("""
                    UPDATE ledger_events SET payload = jsonb_set(jsonb_set(payload::jsonb, '{clientIp}', '"203.0.113.7"'),
                        '{userAgent}', '"agent"')::json WHERE tenant_id = ?""", tenant);
            });
            // the old processor had handled the first event only (with the event's time in milliseconds, as Axon
            // handed it over)
            jdbc.update("""
                    INSERT INTO access_log (tenant_id, ledger_seq, at, actor, action, resource, outcome, status, client_ip,
                        user_agent, token_id, correlation_id)
                    SELECT tenant_id, 1, date_trunc('milliseconds', occurred_at), 'u1', 'requisition.read', '/handled',
                        'DENIED', 403, '203.0.113.7', 'agent', 't1', 'c-/handled'
                    FROM ledger_events WHERE tenant_id = ? AND ledger_seq = 1""", tenant);
            jdbc.update("INSERT INTO tokenentry (processorName, segment, token, tokenType) VALUES ('access-log', 0, ?, ?)",
                    "{\"globalIndex\":1}".getBytes(StandardCharsets.UTF_8),
                    "org.axonframework.eventhandling.GlobalSequenceTrackingToken");

            Flyway.configure().dataSource(dataSource).placeholders(Map.of("app_role", "")).target("19").load().migrate();
            String columns = "tenant_id, ledger_seq, at, actor, action, resource, outcome, status, client_ip, user_agent, "
                    + "token_id, correlation_id";
            String rows = "SELECT row_to_json(r)::text FROM (SELECT " + columns + " FROM access_log WHERE tenant_id = ? "
                    + "ORDER BY ledger_seq) r";
            List<String> table = jdbc.queryForList(rows, String.class, tenant);
            assertThat(table).hasSize(3);

            Flyway.configure().dataSource(dataSource).placeholders(Map.of("app_role", "")).load().migrate();

            assertThat(jdbc.queryForObject("SELECT relkind::text FROM pg_class WHERE relname = 'access_log'", String.class))
                    .isEqualTo("v");
            assertThat(jdbc.queryForList(rows, String.class, tenant)).isEqualTo(table);
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
