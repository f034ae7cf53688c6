package com.procledger.infra.ledger;

import com.procledger.domain.access.AccessEvent.AccessOutcome;
import com.procledger.domain.access.AccessEvent.AccessRecorded;
import org.axonframework.eventhandling.GenericEventMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GroupCommitTest {

    @TempDir
    static Path dataDir;
    static TestLedger ledger;
    static GroupCommit groupCommit;

    @BeforeAll
    static void start() {
        ledger = new TestLedger(dataDir);
        groupCommit = new GroupCommit(ledger.engine, ledger.tx, 256, 10_000);
    }

    @AfterAll
    static void stop() {
        groupCommit.close();
        ledger.close();
    }

    /** How many transactions wrote the tenant's events. */
    static long commitsOf(UUID tenant) {
        return ledger.jdbc.queryForObject("SELECT count(DISTINCT xmin::text) FROM ledger_events WHERE tenant_id = ?",
                Long.class, tenant);
    }

    /**
     * Hands in {@code first} and checks that the lingering writer holds it, then {@code release}s it and hands in
     * {@code next}: the future completes when both are committed.
     */
    private static CompletableFuture<Void> heldForTheNext(GroupCommit lingering, UUID tenant, String first,
                                                          String held, Runnable release, String next)
            throws InterruptedException {
        CompletableFuture<Long> firstCommitted = lingering.append(access(tenant, first), Duration.ofSeconds(5));
        Thread.sleep(300);
        assertThat(firstCommitted).as(held).isNotDone();
        release.run();
        CompletableFuture<Long> nextCommitted = lingering.append(access(tenant, next), Duration.ofSeconds(5));
        return CompletableFuture.allOf(firstCommitted, nextCommitted);
    }

    static GenericEventMessage<AccessRecorded> access(UUID tenant, String resource) {
        return new GenericEventMessage<>(new AccessRecorded(tenant, "u1", "u1", "requisition.read", resource, null,
                AccessOutcome.ALLOWED, 200, "203.0.113.9", "test", UUID.randomUUID().toString(), "jti"));
    }

    @Test
    void whileMoreEventsAreComingABatchLingersForThemAndALoneEventIsCommittedAtOnce() throws Exception {
        UUID tenant = UUID.randomUUID();
        var coming = new AtomicInteger(1);
        try (var lingering = new GroupCommit(ledger.engine, ledger.tx, 256, 10_000, coming::get,
                new GroupCommit.Linger(Duration.ofSeconds(20), 2, 1))) {
            long start = System.nanoTime();
            heldForTheNext(lingering, tenant, "/first", "waits for the event on its way", () -> coming.set(0), "/second")
                    .get(30, TimeUnit.SECONDS);
            assertThat(commitsOf(tenant)).as("one transaction for both").isEqualTo(1);

            // nothing else coming: committed at once, not after the 20 s linger
            lingering.append(access(tenant, "/alone"), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
            // more coming, but the batch is as big as it needs to be (two, here): no waiting either
            coming.set(1);
            List<CompletableFuture<Long>> pair = new ArrayList<>();
            var gate = new CountDownLatch(1);
            ExecutorService two = Executors.newFixedThreadPool(2);
            for (String resource : List.of("/pair/1", "/pair/2")) {
                pair.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        gate.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return lingering.append(access(tenant, resource), Duration.ofSeconds(5));
                }, two).thenCompose(f -> f));
            }
            long pairStart = System.nanoTime();
            gate.countDown();
            CompletableFuture.allOf(pair.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - pairStart)).as("not the 20 s linger").isLessThan(Duration.ofSeconds(10));
            two.shutdown();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        }
    }

    @Test
    void aBatchLingersOnlyWhileEnoughRequestsAreUnderwayToKeepTheCoresBusy() throws Exception {
        UUID tenant = UUID.randomUUID();
        var coming = new AtomicInteger(2);
        try (var lingering = new GroupCommit(ledger.engine, ledger.tx, 256, 10_000, coming::get,
                new GroupCommit.Linger(Duration.ofSeconds(20), 8, 3))) {
            // two under way, fewer than the three it takes: waiting would idle the cores, so no linger
            lingering.append(access(tenant, "/two-underway"), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);

            coming.set(3);
            // one of them hands in its event and the rest fall below the threshold: that caller wakes the writer
            heldForTheNext(lingering, tenant, "/three-underway", "three under way: the batch waits for their events",
                    () -> coming.set(2), "/second").get(10, TimeUnit.SECONDS);
        }
        assertThat(ledger.jdbc.queryForList("""
                SELECT payload->>'resource' FROM ledger_events WHERE tenant_id = ?
                GROUP BY xmin::text, payload->>'resource' ORDER BY min(ledger_seq)""", String.class, tenant))
                .containsExactly("/two-underway", "/three-underway", "/second");
        assertThat(commitsOf(tenant)).as("the lone event alone, the lingering batch together").isEqualTo(2);
    }

    @Test
    void aChangedLingerHoldsFromTheNextBatchOn() throws Exception {
        UUID tenant = UUID.randomUUID();
        try (var lingering = new GroupCommit(ledger.engine, ledger.tx, 256, 10_000, () -> 5,
                new GroupCommit.Linger(Duration.ofSeconds(20), 8, 1))) {
            lingering.linger(GroupCommit.Linger.NONE);
            long start = System.nanoTime();
            lingering.append(access(tenant, "/at-once"), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not the 20 s linger").isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void aLingerIsRefusedWhenItCouldNeverBeSatisfied() {
        assertThatThrownBy(() -> new GroupCommit.Linger(Duration.ofMillis(2), 32, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GroupCommit.Linger(Duration.ofMillis(-1), 32, 2))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eventsFromManyThreadsAreCommittedTogetherAndEachCallerWaitsForItsOwn() throws Exception {
        UUID tenant = UUID.randomUUID();
        int threads = 16;
        int perThread = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                for (int i = 0; i < perThread; i++) {
                    String resource = "/r/" + thread + "/" + i;
                    groupCommit.append(access(tenant, resource), Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS);
                    // completed means committed: another connection sees it now
                    assertThat(ledger.jdbc.queryForObject("SELECT count(*) FROM ledger_events WHERE tenant_id = ? "
                            + "AND payload->>'resource' = ?", Long.class, tenant, resource)).isEqualTo(1);
                }
                return null;
            }));
        }
        for (Future<?> future : futures) {
            future.get();
        }
        pool.shutdown();

        int events = threads * perThread;
        assertThat(ledger.jdbc.queryForList("SELECT ledger_seq FROM ledger_events WHERE tenant_id = ? ORDER BY 1",
                Long.class, tenant)).hasSize(events).first().isEqualTo(1L);
        long transactions = commitsOf(tenant);
        assertThat(transactions).as("transactions for %d events", events).isLessThan(events);
        assertThat(LedgerEventStorageEngineTest.verifyWith(ledger, tenant).valid()).isTrue();
    }

    @Test
    void anEventThatCannotBeStoredIsRefusedOnTheCallersThreadAndNeverReachesABatch() {
        assertThatThrownBy(() -> groupCommit.append(new GenericEventMessage<>("no tenant"), Duration.ofSeconds(5)))
                .hasMessageContaining("names no tenant");
    }

    @Test
    void aUnitTheDatabaseRefusesFailsAloneAndTheRestOfItsBatchIsCommitted() throws Exception {
        UUID tenant = UUID.randomUUID();
        var first = access(tenant, "/first");
        groupCommit.append(first, Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS);
        var good = new ArrayList<CompletableFuture<Long>>();
        CompletableFuture<Long> bad = null;
        for (int i = 0; i < 50; i++) {
            good.add(groupCommit.append(access(tenant, "/ok/" + i), Duration.ofSeconds(5)));
            if (i == 25) { // the same event identifier again: the ledger's unique event_id refuses it
                bad = groupCommit.append(new GenericEventMessage<>(new org.axonframework.messaging.GenericMessage<>(
                        first.getIdentifier(), first.getPayload(), first.getMetaData()), java.time.Instant::now),
                        Duration.ofSeconds(5));
            }
        }
        CompletableFuture.allOf(good.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        CompletableFuture<Long> refused = bad;
        assertThatThrownBy(() -> refused.get(30, TimeUnit.SECONDS)).hasStackTraceContaining("ledger_events_event_id");
        assertThat(ledger.jdbc.queryForObject("SELECT count(*) FROM ledger_events WHERE tenant_id = ?", Long.class, tenant))
                .isEqualTo(51);
        assertThat(LedgerEventStorageEngineTest.verifyWith(ledger, tenant).valid()).isTrue();
    }

    @Test
    void onlyTheStaleCommandOfABatchFailsItsNeighboursCommitAndTheirPositionsAreTheirOwn() throws Exception {
        UUID tenant = UUID.randomUUID();
        UUID aggregate = UUID.randomUUID();
        groupCommit.append(engine().prepare(List.of(requisition(tenant, aggregate, 0))), Duration.ofSeconds(5))
                .get(30, TimeUnit.SECONDS);
        // one lingering batch: a command that read the aggregate before sequence 0 was written (stale against the
        // ledger), two that both read it at 0 (the second is stale against the first), and neighbours
        var futures = new java.util.LinkedHashMap<String, CompletableFuture<Long>>();
        var coming = new AtomicInteger(10);
        var winner = requisition(tenant, aggregate, 1);
        try (var lingering = new GroupCommit(ledger.engine, ledger.tx, 256, 10_000, coming::get,
                new GroupCommit.Linger(Duration.ofSeconds(20), 7, 1))) {
            UUID other = UUID.randomUUID();
            futures.put("neighbour 1", lingering.append(access(tenant, "/n1"), Duration.ofSeconds(5)));
            futures.put("stale against the ledger", lingering.append(engine().prepare(List.of(
                    requisition(tenant, aggregate, 0), requisition(tenant, aggregate, 1))), Duration.ofSeconds(5)));
            futures.put("winner", lingering.append(engine().prepare(List.of(winner)), Duration.ofSeconds(5)));
            futures.put("loser", lingering.append(engine().prepare(List.of(requisition(tenant, aggregate, 1),
                    requisition(tenant, aggregate, 2))), Duration.ofSeconds(5)));
            futures.put("new aggregate", lingering.append(engine().prepare(List.of(requisition(tenant, other, 0),
                    requisition(tenant, other, 1))), Duration.ofSeconds(5)));
            futures.put("neighbour 2", lingering.append(access(tenant, "/n2"), Duration.ofSeconds(5)));
            futures.put("neighbour 3", lingering.append(access(UUID.randomUUID(), "/n3"), Duration.ofSeconds(5)));
            for (var entry : futures.entrySet()) {
                if (entry.getKey().startsWith("stale") || entry.getKey().equals("loser")) {
                    assertThatThrownBy(() -> entry.getValue().get(30, TimeUnit.SECONDS)).as(entry.getKey())
                            .hasCauseInstanceOf(LedgerEventStorageEngine.StaleAggregate.class);
                } else {
                    assertThat(entry.getValue().get(30, TimeUnit.SECONDS)).as(entry.getKey()).isPositive();
                }
            }
        }
        assertThat(ledger.jdbc.queryForObject("SELECT count(DISTINCT xmin::text) FROM ledger_events WHERE global_position "
                        + "BETWEEN ? AND ?", Long.class, futures.get("neighbour 1").get(), futures.get("neighbour 3").get()))
                .as("the batch was one commit").isEqualTo(1);
        assertThat(ledger.jdbc.queryForList("SELECT aggregate_seq FROM ledger_events WHERE aggregate_id = ? ORDER BY 1",
                Long.class, aggregate.toString())).containsExactly(0L, 1L);
        assertThat(ledger.jdbc.queryForObject("SELECT event_id FROM ledger_events WHERE global_position = ?",
                String.class, futures.get("winner").get())).isEqualTo(winner.getIdentifier());
        assertThat(ledger.jdbc.queryForObject("SELECT payload::json->>'resource' FROM ledger_events WHERE global_position = ?",
                String.class, futures.get("neighbour 2").get())).isEqualTo("/n2");
        assertThat(ledger.jdbc.queryForList("SELECT ledger_seq FROM ledger_events WHERE tenant_id = ? ORDER BY 1",
                Long.class, tenant)).as("gapless").containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(LedgerEventStorageEngineTest.verifyWith(ledger, tenant).valid()).isTrue();
    }

    private static LedgerEventStorageEngine engine() {
        return ledger.engine;
    }

    static org.axonframework.eventhandling.DomainEventMessage<?> requisition(UUID tenant, UUID aggregate, long seq) {
        return LedgerEventStorageEngineTest.event(tenant, aggregate, seq);
    }
}
