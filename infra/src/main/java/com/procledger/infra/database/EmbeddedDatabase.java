package com.procledger.infra.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A PostgreSQL server run from binaries in the Maven registry, its data kept under {@code <dataDir>/postgres} so
 * it survives restarts. Starts in a few seconds on a first run (initdb), faster after.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    public static final String DATABASE = "procledger";
    public static final String USER = "postgres";
    /**
     * The role the service runs as on the embedded database: no superuser, so that row-level security applies to
     * it, and only the privileges the migrations grant (the same least privilege as in production, README).
     */
    public static final String APP_USER = "procledger_app";
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    private final EmbeddedPostgres postgres;
    private final Path directory;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path directory) {
        this.postgres = postgres;
        this.directory = directory;
    }

    public static EmbeddedDatabase start(Path dataDir) {
        Path directory = dataDir.toAbsolutePath().normalize().resolve("postgres");
        try {
            Files.createDirectories(directory);
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(directory)
                    .setCleanDataDirectory(false)
                    .setServerConfig("max_connections", "100")
                    // zonky's builder turns synchronous_commit off by default (it is made for tests): a commit
                    // would then be acknowledged before it is on disk, and a crash could lose it
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("fsync", "on")
                    .setServerConfig("full_page_writes", "on")
                    .start();
            var database = new EmbeddedDatabase(postgres, directory);
            database.createDatabaseIfMissing();
            log.info("Embedded PostgreSQL serves {} on port {}, data in {}", DATABASE, postgres.getPort(), directory);
            return database;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL in " + directory
                    + " (is another ProcLedger using this data directory?)", e);
        }
    }

    private void createDatabaseIfMissing() {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             var exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, DATABASE);
            if (!exists.executeQuery().next()) {
                connection.createStatement().execute("CREATE DATABASE " + DATABASE);
            }
            var role = connection.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?");
            role.setString(1, APP_USER);
            if (!role.executeQuery().next()) {
                connection.createStatement().execute("CREATE ROLE " + APP_USER + " LOGIN NOSUPERUSER NOBYPASSRLS");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the database " + DATABASE, e);
        }
    }

    public String jdbcUrl() {
        return postgres.getJdbcUrl(USER, DATABASE);
    }

    /** The same database, as the service's own role (the embedded server trusts local connections). */
    public String appJdbcUrl() {
        return postgres.getJdbcUrl(APP_USER, DATABASE);
    }

    public Path directory() {
        return directory;
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            log.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        }
    }
}
