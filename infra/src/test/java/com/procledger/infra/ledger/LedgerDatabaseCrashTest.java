package com.procledger.infra.ledger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing acknowledged is lost when the database itself dies. The group-commit writer commits most batches without
 * waiting for the disk flush and acknowledges them only once a later transaction, which does wait, has published
 * them (ADR 0028). Here PostgreSQL is killed with SIGKILL, every one of its processes, while a writer JVM
 * ({@link LedgerCrashTest.Writer}) appends from 16 threads: what PostgreSQL had committed but not yet written out of
 * its shared memory is gone with it. After the embedded database has started again (and recovered from its WAL),
 * every acknowledged unit is in the ledger whole, every other whole or not at all, positions and each tenant's
 * ledger_seq have no gap, every chain verifies, and what a new engine publishes is exactly what is there.
 */
class LedgerDatabaseCrashTest {

    private static final int TENANTS = 3;

    @TempDir
    static Path dataDir;
    static TestLedger ledger;

    @BeforeAll
    static void start() {
        ledger = new TestLedger(dataDir);
    }

    @AfterAll
    static void stop() {
        ledger.close();
    }

    @Test
    void postgresKilledWhileBatchesCommit_everyAcknowledgedCommandSurvivesAndEveryOtherIsWholeOrAbsent() throws Exception {
        List<UUID> tenants = java.util.stream.Stream.generate(UUID::randomUUID).limit(TENANTS).toList();
        Map<String, Integer> sent = new HashMap<>();
        Set<String> acknowledged = new HashSet<>();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // batches of two units or more commit without waiting for their flush (by default from 16): both ways are used
        List<String> command = new ArrayList<>(List.of(java, "-Dprocledger.ledger.overlap-from=2", "-cp",
                System.getProperty("java.class.path"), LedgerCrashTest.Writer.class.getName(), ledger.database.jdbcUrl()));
        tenants.forEach(t -> command.add(t.toString()));
        Process writer = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        int killedAfter = 0;
        try (var out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                String[] words = line.split(" ");
                switch (words[0]) {
                    case "SENT" -> sent.put(words[1], Integer.parseInt(words[2]));
                    case "ACK" -> acknowledged.add(words[1]);
                    default -> { }
                }
                if (killedAfter == 0 && acknowledged.size() >= 1000) {
                    killedAfter = acknowledged.size();
                    killPostgres();
                }
                if (killedAfter > 0 && sent.size() > killedAfter + 2000) {
                    writer.toHandle().destroyForcibly(); // it went on against the restarted database; now it stops
                }
            }
        } finally {
            writer.destroyForcibly();
            assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(killedAfter).as("PostgreSQL was killed while the writer ran").isPositive();
        awaitDatabase();
        System.out.printf("database killed after %d acknowledged; %d units handed in, %d acknowledged in all%n",
                killedAfter, sent.size(), acknowledged.size());

        long events = LedgerCrashTest.assertKept(ledger, tenants, sent, acknowledged);
        assertThat(ledger.jdbc.queryForObject("SELECT position FROM ledger_published", Long.class))
                .as("never published beyond what is there").isLessThanOrEqualTo(events);

        // a service starting on this ledger publishes whatever was committed but not yet published when it stopped
        var serializer = LedgerSerializer.create(com.procledger.infra.privacy.InMemoryKeyring.sealer());
        var restarted = LedgerEventStorageEngine.builder().dataSource(ledger.dataSource).eventSerializer(serializer)
                .snapshotSerializer(serializer).build();
        try {
            for (int i = 0; i < 100 && restarted.headPosition() < events; i++) {
                Thread.sleep(50);
            }
            assertThat(restarted.headPosition()).isEqualTo(events);
        } finally {
            restarted.close();
        }
    }

    /** SIGKILL to the postmaster and every process under it: nothing of PostgreSQL's shared memory is written out. */
    private static void killPostgres() throws Exception {
        long pid = Long.parseLong(Files.readAllLines(ledger.database.directory().resolve("postmaster.pid")).getFirst().strip());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
        List<ProcessHandle> children = postmaster.descendants().toList();
        assertThat(children).as("PostgreSQL's backends and workers").isNotEmpty();
        postmaster.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
    }

    /** The embedded database starts its postmaster again when it dies; until then, connections fail. */
    private static void awaitDatabase() throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            try {
                ledger.jdbc.queryForObject("SELECT 1", Integer.class);
                return;
            } catch (RuntimeException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("the embedded database did not come back");
    }
}
