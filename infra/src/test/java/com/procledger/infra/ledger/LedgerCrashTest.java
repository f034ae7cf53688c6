package com.procledger.infra.ledger;

import com.procledger.domain.access.AccessEvent.AccessOutcome;
import com.procledger.domain.access.AccessEvent.AccessRecorded;
import com.procledger.domain.requisition.RequisitionEvent.RequisitionCancelled;
import com.zaxxer.hikari.HikariDataSource;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing acknowledged is lost when the writer dies mid-batch. A separate JVM ({@link Writer}) drives concurrent
 * commands (units of one to three events on a new aggregate, plus access events) through the engine's group-commit
 * writer, saying on its standard output which unit it hands in ({@code SENT}) and which the ledger acknowledged
 * ({@code ACK}) or refused ({@code FAIL}). This test kills that JVM with SIGKILL while batches are in flight, or cuts
 * the writer's database connections under it, several times over one ledger, and then checks from the database
 * itself: every acknowledged unit is there whole; every other unit is there whole or not at all; positions and each
 * tenant's ledger_seq have no gap; every tenant's chain verifies.
 */
class LedgerCrashTest {

    private static final String APPLICATION = "ledger-crash-writer";
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

    /** What a writer JVM said: units handed in (aggregate to its number of events), acknowledged, refused. */
    private record Said(Map<String, Integer> sent, Set<String> acknowledged, Set<String> refused) {
    }

    @Test
    void killedMidBatchOrCutOffFromTheDatabase_everyAcknowledgedCommandIsThereAndEveryOtherIsWholeOrAbsent()
            throws Exception {
        List<UUID> tenants = java.util.stream.Stream.generate(UUID::randomUUID).limit(TENANTS).toList();
        Map<String, Integer> sent = new HashMap<>();
        Set<String> acknowledged = new HashSet<>();
        Set<String> refused = new HashSet<>();
        for (String way : List.of("kill -9", "connections cut", "kill -9", "kill -9")) {
            Said said = run(tenants, way);
            sent.putAll(said.sent());
            acknowledged.addAll(said.acknowledged());
            refused.addAll(said.refused());
            assertThat(said.acknowledged()).as("acknowledged before the %s", way).hasSizeGreaterThan(100);
            assertThat(said.sent().size()).as("handed in but not acknowledged when the %s came", way)
                    .isGreaterThan(said.acknowledged().size());
        }

        assertKept(ledger, tenants, sent, acknowledged);
        for (String aggregate : refused) {
            assertThat(acknowledged).doesNotContain(aggregate);
        }
    }

    /**
     * What must hold of the ledger after writers died: every acknowledged unit is there whole, every other unit
     * handed in whole or not at all, nothing else; positions and each tenant's ledger_seq have no gap; every chain
     * verifies. Returns the number of events.
     */
    static long assertKept(TestLedger ledger, List<UUID> tenants, Map<String, Integer> sent, Set<String> acknowledged) {
        Map<String, Integer> stored = new HashMap<>();
        ledger.jdbc.query("SELECT aggregate_id, count(*) FROM ledger_events WHERE aggregate_id IS NOT NULL GROUP BY 1",
                rs -> {
                    stored.put(rs.getString(1), rs.getInt(2));
                });
        for (String aggregate : acknowledged) {
            assertThat(stored.get(aggregate)).as("acknowledged unit %s", aggregate).isEqualTo(sent.get(aggregate));
        }
        for (var unit : sent.entrySet()) {
            assertThat(stored.getOrDefault(unit.getKey(), 0)).as("unit %s is whole or absent", unit.getKey())
                    .isIn(0, unit.getValue());
        }
        assertThat(stored.keySet()).as("nothing in the ledger that no writer handed in").isSubsetOf(sent.keySet());

        List<Long> positions = ledger.jdbc.queryForList("SELECT global_position FROM ledger_events ORDER BY 1", Long.class);
        assertThat(positions).containsExactlyElementsOf(LongStream.rangeClosed(1, positions.size()).boxed().toList());
        assertThat(ledger.jdbc.queryForObject("SELECT last_position FROM ledger_head", Long.class))
                .isEqualTo(positions.size());
        for (UUID tenant : tenants) {
            List<Long> seqs = ledger.jdbc.queryForList("SELECT ledger_seq FROM ledger_events WHERE tenant_id = ? ORDER BY 1",
                    Long.class, tenant);
            assertThat(seqs).containsExactlyElementsOf(LongStream.rangeClosed(1, seqs.size()).boxed().toList());
            var report = LedgerEventStorageEngineTest.verifyWith(ledger, tenant);
            assertThat(report.valid()).as(report.reason()).isTrue();
            assertThat(report.events()).isEqualTo(seqs.size());
        }
        return positions.size();
    }

    /** Starts a writer JVM, lets it get going, then kills it or cuts its connections; returns what it said. */
    private Said run(List<UUID> tenants, String way) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String url = ledger.database.jdbcUrl() + (ledger.database.jdbcUrl().contains("?") ? "&" : "?")
                + "ApplicationName=" + APPLICATION;
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                Writer.class.getName(), url));
        tenants.forEach(t -> command.add(t.toString()));
        Process writer = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Map<String, Integer> sent = new HashMap<>();
        Set<String> acknowledged = new HashSet<>();
        Set<String> refused = new HashSet<>();
        try (var out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            boolean struck = false;
            int cut = 0;
            int acknowledgedWhenCut = 0;
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                String[] words = line.split(" ");
                switch (words[0]) {
                    case "SENT" -> sent.put(words[1], Integer.parseInt(words[2]));
                    case "ACK" -> acknowledged.add(words[1]);
                    case "FAIL" -> refused.add(words[1]);
                    default -> { }
                }
                if (!struck && acknowledged.size() >= 300) {
                    struck = true;
                    if (way.equals("kill -9")) {
                        writer.toHandle().destroyForcibly(); // SIGKILL: no shutdown hook, no last flush (its output is read on)
                    } else {
                        cut = cutConnections();
                        acknowledgedWhenCut = acknowledged.size();
                    }
                }
                if (cut > 0 && acknowledged.size() >= acknowledgedWhenCut + 300) {
                    writer.toHandle().destroyForcibly(); // it went on after the cut; now it dies mid-batch as well
                }
            }
        } finally {
            writer.destroyForcibly();
            assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        // the database finishes (or rolls back) what the dead writer left in flight before anything is checked
        for (int i = 0; i < 100 && activeBackends() > 0; i++) {
            Thread.sleep(100);
        }
        assertThat(activeBackends()).isZero();
        System.out.printf("%s: %d units handed in, %d acknowledged, %d refused, %d in flight%n", way, sent.size(),
                acknowledged.size(), refused.size(), sent.size() - acknowledged.size() - refused.size());
        return new Said(sent, acknowledged, refused);
    }

    /** Terminates the writer's connections (those of its pool: the group-commit writer's among them); how many. */
    private static int cutConnections() {
        int cut = ledger.jdbc.queryForList("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ?",
                Boolean.class, APPLICATION).size();
        assertThat(cut).as("connections of the writer to cut").isPositive();
        return cut;
    }

    private static int activeBackends() {
        return ledger.jdbc.queryForObject("SELECT count(*) FROM pg_stat_activity WHERE application_name = ?",
                Integer.class, APPLICATION);
    }

    /**
     * The writer JVM: 16 threads appending through the group-commit writer until killed, each unit a new aggregate
     * of one to three events (and one thread in four adding an access event to its units).
     */
    public static final class Writer {

        public static void main(String[] args) throws Exception {
            PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
                    StandardCharsets.UTF_8);
            var dataSource = new HikariDataSource();
            dataSource.setJdbcUrl(args[0]);
            dataSource.setMaximumPoolSize(8);
            var serializer = LedgerSerializer.create(com.procledger.infra.privacy.InMemoryKeyring.sealer());
            var engine = LedgerEventStorageEngine.builder().dataSource(dataSource).eventSerializer(serializer)
                    .snapshotSerializer(serializer).persistenceExceptionResolver(LedgerEventStorageEngine.duplicateKeyResolver())
                    .writer(64, 10_000, () -> 0, GroupCommit.Linger.NONE).build();
            List<UUID> tenants = java.util.Arrays.stream(args).skip(1).map(UUID::fromString).toList();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < 16; w++) {
                int writer = w;
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; ; i++) {
                        UUID tenant = tenants.get((writer + i) % tenants.size());
                        UUID aggregate = UUID.randomUUID();
                        int n = 1 + (writer + i) % 3;
                        List<EventMessage<?>> unit = new ArrayList<>();
                        for (int seq = 0; seq < n; seq++) {
                            unit.add(new GenericDomainEventMessage<>("Requisition", aggregate.toString(), seq,
                                    new RequisitionCancelled(aggregate, tenant, UUID.randomUUID(), "reason " + seq)));
                        }
                        if (writer % 4 == 0) {
                            unit.add(GenericEventMessage.asEventMessage(new AccessRecorded(tenant, "u", "u",
                                    "requisition.read", "/r/" + aggregate, null, AccessOutcome.ALLOWED, 200,
                                    "203.0.113.9", "crash-test", UUID.randomUUID().toString(), "jti")));
                        }
                        say(out, "SENT " + aggregate + " " + n);
                        try {
                            engine.appendEvents(unit);
                            say(out, "ACK " + aggregate);
                        } catch (RuntimeException e) {
                            say(out, "FAIL " + aggregate);
                        }
                    }
                }));
            }
            for (Thread thread : threads) {
                thread.join();
            }
        }

        private static void say(PrintStream out, String line) {
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        }
    }
}
