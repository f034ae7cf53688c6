package com.procledger.api.database;

import com.procledger.infra.database.EmbeddedDatabase;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection taken for a tenant's work is scoped to exactly that tenant, whatever it was taken for before; work
 * outside a tenant never gets a scoped connection; and a tenant's connection taken again for the same tenant is not
 * set again. One connection per pool, so that every take reuses it.
 */
class TenantScopedDataSourceTest {

    @TempDir
    static Path dataDir;
    static EmbeddedDatabase database;
    static TenantScopedDataSource dataSource;
    static JdbcTemplate jdbc;

    static final String SETTING = "SELECT coalesce(current_setting('procledger.tenant_id', true), '')";
    static final String BACKEND = "SELECT pg_backend_pid()";

    @BeforeAll
    static void start() {
        database = EmbeddedDatabase.start(dataDir);
        dataSource = new TenantScopedDataSource(pool("tenants"), pool("unscoped"));
        jdbc = new JdbcTemplate(dataSource);
    }

    static HikariDataSource pool(String name) {
        var pool = new HikariDataSource();
        pool.setPoolName(name);
        pool.setJdbcUrl(database.jdbcUrl());
        pool.setMaximumPoolSize(1);
        return pool;
    }

    @AfterAll
    static void stop() {
        dataSource.close();
        database.close();
    }

    static <T> T as(UUID tenant, java.util.concurrent.Callable<T> work) throws Exception {
        return TenantScopedDataSource.runAs(tenant, work);
    }

    @Test
    void eachTakeIsScopedToItsOwnTenantAndUnscopedWorkNeverIsScoped() throws Exception {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        assertThat(as(a, () -> jdbc.queryForObject(SETTING, String.class))).isEqualTo(a.toString());
        int scopedBackend = as(a, () -> jdbc.queryForObject(BACKEND, Integer.class));
        assertThat(jdbc.queryForObject(SETTING, String.class)).as("unscoped, right after a tenant's work").isEmpty();
        assertThat(as(b, () -> jdbc.queryForObject(SETTING, String.class))).isEqualTo(b.toString());
        assertThat(as(b, () -> jdbc.queryForObject(BACKEND, Integer.class))).as("the same connection").isEqualTo(scopedBackend);
        assertThat(as(a, () -> jdbc.queryForObject(SETTING, String.class))).isEqualTo(a.toString());
        String unscoped = TenantScopedDataSource.unscoped(() -> jdbc.queryForObject(SETTING, String.class));
        assertThat(unscoped).isEmpty();
        String inside = as(a, () -> TenantScopedDataSource.unscoped(() -> jdbc.queryForObject(SETTING, String.class)));
        assertThat(inside).as("unscoped inside a tenant's request").isEmpty();
        assertThat(jdbc.queryForObject(BACKEND, Integer.class)).as("never the tenants' connection").isNotEqualTo(scopedBackend);

        // in a transaction too, and a rolled-back transaction cannot undo the scope (it is set before it begins)
        var tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        String inTransaction = as(b, () -> tx.execute(status -> {
            status.setRollbackOnly();
            return jdbc.queryForObject(SETTING, String.class);
        }));
        assertThat(inTransaction).isEqualTo(b.toString());
        assertThat(as(b, () -> jdbc.queryForObject(SETTING, String.class))).isEqualTo(b.toString());
    }

    @Test
    void aTenantsConnectionTakenAgainForTheSameTenantIsNotSetAgain() throws Exception {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        assertThat(as(a, () -> jdbc.queryForObject(SETTING, String.class))).isEqualTo(a.toString());
        // changed behind the data source's back (only it may set the scope): the next take for the same tenant shows
        // it, so no set_config was sent for it ...
        as(a, () -> jdbc.queryForObject("SELECT set_config('procledger.tenant_id', 'marked', false)", String.class));
        assertThat(as(a, () -> jdbc.queryForObject(SETTING, String.class))).isEqualTo("marked");
        // ... while a take for another tenant sets it, and one for the first tenant after that sets it back
        assertThat(as(b, () -> jdbc.queryForObject(SETTING, String.class))).isEqualTo(b.toString());
        assertThat(as(a, () -> jdbc.queryForObject(SETTING, String.class))).isEqualTo(a.toString());
    }
}
