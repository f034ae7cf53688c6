package com.procledger.infra.database;

import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** With migrations run by the schema owner, the service's role may only read and append to the ledger. */
class ApplicationRoleTest {

    @TempDir
    Path dataDir;

    @Test
    void theApplicationRoleCanAppendToTheLedgerButNeverChangeIt() {
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDir);
             HikariDataSource owner = new HikariDataSource()) {
            owner.setJdbcUrl(database.jdbcUrl());
            var jdbc = new JdbcTemplate(owner);
            jdbc.execute("CREATE ROLE procledger_app_test LOGIN PASSWORD 'x'");
            Flyway.configure().dataSource(owner).placeholders(Map.of("app_role", "procledger_app_test")).load().migrate();

            assertThat(privilege(jdbc, "ledger_events", "SELECT")).isTrue();
            assertThat(privilege(jdbc, "ledger_events", "INSERT")).isTrue();
            assertThat(privilege(jdbc, "ledger_events", "UPDATE")).isFalse();
            assertThat(privilege(jdbc, "ledger_events", "DELETE")).isFalse();
            assertThat(privilege(jdbc, "ledger_events", "TRUNCATE")).isFalse();
            assertThat(privilege(jdbc, "ledger_checkpoints", "INSERT")).isTrue();
            assertThat(privilege(jdbc, "ledger_checkpoints", "UPDATE")).isFalse();
            assertThat(privilege(jdbc, "ledger_checkpoints", "DELETE")).isFalse();
            assertThat(privilege(jdbc, "requisition_view", "UPDATE")).isTrue();
            assertThat(privilege(jdbc, "tokenentry", "UPDATE")).isTrue();
        }
    }

    private static boolean privilege(JdbcTemplate jdbc, String table, String privilege) {
        return Boolean.TRUE.equals(jdbc.queryForObject("SELECT has_table_privilege('procledger_app_test', ?, ?)",
                Boolean.class, table, privilege));
    }
}
