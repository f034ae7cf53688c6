package com.procledger.api.database;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.jdbc.datasource.DelegatingDataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * The service's connections, each told which tenant it works for: while a request of a tenant's user runs
 * ({@link #runAs}), every connection it takes has {@code procledger.tenant_id} set to that tenant, and
 * PostgreSQL's row-level security on the read models (V13) shows only that tenant's rows, whatever a query forgets
 * to say. Work outside a tenant's request (the read models' processors, the ledger's writer, sign-in, the access
 * recorder) runs unscoped.
 * <p>
 * Two pools: scoped work takes its connections from one, unscoped work from the other, so that no connection ever
 * goes from a tenant's work to unscoped work. A scoped connection keeps the tenant it was last set to, and is set
 * again only when it is taken for another tenant: a tenant's request usually pays no round trip for its scope
 * (it paid two, set and reset, on every connection it took). Connections of the unscoped pool are never set.
 */
public final class TenantScopedDataSource extends DelegatingDataSource implements AutoCloseable {

    private static final ThreadLocal<UUID> SCOPE = new ThreadLocal<>();

    private final HikariDataSource scopedPool;
    private final HikariDataSource unscopedPool;

    /** Which tenant each connection of the scoped pool (the driver's own, under the pool's wrapper) is set to. */
    private final java.util.Map<Object, String> setTo = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    /**
     * @param scopedPool   connections for a tenant's work only
     * @param unscopedPool connections for everything else; never scoped
     */
    public TenantScopedDataSource(HikariDataSource scopedPool, HikariDataSource unscopedPool) {
        super(unscopedPool);
        this.scopedPool = scopedPool;
        this.unscopedPool = unscopedPool;
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
        UUID tenant = SCOPE.get();
        return tenant == null ? unscopedPool.getConnection() : scoped(scopedPool.getConnection(), tenant.toString());
    }

    /** Only with the configured credentials: a pool's connections are all one role's. */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLException("the service's connections are taken with the configured credentials only");
    }

    private Connection scoped(Connection connection, String tenant) throws SQLException {
        try {
            Object driverConnection = connection.unwrap(org.postgresql.PGConnection.class);
            if (!tenant.equals(setTo.get(driverConnection))) {
                setTo.remove(driverConnection); // unknown until the setting is known to have taken
                set(connection, tenant);
                setTo.put(driverConnection, tenant);
            }
            return connection;
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * Session-level, so that it holds with and without a transaction. Run when the connection is taken, before any
     * transaction begins on it (the pool hands it out in autocommit), so that no rollback can undo it.
     */
    private static void set(Connection connection, String tenant) throws SQLException {
        if (!connection.getAutoCommit()) {
            throw new SQLException("a connection is scoped only in autocommit");
        }
        try (PreparedStatement statement = connection.prepareStatement("SELECT set_config('procledger.tenant_id', ?, false)")) {
            statement.setString(1, tenant);
            statement.execute();
        }
    }

    @Override
    public void close() {
        try {
            scopedPool.close();
        } finally {
            unscopedPool.close();
        }
    }
}
