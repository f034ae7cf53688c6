package com.procledger.infra.database;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.DriverManager;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedDatabaseTest {

    @TempDir
    Path dataDir;

    @Test
    void dataSurvivesARestartInTheSameDataDirectory() throws Exception {
        try (EmbeddedDatabase first = EmbeddedDatabase.start(dataDir);
             var connection = DriverManager.getConnection(first.jdbcUrl())) {
            connection.createStatement().execute("CREATE TABLE kept (v TEXT); INSERT INTO kept VALUES ('still here')");
        }
        try (EmbeddedDatabase second = EmbeddedDatabase.start(dataDir);
             var connection = DriverManager.getConnection(second.jdbcUrl());
             var rows = connection.createStatement().executeQuery("SELECT v FROM kept")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("still here");
            assertThat(second.directory()).isEqualTo(dataDir.resolve("postgres"));
        }
    }

    @Test
    void commitsAreAcknowledgedOnlyOnceTheyAreOnDisk() throws Exception {
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDir);
             var connection = DriverManager.getConnection(database.jdbcUrl());
             var rows = connection.createStatement().executeQuery(
                     "SELECT name, setting FROM pg_settings WHERE name IN ('synchronous_commit', 'fsync', 'full_page_writes')")) {
            var settings = new java.util.HashMap<String, String>();
            while (rows.next()) {
                settings.put(rows.getString(1), rows.getString(2));
            }
            assertThat(settings).containsEntry("synchronous_commit", "on").containsEntry("fsync", "on")
                    .containsEntry("full_page_writes", "on");
        }
    }
}
