package com.procledger.api.database;

import com.procledger.projections.replay.ReplayJdbcTemplate;
import com.procledger.api.ProcLedgerProperties;
import com.procledger.infra.database.EmbeddedDatabase;
import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.annotation.Primary;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.flyway.autoconfigure.FlywayDataSource;

import javax.sql.DataSource;

/**
 * One DataSource: the external PostgreSQL when {@code PROCLEDGER_DB_URL} is set, else the embedded server with its
 * data under {@code PROCLEDGER_DATA_DIR}. Flyway migrates it before anything else uses it.
 */
@Configuration(proxyBeanMethods = false)
public class DatabaseConfiguration {

    private static final Logger log = LoggerFactory.getLogger(DatabaseConfiguration.class);

    @Bean(destroyMethod = "close")
    @Lazy
    EmbeddedDatabase embeddedDatabase(ProcLedgerProperties properties) {
        // closed by this context after the pools and processors that use it (destroyMethod); when the JVM stops,
        // the server waits for that close instead of stopping under them
        return EmbeddedDatabase.start(properties.dataDir()).closedByOwner(java.time.Duration.ofSeconds(60));
    }

    @Bean(destroyMethod = "close")
    @Primary
    TenantScopedDataSource dataSource(ProcLedgerProperties properties, ObjectProvider<EmbeddedDatabase> embedded,
                                      ObjectProvider<io.micrometer.core.instrument.MeterRegistry> metrics) {
        // a tenant's work and everything else each have a pool (TenantScopedDataSource, ADR 0030); Spring Boot
        // publishes the metrics of the one the data source unwraps to, these are the other's
        var tenants = pool("procledger-tenants", properties, embedded);
        metrics.ifAvailable(tenants::setMetricRegistry);
        return new TenantScopedDataSource(tenants, pool("procledger", properties, embedded));
    }

    private static HikariDataSource pool(String name, ProcLedgerProperties properties,
                                         ObjectProvider<EmbeddedDatabase> embedded) {
        var db = properties.db();
        var pool = new HikariDataSource();
        pool.setPoolName(name);
        pool.setMaximumPoolSize(db.maxPoolSize());
        if (db.external()) {
            pool.setJdbcUrl(db.url());
            pool.setUsername(db.user());
            pool.setPassword(db.password());
            if (name.equals("procledger")) {
                log.info("Using the external PostgreSQL at {} as {}", withoutSecrets(db.url()), db.user());
            }
        } else {
            EmbeddedDatabase database = embedded.getObject();
            pool.setJdbcUrl(database.url(EmbeddedDatabase.APP_USER));
            pool.setUsername(EmbeddedDatabase.APP_USER);
            pool.setPassword(database.appPassword());
            if (name.equals("procledger")) {
                log.info("Using the embedded PostgreSQL as {} (migrations as {}): data in {}", EmbeddedDatabase.APP_USER,
                        EmbeddedDatabase.USER, database.directory());
            }
        }
        // one multi-row INSERT per JDBC batch (ledger appends, access-log rows) instead of a statement per row
        pool.addDataSourceProperty("reWriteBatchedInserts", "true");
        boundedWaits(pool, db);
        pool.addDataSourceProperty("options", "-c statement_timeout=" + db.statementTimeout().toMillis());
        return pool;
    }

    /** The JdbcTemplate everything uses; replays of the ledger have it batch their handlers' updates. */
    @Bean
    ReplayJdbcTemplate jdbcTemplate(DataSource dataSource) {
        return new ReplayJdbcTemplate(dataSource);
    }

    /**
     * Migrations as the schema owner: on the embedded database always (its superuser), on an external one when an
     * owner is configured. The service's own role cannot alter the ledger.
     */
    @Bean(destroyMethod = "close")
    @FlywayDataSource
    @ConditionalOnExpression("!'${procledger.db.owner-user:}'.isBlank() or '${procledger.db.url:}'.isBlank()")
    DataSource migrationDataSource(ProcLedgerProperties properties, ObjectProvider<EmbeddedDatabase> embedded) {
        var db = properties.db();
        var pool = new HikariDataSource();
        pool.setPoolName("procledger-migrations");
        pool.setMaximumPoolSize(4); // Flyway holds two (its lock, the migration) and its callbacks take another
        boundedWaits(pool, db); // health asks this pool too: it must say DOWN as fast as the service's own
        if (!db.external()) {
            EmbeddedDatabase database = embedded.getObject();
            pool.setJdbcUrl(database.url(EmbeddedDatabase.USER));
            pool.setUsername(EmbeddedDatabase.USER);
            pool.setPassword(database.superuserPassword());
            return pool;
        }
        pool.setJdbcUrl(db.url());
        pool.setUsername(db.ownerUser());
        pool.setPassword(db.ownerPassword());
        log.info("Schema migrations run as {}, the service as {}", db.ownerUser(), db.user());
        return pool;
    }

    /**
     * Every wait on the database is bounded: a connection from the pool within {@code connectTimeout}
     * (then the request is answered 503), a new connection within two seconds, a read from its socket within the
     * statement time-out. A database that is gone costs a request about a second, not half a minute.
     */
    static void boundedWaits(HikariDataSource pool, ProcLedgerProperties.Db db) {
        pool.setConnectionTimeout(Math.max(250, db.connectTimeout().toMillis()));
        pool.setValidationTimeout(Math.max(250, Math.min(1000, db.connectTimeout().toMillis())));
        pool.addDataSourceProperty("connectTimeout", "2");
        pool.addDataSourceProperty("socketTimeout", String.valueOf(Math.max(1, db.statementTimeout().toSeconds() + 10)));
        pool.addDataSourceProperty("tcpKeepAlive", "true");
    }

    /** JDBC URLs may carry a password parameter; the log never shows one. */
    static String withoutSecrets(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }
}
