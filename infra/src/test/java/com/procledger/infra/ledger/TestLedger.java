package com.procledger.infra.ledger;

import com.procledger.infra.database.EmbeddedDatabase;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.file.Path;
import java.util.Map;

/** An embedded PostgreSQL with the real migrations and a ledger engine on it, for the infra tests. */
final class TestLedger implements AutoCloseable {

    final EmbeddedDatabase database;
    final HikariDataSource dataSource;
    final JdbcTemplate jdbc;
    final TransactionTemplate tx;
    final LedgerEventStorageEngine engine;

    TestLedger(Path dataDir) {
        database = EmbeddedDatabase.start(dataDir);
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(database.jdbcUrl());
        dataSource.setMaximumPoolSize(20);
        migrate(dataSource, "");
        jdbc = new JdbcTemplate(dataSource);
        tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        var serializer = LedgerSerializer.create(com.procledger.infra.privacy.InMemoryKeyring.sealer());
        engine = LedgerEventStorageEngine.builder().dataSource(dataSource).eventSerializer(serializer)
                .snapshotSerializer(serializer).persistenceExceptionResolver(LedgerEventStorageEngine.duplicateKeyResolver())
                .batchSize(500).build();
    }

    static void migrate(javax.sql.DataSource dataSource, String appRole) {
        Flyway.configure().dataSource(dataSource).placeholders(Map.of("app_role", appRole)).load().migrate();
    }

    @Override
    public void close() {
        dataSource.close();
        database.close();
    }
}
