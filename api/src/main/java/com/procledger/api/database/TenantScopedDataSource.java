package com.procledger.api.database;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.jdbc.datasource.DelegatingDataSource;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * The service's connections, each told which tenant it works for: while a request of a tenant's user runs
 * ({@link #runAs}), every connection it takes has {@code procledger.tenant_id} set to that tenant, and
 * PostgreSQL's row-level security on the read models (V13) shows only that tenant's rows, whatever a query forgets
 * to say. The setting is cleared when the connection goes back to the pool. Work outside a tenant's request (the
 * read models' processors, sign-in, the access recorder) runs unscoped.
 */
public final class TenantScopedDataSource extends DelegatingDataSource implements AutoCloseable {

    private static final ThreadLocal<UUID> SCOPE = new ThreadLocal<>();

    private final HikariDataSource pool;

    public TenantScopedDataSource(HikariDataSource pool) {
        super(pool);
        this.pool = pool;
    }

    /** Runs {@code work} with every connection it takes on this thread scoped to {@code tenantId}. */
    public static <T> T runAs(UUID tenantId, Callable<T> work) throws Exception {
        UUID before = SCOPE.get();
        SCOPE.set(tenantId);
        try {
            return work.call();
        } finally {
            if (before == null) {
                SCOPE.remove();
            } else {
                SCOPE.set(before);
            }
        }
    }

    /**
     * Reads for a streamed answer, on the response's own thread: as the tenant (row-level security), in one
     * transaction of {@code readOnly} (for cursors); an I/O failure of the writing comes out as itself.
     */
    public static void streamAs(UUID tenantId, org.springframework.transaction.support.TransactionTemplate readOnly,
                                Runnable read) throws java.io.IOException {
        try {
            runAs(tenantId, () -> readOnly.execute(tx -> {
                read.run();
                return null;
            }));
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        } catch (java.io.IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new java.io.IOException("could not read the answer's rows", e);
        }
    }

    /** Runs {@code work} unscoped, also inside a tenant's request: for lookups across tenants that the service itself needs. */
    public static <T> T unscoped(Callable<T> work) {
        try {
            return runAs(null, work);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        return scoped(super.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return scoped(super.getConnection(username, password));
    }

    private static Connection scoped(Connection connection) throws SQLException {
        UUID tenant = SCOPE.get();
        if (tenant == null) {
            return connection;
        }
        set(connection, tenant.toString());
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[]{Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close") && (args == null || args.length == 0)) {
                        try {
                            if (!connection.isClosed()) {
                                if (!connection.getAutoCommit()) {
                                    // work left open is rolled back by the pool anyway; the reset must not be
                                    connection.rollback();
                                    connection.setAutoCommit(true);
                                }
                                set(connection, "");
                            }
                        } finally {
                            connection.close();
                        }
                        return null;
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Session-level, so that it holds with and without a transaction; reset before the pool takes it back. */
    private static void set(Connection connection, String tenant) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT set_config('procledger.tenant_id', ?, false)")) {
            statement.setString(1, tenant);
            statement.execute();
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
