package com.procledger.infra.database;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void everyRoleNeedsItsOwnPasswordAndTheServerListensOnLoopbackOnly() throws Exception {
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDir)) {
            for (String role : List.of(EmbeddedDatabase.USER, EmbeddedDatabase.APP_USER)) {
                assertRefused(database, role, "wrong");
                assertRefused(database, role, "");
            }
            // each role's own password opens the door, and only its own
            assertRefused(database, EmbeddedDatabase.APP_USER, database.superuserPassword());
            try (var app = DriverManager.getConnection(database.url(EmbeddedDatabase.APP_USER),
                    EmbeddedDatabase.APP_USER, database.appPassword());
                 var rows = app.createStatement().executeQuery("SELECT current_user")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo(EmbeddedDatabase.APP_USER);
            }
            try (var admin = DriverManager.getConnection(database.jdbcUrl());
                 var rows = admin.createStatement().executeQuery(
                         "SELECT current_setting('listen_addresses'), current_setting('unix_socket_directories'),"
                                 + " (SELECT count(*) FROM pg_hba_file_rules WHERE auth_method <> 'scram-sha-256'),"
                                 + " (SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = 'procledger_app')")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo("localhost");
                assertThat(rows.getString(2)).isEmpty();
                assertThat(rows.getLong(3)).isZero();
                assertThat(rows.getBoolean(4)).isTrue();
            }
            Path credentials = database.credentialsFile();
            assertThat(credentials.getParent()).isEqualTo(dataDir.toAbsolutePath().normalize());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials))).isEqualTo("rw-------");
        }
    }

    @Test
    void aDataDirectoryThatTrustedEveryoneIsLockedOnItsNextStart() throws Exception {
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDir);
             var admin = DriverManager.getConnection(database.jdbcUrl())) {
            admin.createStatement().execute("CREATE TABLE kept (v TEXT); INSERT INTO kept VALUES ('still here')");
            // the way every data directory was before: trust for all, roles without passwords
            admin.createStatement().execute("ALTER ROLE postgres PASSWORD NULL; ALTER ROLE procledger_app PASSWORD NULL");
        }
        Path postgres = dataDir.resolve("postgres");
        Files.write(postgres.resolve("pg_hba.conf"), List.of("local all all trust", "host all all 127.0.0.1/32 trust",
                "host all all ::1/128 trust"));
        Files.delete(dataDir.resolve(EmbeddedDatabase.CREDENTIALS_FILE));

        try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDir)) {
            assertRefused(database, EmbeddedDatabase.USER, "wrong");
            assertRefused(database, EmbeddedDatabase.APP_USER, "wrong");
            assertThat(Files.readAllLines(postgres.resolve("pg_hba.conf"))).doesNotContain("host all all 127.0.0.1/32 trust");
            try (var admin = DriverManager.getConnection(database.jdbcUrl());
                 var rows = admin.createStatement().executeQuery("SELECT v FROM kept")) {
                assertThat(rows.next()).isTrue();
            }
        }
        // and it stays locked on the start after
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDir)) {
            assertRefused(database, EmbeddedDatabase.USER, "wrong");
        }
    }

    @Test
    void aPostmasterThatDiesIsStartedAgainOnTheSamePortWithItsData() throws Exception {
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDir)) {
            try (var connection = DriverManager.getConnection(database.jdbcUrl())) {
                connection.createStatement().execute("CREATE TABLE kept (v TEXT); INSERT INTO kept VALUES ('still here')");
            }
            long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).getFirst().strip());
            ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // kill -9
            long deadline = System.nanoTime() + 60_000_000_000L;
            String value = null;
            while (value == null && System.nanoTime() < deadline) {
                try (var connection = DriverManager.getConnection(database.jdbcUrl());
                     var rows = connection.createStatement().executeQuery("SELECT v FROM kept")) {
                    value = rows.next() ? rows.getString(1) : null;
                } catch (SQLException notYet) {
                    Thread.sleep(200);
                }
            }
            assertThat(value).isEqualTo("still here");
            assertThat(Long.parseLong(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).getFirst().strip()))
                    .isNotEqualTo(pid);
        }
    }

    /**
     * A JVM that stops (SIGTERM, System.exit) leaves no PostgreSQL behind: zonky's own shutdown hook stops the
     * server, possibly before the service's context closes the database, and the watcher must not take that for a
     * crash and start a server that outlives the JVM. {@link StoppingJvm} starts a database, has a shutdown hook as
     * slow as a Spring context's close, and exits.
     */
    @Test
    void aJvmThatStopsLeavesNoPostgresBehind() throws Exception {
        String output = runChildJvm(StoppingJvm.class, "no owner");
        assertThat(output).contains("started");
        assertNoPostgresLeft();
    }

    @Test
    void anOwnerThatNeverClosesTheDatabaseLeavesNoPostgresBehindEither() throws Exception {
        String output = runChildJvm(StoppingJvm.class, "owner that never closes");
        assertThat(output).contains("started");
        assertNoPostgresLeft();
    }

    @Test
    void theServerOutlivesItsOwnersUsersWhenTheJvmStops() throws Exception {
        // the service's context closes its pools and processors, and then the database: until then they must find
        // the server up, or every processor logs its lost connection on each stop
        String output = runChildJvm(OwnedJvm.class, "owner");
        assertThat(output).contains("started").contains("query while the JVM stops: 1");
        assertNoPostgresLeft();
    }

    private String runChildJvm(Class<?> main, String mode) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process jvm = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), main.getName(),
                dataDir.toString(), mode).redirectErrorStream(true).start();
        String output = new String(jvm.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(jvm.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return output;
    }

    private void assertNoPostgresLeft() throws InterruptedException {
        Thread.sleep(2_000);
        String directory = dataDir.resolve("postgres").toString();
        var left = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("postgres") && c.contains(directory)).orElse(false))
                .toList();
        left.forEach(ProcessHandle::destroyForcibly);
        assertThat(left).as("PostgreSQL processes left running on %s", directory).isEmpty();
    }

    /** Starts the embedded database on the given directory, then exits with a slow shutdown hook. */
    public static final class StoppingJvm {
        public static void main(String[] args) throws Exception {
            var database = EmbeddedDatabase.start(Path.of(args[0]));
            if (args[1].startsWith("owner")) {
                database.closedByOwner(java.time.Duration.ofSeconds(3));
            }
            System.out.println("started");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Thread.sleep(4_000); // a context closing its beans
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            System.exit(0);
        }
    }

    /** As the service: its "context" uses the database while the JVM stops, then closes it. */
    public static final class OwnedJvm {
        public static void main(String[] args) throws Exception {
            var database = EmbeddedDatabase.start(Path.of(args[0])).closedByOwner(java.time.Duration.ofSeconds(60));
            System.out.println("started");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Thread.sleep(3_000); // processors finishing their batches
                    try (var connection = DriverManager.getConnection(database.jdbcUrl());
                         var rs = connection.createStatement().executeQuery("SELECT 1")) {
                        rs.next();
                        System.out.println("query while the JVM stops: " + rs.getInt(1));
                    }
                } catch (Exception e) {
                    System.out.println("query while the JVM stops failed: " + e.getMessage());
                } finally {
                    database.close();
                }
            }));
            System.exit(0);
        }
    }

    private static void assertRefused(EmbeddedDatabase database, String role, String password) {
        assertThatThrownBy(() -> DriverManager.getConnection(database.url(role), role, password).close())
                .as("%s with password '%s'", role, password)
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isIn("28P01", "28000", "08004"));
    }
}
