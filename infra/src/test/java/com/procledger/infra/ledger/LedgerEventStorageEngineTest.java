package com.procledger.infra.ledger;

import com.procledger.domain.requisition.RequisitionEvent.RequisitionCancelled;
import com.zaxxer.hikari.HikariDataSource;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.modelling.command.ConcurrencyException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LedgerEventStorageEngineTest {

    @TempDir
    static Path dataDir;
    static TestLedger ledger;
    static HikariDataSource dataSource;
    static JdbcTemplate jdbc;
    static TransactionTemplate tx;
    static LedgerEventStorageEngine engine;

    @BeforeAll
    static void startDatabase() {
        ledger = new TestLedger(dataDir);
        dataSource = ledger.dataSource;
        jdbc = ledger.jdbc;
        tx = ledger.tx;
        engine = ledger.engine;
    }

    @AfterAll
    static void stopDatabase() {
        ledger.close();
    }

    /** The ledger is append-only (triggers refuse TRUNCATE): each test works on its own tenants. */
    long positionBefore;

    @BeforeEach
    void notePosition() {
        positionBefore = engine.headPosition();
    }

    static List<Long> range(long fromInclusive, long count) {
        return LongStream.range(fromInclusive, fromInclusive + count).boxed().toList();
    }

    static GenericDomainEventMessage<RequisitionCancelled> event(UUID tenant, UUID aggregate, long seq) {
        return new GenericDomainEventMessage<>("Requisition", aggregate.toString(), seq,
                new RequisitionCancelled(aggregate, tenant, UUID.randomUUID(), "reason " + seq));
    }

    @Test
    void manyConcurrentWritersToOneTenant_leaveNoGapAndNoDuplicateInLedgerSeqOrPosition() throws Exception {
        UUID tenant = UUID.randomUUID();
        int writers = 16;
        int eventsEach = 40;
        ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
        var start = new CountDownLatch(1);
        var writing = new AtomicBoolean(true);
        var seenByReader = new ConcurrentLinkedQueue<Long>();
        // A tracking reader running while the writers append: with ordering and visibility in agreement it
        // must see positions one by one, never skipping one that becomes visible later.
        long start0 = positionBefore;
        Future<?> reader = pool.submit(() -> {
            long last = start0;
            while (writing.get() || last < start0 + (long) writers * eventsEach) {
                TrackingToken token = new GlobalSequenceTrackingToken(last);
                List<? extends TrackedEventMessage<?>> batch = engine.readEvents(token, false).toList();
                for (TrackedEventMessage<?> message : batch) {
                    long position = ((GlobalSequenceTrackingToken) message.trackingToken()).getGlobalIndex();
                    seenByReader.add(position);
                    last = position;
                }
            }
            return null;
        });
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            futures.add(pool.submit(() -> {
                start.await();
                UUID aggregate = UUID.randomUUID();
                for (int seq = 0; seq < eventsEach; seq++) {
                    long s = seq;
                    tx.executeWithoutResult(status -> engine.appendEvents(event(tenant, aggregate, s)));
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        writing.set(false);
        reader.get(60, TimeUnit.SECONDS);
        pool.shutdown();

        long total = (long) writers * eventsEach;
        List<Long> seqs = jdbc.queryForList(
                "SELECT ledger_seq FROM ledger_events WHERE tenant_id = ? ORDER BY ledger_seq", Long.class, tenant);
        assertThat(seqs).containsExactlyElementsOf(range(1, total));
        List<Long> positions = jdbc.queryForList(
                "SELECT global_position FROM ledger_events WHERE global_position > ? ORDER BY 1", Long.class, positionBefore);
        assertThat(positions).containsExactlyElementsOf(range(positionBefore + 1, total));
        assertThat(List.copyOf(seenByReader)).containsExactlyElementsOf(range(positionBefore + 1, total));
        // ledger_seq follows commit order within the tenant, as positions do
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM (SELECT ledger_seq, row_number() OVER (ORDER BY global_position) AS n
                                      FROM ledger_events WHERE tenant_id = ?) x WHERE ledger_seq <> n""",
                Long.class, tenant)).isZero();
        // and the hash chain is linear: every event chains from the one before
        var report = verify(tenant);
        assertThat(report.valid()).as(report.reason()).isTrue();
        assertThat(report.events()).isEqualTo(total);
    }

    @Test
    void eachTenantHasItsOwnGaplessSequence() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        UUID aggA = UUID.randomUUID();
        UUID aggB = UUID.randomUUID();
        tx.executeWithoutResult(s -> engine.appendEvents(event(a, aggA, 0), event(b, aggB, 0), event(a, aggA, 1)));
        tx.executeWithoutResult(s -> engine.appendEvents(event(b, aggB, 1)));
        var rows = jdbc.queryForList("SELECT tenant_id, ledger_seq FROM ledger_events WHERE tenant_id IN (?, ?) "
                + "ORDER BY global_position", a, b);
        assertThat(rows).extracting(r -> r.get("tenant_id") + ":" + r.get("ledger_seq"))
                .containsExactly(a + ":1", b + ":1", a + ":2", b + ":2");
    }

    @Test
    void aStaleAggregateSequenceIsRejectedAndLeavesNoTrace() {
        UUID tenant = UUID.randomUUID();
        UUID aggregate = UUID.randomUUID();
        tx.executeWithoutResult(s -> engine.appendEvents(event(tenant, aggregate, 0), event(tenant, aggregate, 1)));
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> engine.appendEvents(event(tenant, aggregate, 1))))
                .isInstanceOf(ConcurrencyException.class);
        tx.executeWithoutResult(s -> engine.appendEvents(event(tenant, aggregate, 2)));
        assertThat(jdbc.queryForList("SELECT ledger_seq FROM ledger_events WHERE tenant_id = ? ORDER BY 1", Long.class, tenant))
                .containsExactly(1L, 2L, 3L);
        assertThat(engine.headPosition()).isEqualTo(positionBefore + 3);
        assertThat(verify(tenant).valid()).isTrue();
    }

    @Test
    void eventsReadBackCarryTheirLedgerSequenceAndAStableTypeName() {
        UUID tenant = UUID.randomUUID();
        UUID aggregate = UUID.randomUUID();
        tx.executeWithoutResult(s -> engine.appendEvents(event(tenant, aggregate, 0).andMetaData(
                java.util.Map.of("actor", "ann", "ledgerSeq", 999))));

        assertThat(jdbc.queryForObject("SELECT event_type FROM ledger_events WHERE tenant_id = ?", String.class, tenant))
                .isEqualTo("RequisitionCancelled");
        var read = engine.readEvents(aggregate.toString()).asStream().toList();
        assertThat(read).singleElement().satisfies(message -> {
            assertThat(message.getPayload()).isInstanceOf(RequisitionCancelled.class);
            assertThat(message.getMetaData()).containsEntry("actor", "ann");
            assertThat(((Number) message.getMetaData().get("ledgerSeq")).longValue()).isEqualTo(1L);
            assertThat(message.getMetaData()).containsEntry("tenantId", tenant.toString());
        });
        assertThat(engine.lastSequenceNumberFor(aggregate.toString())).contains(0L);
        assertThat(engine.createHeadToken()).isEqualTo(new GlobalSequenceTrackingToken(positionBefore + 1));
    }

    @Test
    void anEventWithoutTenantIsRefused() {
        var orphan = new GenericDomainEventMessage<>("Thing", "x", 0, "not tenant scoped");
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> engine.appendEvents(orphan)))
                .hasMessageContaining("names no tenant");
        assertThat(engine.headPosition()).isEqualTo(positionBefore);
    }

    @Test
    void linksReadAsRawBytesAreTheCanonicalFieldsOfTheRecords() throws Exception {
        UUID tenant = UUID.randomUUID();
        UUID aggregate = UUID.randomUUID();
        tx.executeWithoutResult(s -> engine.appendEvents(
                new GenericDomainEventMessage<>("Requisition", aggregate.toString(), 0,
                        new RequisitionCancelled(aggregate, tenant, UUID.randomUUID(), "Bürostühle — 5 € \"quoted\" \u2028")),
                // not from an aggregate: aggregate type, id and sequence are null
                new org.axonframework.eventhandling.GenericEventMessage<>(
                        new RequisitionCancelled(aggregate, tenant, UUID.randomUUID(), "日本語"))));

        var records = new ArrayList<LedgerRecord>();
        var links = new ArrayList<ChainLink>();
        new LedgerReader(dataSource).inSnapshot(snapshot -> {
            snapshot.forEach(tenant, 1, Long.MAX_VALUE, records::add);
            return snapshot.forEachLink(tenant, 1, Long.MAX_VALUE, links::add);
        });

        assertThat(links).hasSize(2);
        assertThat(records.get(1).aggregateSeq()).isNull();
        for (int i = 0; i < links.size(); i++) {
            ChainLink expected = ChainLink.of(records.get(i));
            assertThat(links.get(i).ledgerSeq()).isEqualTo(expected.ledgerSeq());
            assertThat(links.get(i).fields()).isDeepEqualTo(expected.fields());
            assertThat(links.get(i).prevHash()).isEqualTo(expected.prevHash());
            assertThat(links.get(i).hash()).isEqualTo(expected.hash());
        }
        assertThat(verify(tenant).valid()).isTrue();
    }

    static ChainVerifier.Report verify(UUID tenant) {
        return verifyWith(ledger, tenant);
    }

    static ChainVerifier.Report verifyWith(TestLedger ledger, UUID tenant) {
        try {
            return new LedgerReader(ledger.dataSource).inSnapshot(snapshot -> {
                var verifier = new ChainVerifier(List.of(), LedgerSigner.generate().publicKey());
                snapshot.forEach(tenant, 1, Long.MAX_VALUE, verifier::accept);
                return verifier.finish(snapshot.headSeq(tenant));
            });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void metadataGetsLedgerFieldsWithoutParsing() {
        assertThat(LedgerEventStorageEngine.withLedgerFields("{}", 7, "t"))
                .isEqualTo("{\"ledgerSeq\":7,\"tenantId\":\"t\"}");
        assertThat(LedgerEventStorageEngine.withLedgerFields("{\"a\":1}", 7, "t"))
                .isEqualTo("{\"ledgerSeq\":7,\"tenantId\":\"t\",\"a\":1}");
    }


    static org.axonframework.eventhandling.GenericEventMessage<com.procledger.domain.access.AccessEvent.AccessRecorded> access(
            UUID tenant, String resource) {
        return new org.axonframework.eventhandling.GenericEventMessage<>(new com.procledger.domain.access.AccessEvent.AccessRecorded(
                tenant, "u1", "u1", "requisition.read", resource, null, com.procledger.domain.access.AccessEvent.AccessOutcome.ALLOWED,
                200, "203.0.113.9", "test \"quoted\" \\ {braces}, commas", UUID.randomUUID().toString(), "jti"));
    }

    long rows(UUID tenant) {
        return jdbc.queryForObject("SELECT count(*) FROM ledger_events WHERE tenant_id = ?", Long.class, tenant);
    }

    @Test
    void aOneStatementAppendFollowsOnlyFromAHeadTheEngineKnowsForSure() {
        UUID tenant = UUID.randomUUID();
        assertThat(committed(List.of(access(tenant, "/unknown-tenant"))))
                .as("a tenant this engine has not appended to yet: its head is read with the ledger's, in one snapshot")
                .isTrue();
        assertThat(rows(tenant)).isEqualTo(1);

        tx.executeWithoutResult(status -> engine.appendEvents(access(tenant, "/first")));
        assertThat(tx.<Boolean>execute(status -> committed(List.of(access(tenant, "/in-a-transaction")))))
                .as("inside a transaction it would not be committed on return").isFalse();
        assertThat(committed(List.of(access(tenant, "/2"), access(tenant, "/3")))).isTrue();
        assertThat(rows(tenant)).isEqualTo(4);

        // another instance of the service appends to the same ledger: this engine's knowledge is stale
        var otherSerializer = LedgerSerializer.create(com.procledger.infra.privacy.InMemoryKeyring.sealer());
        var otherInstance = LedgerEventStorageEngine.builder().dataSource(dataSource).eventSerializer(otherSerializer)
                .snapshotSerializer(otherSerializer).batchSize(500).build();
        tx.executeWithoutResult(status -> otherInstance.appendEvents(access(tenant, "/elsewhere")));
        otherInstance.close();
        assertThat(committed(List.of(access(tenant, "/stale")))).as("the head moved").isFalse();
        assertThat(rows(tenant)).as("nothing written by the refused statement").isEqualTo(5);

        // the refusal made it forget: the next one reads the heads again; a rolled-back append teaches nothing
        assertThat(committed(List.of(access(tenant, "/relearnt")))).isTrue();
        tx.executeWithoutResult(status -> {
            engine.appendEvents(access(tenant, "/rolled-back"));
            status.setRollbackOnly();
        });
        UUID other = UUID.randomUUID();
        assertThat(committed(List.of(access(tenant, "/6"), access(other, "/new-tenant"))))
                .as("the new tenant's head is read, and agrees with what is known").isTrue();
        assertThat(committed(List.of(access(tenant, "/7"), access(other, "/again")))).isTrue();

        assertThat(jdbc.queryForList("SELECT ledger_seq FROM ledger_events WHERE tenant_id = ? ORDER BY global_position",
                Long.class, tenant)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        assertThat(jdbc.queryForList("SELECT payload::json->>'resource' FROM ledger_events WHERE tenant_id = ? ORDER BY ledger_seq",
                String.class, tenant)).containsExactly("/unknown-tenant", "/first", "/2", "/3", "/elsewhere", "/relearnt",
                "/6", "/7");
        assertThat(jdbc.queryForList("SELECT ledger_seq FROM ledger_events WHERE tenant_id = ? ORDER BY global_position",
                Long.class, other)).containsExactly(1L, 2L);
        assertThat(jdbc.queryForObject("SELECT last_seq FROM ledger_tenant_heads WHERE tenant_id = ?", Long.class, tenant))
                .isEqualTo(8);
        assertThat(jdbc.queryForObject("SELECT last_position FROM ledger_head", Long.class))
                .isEqualTo(jdbc.queryForObject("SELECT max(global_position) FROM ledger_events", Long.class));
        var report = verify(tenant);
        assertThat(report.valid()).as(report.reason()).isTrue();
        assertThat(report.events()).isEqualTo(8);
        assertThat(verify(other).valid()).isTrue();

        // what the one statement stored reads back exactly as an ordinary append's events do
        var stored = jdbc.queryForMap("""
                SELECT event_type, aggregate_id, aggregate_seq, metadata::text AS metadata, payload::text AS payload,
                       occurred_at FROM ledger_events WHERE tenant_id = ? AND ledger_seq = 8""", tenant);
        assertThat(stored.get("event_type")).isEqualTo("AccessRecorded");
        assertThat(stored.get("aggregate_id")).isNull();
        assertThat(stored.get("aggregate_seq")).isNull();
        // the user agent (personal data) is stored sealed: its JSON-hostile characters are inside the ciphertext
        assertThat((String) stored.get("payload")).contains("\"resource\":\"/7\"")
                .contains("\"userAgent\":\"sealed:v1:").doesNotContain("braces");
    }

    @Test
    void aOneStatementAppendStoresSmallAndLargeBatchesAlikeEachValueAsHandedIn() {
        UUID tenant = UUID.randomUUID();
        for (int size : new int[]{1, 16, 17, 120}) { // values as parameters up to 16 events, as text arrays above
            var events = new ArrayList<org.axonframework.eventhandling.EventMessage<?>>();
            for (int i = 0; i < size; i++) {
                events.add(access(tenant, "/batch-of-" + size + "/" + i));
            }
            assertThat(committed(events)).as("%d events", size).isTrue();
            assertThat(jdbc.queryForList("""
                    SELECT payload::json->>'resource' FROM ledger_events WHERE tenant_id = ? AND payload::json->>'resource' LIKE ?
                    ORDER BY ledger_seq""", String.class, tenant, "/batch-of-" + size + "/%"))
                    .containsExactlyElementsOf(events.stream().map(e -> ((com.procledger.domain.access.AccessEvent.AccessRecorded) e.getPayload()).resource()).toList());
        }
        var report = verify(tenant);
        assertThat(report.valid()).as(report.reason()).isTrue();
        assertThat(report.events()).isEqualTo(1 + 16 + 17 + 120);
    }

    @Test
    void oneStatementAppendsAndTransactionsRacingForOneTenantLeaveOneGaplessValidChain() throws Exception {
        UUID tenant = UUID.randomUUID();
        int each = 60;
        try (var groupCommit = new GroupCommit(engine, tx, 16, 10_000)) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int writer = w;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        groupCommit.append(access(tenant, "/group/" + writer + "/" + i), java.time.Duration.ofSeconds(10))
                                .get(30, TimeUnit.SECONDS);
                    }
                    return null;
                }));
                futures.add(pool.submit(() -> {
                    UUID aggregate = UUID.randomUUID();
                    for (int i = 0; i < each; i++) {
                        long s = i;
                        tx.executeWithoutResult(status -> engine.appendEvents(event(tenant, aggregate, s)));
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
        }
        long total = 8L * each;
        assertThat(jdbc.queryForList("SELECT ledger_seq FROM ledger_events WHERE tenant_id = ? ORDER BY global_position",
                Long.class, tenant)).containsExactlyElementsOf(range(1, total));
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT global_position) FROM ledger_events WHERE tenant_id = ?",
                Long.class, tenant)).isEqualTo(total);
        var report = verify(tenant);
        assertThat(report.valid()).as(report.reason()).isTrue();
        assertThat(report.events()).isEqualTo(total);
    }

    @Test
    void eventsCommittedWithoutTheirFlushAreShownToReadersByPositionOnlyOncePublished() {
        UUID tenant = UUID.randomUUID();
        long before = engine.headPosition();
        assertThat(engine.appendCommitted(List.of(engine.prepare(List.of(access(tenant, "/a"), access(tenant, "/b")))),
                false)).isEqualTo(before);
        assertThat(rows(tenant)).as("committed").isEqualTo(2);
        assertThat(engine.headPosition()).as("not published").isEqualTo(before);
        assertThat(engine.createHeadToken()).isEqualTo(new GlobalSequenceTrackingToken(before));
        assertThat(engine.readEvents(new GlobalSequenceTrackingToken(before), false).toList()).isEmpty();

        engine.publish(before + 2);
        assertThat(engine.headPosition()).isEqualTo(before + 2);
        assertThat(engine.readEvents(new GlobalSequenceTrackingToken(before), false)
                .map(m -> ((GlobalSequenceTrackingToken) m.trackingToken()).getGlobalIndex()).toList())
                .containsExactly(before + 1, before + 2);
        engine.publish(before + 1);
        assertThat(engine.headPosition()).as("publication never moves back").isEqualTo(before + 2);

        // an append in a transaction holds the head, so everything before it is committed: it publishes it all
        assertThat(engine.appendCommitted(List.of(engine.prepare(List.of(access(tenant, "/c")))), false))
                .isEqualTo(before + 2);
        assertThat(engine.headPosition()).isEqualTo(before + 2);
        tx.executeWithoutResult(status -> engine.appendEvents(access(tenant, "/d")));
        assertThat(engine.headPosition()).isEqualTo(before + 4);

        // what a stopped writer committed but did not publish is published when the ledger starts again
        assertThat(engine.appendCommitted(List.of(engine.prepare(List.of(access(tenant, "/e")))), false))
                .isEqualTo(before + 4);
        assertThat(engine.headPosition()).isEqualTo(before + 4);
        engine.publishHead();
        assertThat(engine.headPosition()).isEqualTo(before + 5);
        assertThat(verify(tenant).valid()).isTrue();
    }

    @Test
    void theBusinessStreamLeavesOutAccessEvents() {
        UUID tenant = UUID.randomUUID();
        UUID aggregate = UUID.randomUUID();
        long before = engine.headPosition();
        tx.executeWithoutResult(status -> engine.appendEvents(List.of(access(tenant, "/a1"), event(tenant, aggregate, 0),
                access(tenant, "/a2"), access(tenant, "/a3"), event(tenant, aggregate, 1), access(tenant, "/a4"))));
        var serializer = LedgerSerializer.create(com.procledger.infra.privacy.InMemoryKeyring.sealer());
        java.util.function.Function<LedgerEventStorageEngine.Tracked, LedgerEventStorageEngine> engineFor = tracked ->
                LedgerEventStorageEngine.builder().dataSource(dataSource).eventSerializer(serializer)
                        .snapshotSerializer(serializer).batchSize(2).tracked(tracked).build();
        java.util.function.Function<LedgerEventStorageEngine.Tracked, List<Long>> positions = tracked -> engineFor.apply(tracked)
                .readEvents(new GlobalSequenceTrackingToken(before), false)
                .map(m -> ((GlobalSequenceTrackingToken) m.trackingToken()).getGlobalIndex()).toList();

        assertThat(positions.apply(LedgerEventStorageEngine.Tracked.ALL)).containsExactlyElementsOf(range(before + 1, 6));
        assertThat(positions.apply(LedgerEventStorageEngine.Tracked.BUSINESS)).containsExactly(before + 2, before + 5);
        assertThat(engine.headPosition(LedgerEventStorageEngine.Tracked.BUSINESS)).isEqualTo(before + 5);
        assertThat(engine.headPosition(LedgerEventStorageEngine.Tracked.ALL)).isEqualTo(before + 6);
        // the business stream has an index of its own, so that it need not step over every access event
        assertThat(jdbc.queryForObject("SELECT indexdef FROM pg_indexes WHERE indexname = 'ledger_events_business'",
                String.class)).contains("(global_position)").contains("WHERE", "event_type", "AccessRecorded");
    }

    /** Whether the engine's one-statement append committed these events as one unit. */
    /** The writer's one-statement append, then its publication (as the writer's publisher does). */
    private static boolean committed(List<? extends org.axonframework.eventhandling.EventMessage<?>> events) {
        if (engine.appendCommitted(List.of(engine.prepare(events))) < 0) {
            return false;
        }
        engine.publish(jdbc.queryForObject("SELECT last_position FROM ledger_head", Long.class));
        return true;
    }

}
