package com.procledger.infra.ledger;

import com.procledger.infra.database.EmbeddedDatabase;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Version 19 landed twice with different scripts: first as {@code V19__business_event_stream.sql} (the partial index
 * only), then as {@code V19__access_log_kept_by_the_append.sql} (the same index, and the access-log rows an old
 * processor had not reached). A database migrated with the first must still start: the {@code beforeValidate}
 * callback records it as the second, whose extra work V20 makes moot.
 */
class LandedV19UpgradeTest {

    @TempDir
    Path dataDir;

    @Test
    void aDatabaseWithTheFirstVersion19MigratesToTheEnd() {
        try (var database = EmbeddedDatabase.start(dataDir); var dataSource = new HikariDataSource()) {
            dataSource.setJdbcUrl(database.jdbcUrl());
            var placeholders = Map.of("app_role", "");
            Flyway.configure().dataSource(dataSource).placeholders(placeholders).target("18").load().migrate();
            var jdbc = new JdbcTemplate(dataSource);
            jdbc.update("INSERT INTO tokenentry (processorName, segment, token, tokenType) VALUES ('access-log', 0, ?, ?)",
                    "{\"globalIndex\":0}".getBytes(StandardCharsets.UTF_8),
                    "org.axonframework.eventhandling.GlobalSequenceTrackingToken");
            // the build that landed first: its version 19, as it was
            Flyway.configure().dataSource(dataSource).placeholders(placeholders).locations("classpath:db/landed-v19")
                    .ignoreMigrationPatterns("*:missing").load().migrate();
            assertThat(jdbc.queryForObject("SELECT description FROM flyway_schema_history WHERE version = '19'",
                    String.class)).isEqualTo("business event stream");

            var migrated = Flyway.configure().dataSource(dataSource).placeholders(placeholders).load().migrate();

            assertThat(migrated.success).isTrue();
            assertThat(jdbc.queryForObject("SELECT description FROM flyway_schema_history WHERE version = '19'",
                    String.class)).isEqualTo("access log kept by the append");
            assertThat(jdbc.queryForObject("SELECT max(version::int) FROM flyway_schema_history", Integer.class))
                    .isGreaterThanOrEqualTo(20);
            assertThat(jdbc.queryForObject("SELECT relkind::text FROM pg_class WHERE relname = 'access_log'", String.class))
                    .isEqualTo("v");
            assertThat(jdbc.queryForObject("SELECT count(*) FROM tokenentry WHERE processorName = 'access-log'",
                    Long.class)).isZero();
            // and validation passes from now on
            Flyway.configure().dataSource(dataSource).placeholders(placeholders).load().validate();
        }
    }
}
