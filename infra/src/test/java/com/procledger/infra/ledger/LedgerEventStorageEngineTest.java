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
        ledger = new TestLedger(dataDir, true);
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

}
