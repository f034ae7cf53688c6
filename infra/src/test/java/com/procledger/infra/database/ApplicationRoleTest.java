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

    @Test
    void tablesOfLaterMigrationsGetTheirPrivilegesFromTheOneCallbackAndNothingMore() {
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDir);
             HikariDataSource owner = new HikariDataSource()) {
            owner.setJdbcUrl(database.jdbcUrl());
            var jdbc = new JdbcTemplate(owner);
            jdbc.execute("CREATE ROLE procledger_app_test LOGIN PASSWORD 'x'");
            var flyway = Flyway.configure().dataSource(owner).placeholders(Map.of("app_role", "procledger_app_test")).load();
            flyway.migrate();
            flyway.migrate(); // the callback runs after every migrate, also with nothing to apply

            // a table with no word on it: read, add, change, remove
            for (String p : new String[]{"SELECT", "INSERT", "UPDATE", "DELETE"}) {
                assertThat(privilege(jdbc, "dead_letter_entry", p)).as(p).isTrue();
            }
            assertThat(privilege(jdbc, "dead_letter_entry", "TRUNCATE")).isFalse();
            // a table whose comment names its privileges gets those only
            assertThat(privilege(jdbc, "ledger_signing_keys", "SELECT")).isTrue();
            assertThat(privilege(jdbc, "ledger_signing_keys", "INSERT")).isTrue();
            assertThat(privilege(jdbc, "ledger_signing_keys", "UPDATE")).isTrue();
            assertThat(privilege(jdbc, "ledger_signing_keys", "DELETE")).isFalse();
            // and what earlier migrations granted stays as it was: the ledger is only read and appended to
            assertThat(privilege(jdbc, "ledger_events", "UPDATE")).isFalse();
            assertThat(privilege(jdbc, "ledger_checkpoints", "DELETE")).isFalse();
            // no table of the schema is left unreadable by the service
            assertThat(jdbc.queryForList("""
                    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v')
                      AND NOT has_table_privilege('procledger_app_test', c.oid, 'SELECT')""", String.class)).isEmpty();
        }
    }

    private static boolean privilege(JdbcTemplate jdbc, String table, String privilege) {
        return Boolean.TRUE.equals(jdbc.queryForObject("SELECT has_table_privilege('procledger_app_test', ?, ?)",
                Boolean.class, table, privilege));
    }
}
