package com.procledger.infra.ledger;

import com.procledger.domain.requisition.RequisitionEvent.RequisitionCancelled;
import com.zaxxer.hikari.HikariDataSource;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.file.Path;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a database superuser could do to the ledger behind our back, and that each change is caught, naming the
 * ledger_seq where the chain first breaks.
 */
class LedgerTamperTest {

    @TempDir
    static Path dataDir;
    static TestLedger ledger;
    static HikariDataSource dataSource;
    static JdbcTemplate jdbc;
    static TransactionTemplate tx;
    static LedgerEventStorageEngine engine;
    static LedgerSigner signer = LedgerSigner.generate();
    static LedgerCheckpoints checkpoints;

    @BeforeAll
    static void start() {
        ledger = new TestLedger(dataDir);
        dataSource = ledger.dataSource;
        jdbc = ledger.jdbc;
        tx = ledger.tx;
        engine = ledger.engine;
        checkpoints = new LedgerCheckpoints(dataSource, signer, Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        ledger.close();
    }

    /** A tenant with {@code n} events (ledger_seq 1..n), written one transaction at a time. */
    static UUID chainOf(int n) {
        UUID tenant = UUID.randomUUID();
        UUID aggregate = UUID.randomUUID();
        for (int seq = 0; seq < n; seq++) {
            long s = seq;
            tx.executeWithoutResult(status -> engine.appendEvents(new GenericDomainEventMessage<>("Requisition",
                    aggregate.toString(), s, new RequisitionCancelled(aggregate, tenant, UUID.randomUUID(), "reason " + s))));
        }
        return tenant;
    }

    /** Runs statements with the append-only triggers bypassed, as a superuser could. */
    static void asSuperuser(String... statements) {
        jdbc.execute((ConnectionCallback<Void>) connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET session_replication_role = replica");
                for (String sql : statements) {
                    statement.execute(sql);
                }
                statement.execute("SET session_replication_role = DEFAULT");
            }
            return null;
        });
    }

    /**
     * Verifies in one pass, and again cut into three ranges read in parallel (as long ledgers are): both must find
     * the same first invalid ledger_seq, wherever the damage falls relative to the ranges' edges.
     */
    static ChainVerifier.Report verify(UUID tenant) throws Exception {
        var reader = new LedgerReader(dataSource);
        var onePass = reader.inSnapshot(snapshot -> PipelinedVerification.run(snapshot, tenant,
                new ChainVerifier(checkpoints.all(tenant), signer.publicKey()), 1));
        var inRanges = reader.inSnapshot(snapshot -> PipelinedVerification.run(snapshot, tenant,
                new ChainVerifier(checkpoints.all(tenant), signer.publicKey()), 3));
        assertThat(inRanges).usingRecursiveComparison().ignoringFields("reason").isEqualTo(onePass);
        return onePass;
    }

    static String where(UUID tenant, long seq) {
        return " WHERE tenant_id = '" + tenant + "' AND ledger_seq = " + seq;
    }

    @Test
    void anUntouchedLedgerVerifiesWithItsCheckpoints() throws Exception {
        UUID tenant = chainOf(10);
        checkpoints.take(tenant);
        chainOf(1);
        var report = verify(tenant);
        assertThat(report.valid()).as(report.reason()).isTrue();
        assertThat(report.events()).isEqualTo(10);
        assertThat(report.headSeq()).isEqualTo(10);
        assertThat(report.checkpointsMatched()).isEqualTo(1);
        assertThat(report.headHash()).isEqualTo(LedgerHashing.hex(checkpoints.latest(tenant).orElseThrow().headHash()));
    }

    @Test
    void theDatabaseRefusesUpdateDeleteAndTruncateOfLedgerRows() {
        UUID tenant = chainOf(3);
        checkpoints.take(tenant);
        assertThatThrownBy(() -> jdbc.update("UPDATE ledger_events SET payload = '{}'" + where(tenant, 2)))
                .hasStackTraceContaining("append-only");
        assertThatThrownBy(() -> jdbc.update("DELETE FROM ledger_events" + where(tenant, 2)))
                .hasStackTraceContaining("append-only");
        assertThatThrownBy(() -> jdbc.execute("TRUNCATE ledger_events")).hasStackTraceContaining("append-only");
        assertThatThrownBy(() -> jdbc.update("DELETE FROM ledger_checkpoints WHERE tenant_id = ?", tenant))
                .hasStackTraceContaining("append-only");
        assertThatThrownBy(() -> jdbc.update("UPDATE ledger_checkpoints SET ledger_seq = 1 WHERE tenant_id = ?", tenant))
                .hasStackTraceContaining("append-only");
        assertThatThrownBy(() -> jdbc.execute("TRUNCATE ledger_checkpoints")).hasStackTraceContaining("append-only");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM ledger_events WHERE tenant_id = ?", Long.class, tenant))
                .isEqualTo(3);
    }

    @Test
    void aPayloadChangedByASuperuserIsCaughtAtItsSequence() throws Exception {
        UUID tenant = chainOf(10);
        asSuperuser("UPDATE ledger_events SET payload = jsonb_set(payload::jsonb, '{reason}', '\"reason 7\"')::json"
                + where(tenant, 7));
        var report = verify(tenant);
        assertThat(report.valid()).isFalse();
        assertThat(report.firstInvalidSeq()).isEqualTo(7);
        assertThat(report.reason()).contains("content was changed");
    }

    @Test
    void aDeletedRowIsCaughtAtItsSequence() throws Exception {
        UUID tenant = chainOf(10);
        asSuperuser("DELETE FROM ledger_events" + where(tenant, 4));
        var report = verify(tenant);
        assertThat(report.firstInvalidSeq()).isEqualTo(4);
        assertThat(report.reason()).contains("missing");
    }

    @Test
    void aDeletedLastRowIsCaughtByTheTenantHead() throws Exception {
        UUID tenant = chainOf(5);
        asSuperuser("DELETE FROM ledger_events" + where(tenant, 5));
        assertThat(verify(tenant).firstInvalidSeq()).isEqualTo(5);
    }

    @Test
    void twoSwappedRowsAreCaughtAtTheFirst() throws Exception {
        UUID tenant = chainOf(10);
        asSuperuser(
                "UPDATE ledger_events SET ledger_seq = 1000005" + where(tenant, 5),
                "UPDATE ledger_events SET ledger_seq = 5" + where(tenant, 6),
                "UPDATE ledger_events SET ledger_seq = 6" + where(tenant, 1000005));
        var report = verify(tenant);
        assertThat(report.firstInvalidSeq()).isEqualTo(5);
    }

    @Test
    void aRowInsertedMidChainIsCaughtAtItsSequence() throws Exception {
        UUID tenant = chainOf(10);
        // make room at 4, then put a copy of event 8 there (it names event 7 as its predecessor, not event 3)
        asSuperuser(
                "UPDATE ledger_events SET ledger_seq = ledger_seq + 1000000 WHERE tenant_id = '" + tenant + "' AND ledger_seq >= 4",
                "UPDATE ledger_events SET ledger_seq = ledger_seq - 999999 WHERE tenant_id = '" + tenant + "' AND ledger_seq > 1000000",
                "INSERT INTO ledger_events (global_position, tenant_id, ledger_seq, event_id, aggregate_type, aggregate_id, "
                        + "aggregate_seq, event_type, event_revision, occurred_at, metadata, payload, prev_hash, hash) "
                        + "SELECT global_position + 900000000, tenant_id, 4, event_id || '-forged', aggregate_type, "
                        + "aggregate_id || '-forged', aggregate_seq, event_type, event_revision, occurred_at, metadata, "
                        + "payload, prev_hash, hash FROM ledger_events" + where(tenant, 9));
        var report = verify(tenant);
        assertThat(report.firstInvalidSeq()).isEqualTo(4);
        assertThat(report.reason()).contains("does not chain");
    }

    @Test
    void aChainRecomputedConsistentlyAfterACheckpointIsCaughtByTheCheckpoint() throws Exception {
        UUID tenant = chainOf(12);
        long checkpointSeq = checkpoints.take(tenant).orElseThrow().checkpoint().ledgerSeq();
        assertThat(checkpointSeq).isEqualTo(12);
        // rewrite event 6 and recompute every hash after it, as someone who knows the format could
        asSuperuser("UPDATE ledger_events SET payload = jsonb_set(payload::jsonb, '{reason}', '\"reason X\"')::json"
                + where(tenant, 6));
        rechain(tenant, 6, 12, jdbc.queryForObject("SELECT hash FROM ledger_events" + where(tenant, 5), byte[].class));
        var report = verify(tenant);
        assertThat(report.valid()).isFalse();
        assertThat(report.firstInvalidSeq()).isEqualTo(12);
        assertThat(report.reason()).contains("checkpoint at ledger_seq 12 disagrees");
    }

    /** Rewrites prev_hash and hash of events {@code from..to} so that they chain consistently from {@code prev}. */
    static void rechain(UUID tenant, long from, long to, byte[] prev) throws Exception {
        for (long seq = from; seq <= to; seq++) {
            long s = seq;
            LedgerRecord record = new LedgerReader(dataSource).inSnapshot(snapshot -> {
                LedgerRecord[] found = new LedgerRecord[1];
                snapshot.forEach(tenant, s, 1, r -> found[0] = r);
                return found[0];
            });
            byte[] hash = LedgerHashing.hash(prev, record);
            byte[] p = prev;
            jdbc.execute((ConnectionCallback<Void>) connection -> {
                try (Statement statement = connection.createStatement();
                     var update = connection.prepareStatement("UPDATE ledger_events SET prev_hash = ?, hash = ?" + where(tenant, s))) {
                    statement.execute("SET session_replication_role = replica");
                    update.setBytes(1, p);
                    update.setBytes(2, hash);
                    update.executeUpdate();
                    statement.execute("SET session_replication_role = DEFAULT");
                }
                return null;
            });
            prev = hash;
        }
    }

    @Test
    void aRewrittenPrevHashIsCaughtAlsoWhereAVerificationRangeBegins() throws Exception {
        UUID tenant = chainOf(10);
        // in three ranges, event 4 starts the second: its prev_hash is taken on trust there and checked when stitching
        byte[] otherPrev = LedgerHashing.unhex("ab".repeat(32));
        rechain(tenant, 4, 10, otherPrev);
        var report = verify(tenant);
        assertThat(report.firstInvalidSeq()).isEqualTo(4);
        assertThat(report.reason()).contains("does not chain");
    }

    @Test
    void aCheckpointForgedWithAnotherKeyIsCaught() throws Exception {
        UUID tenant = chainOf(6);
        var forger = LedgerSigner.generate();
        byte[] head = jdbc.queryForObject("SELECT hash FROM ledger_events" + where(tenant, 4), byte[].class);
        var signedAt = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        // claims to be from our key, signed by another
        byte[] signature = forger.sign(Checkpoint.message(tenant, 4, head, signedAt, signer.keyId()));
        jdbc.update("INSERT INTO ledger_checkpoints (tenant_id, ledger_seq, head_hash, signed_at, key_id, signature) "
                + "VALUES (?, 4, ?, ?, ?, ?)", tenant, head,
                java.time.OffsetDateTime.ofInstant(signedAt, java.time.ZoneOffset.UTC), signer.keyId(), signature);
        var report = verify(tenant);
        assertThat(report.firstInvalidSeq()).isEqualTo(4);
        assertThat(report.reason()).contains("not signed by the ledger key");
    }

    @Test
    void manyConcurrentWritersLeaveALinearChain() throws Exception {
        UUID tenant = UUID.randomUUID();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        List<java.util.concurrent.Future<?>> futures = new java.util.ArrayList<>();
        for (int w = 0; w < 8; w++) {
            futures.add(pool.submit(() -> {
                UUID aggregate = UUID.randomUUID();
                for (int seq = 0; seq < 25; seq++) {
                    long s = seq;
                    tx.executeWithoutResult(status -> engine.appendEvents(new GenericDomainEventMessage<>("Requisition",
                            aggregate.toString(), s, new RequisitionCancelled(aggregate, tenant, UUID.randomUUID(), null))));
                }
                return null;
            }));
        }
        for (var future : futures) {
            future.get();
        }
        pool.shutdown();
        checkpoints.take(tenant);
        var report = verify(tenant);
        assertThat(report.valid()).as(report.reason()).isTrue();
        assertThat(report.events()).isEqualTo(200);
        assertThat(report.checkpointsMatched()).isEqualTo(1);
    }

    @Test
    void checkpointsSignedBeforeAndAfterAKeyRotationBothVerifyAgainstTheKeysTheyName() throws Exception {
        UUID tenant = chainOf(4);
        checkpoints.take(tenant);
        var rotated = LedgerSigner.generate(); // the key after a rotation, or a second instance's own key
        var afterRotation = new LedgerCheckpoints(dataSource, rotated, Clock.systemUTC());
        chainOn(tenant, 4, 3);
        afterRotation.take(tenant);
        chainOn(tenant, 7, 2);
        checkpoints.take(tenant);
        var all = checkpoints.all(tenant);
        assertThat(all).extracting(Checkpoint::keyId).containsExactly(signer.keyId(), rotated.keyId(), signer.keyId());

        var keys = java.util.Map.of(signer.keyId(), signer.publicKey(), rotated.keyId(), rotated.publicKey());
        var report = new LedgerReader(dataSource).inSnapshot(snapshot -> PipelinedVerification.run(snapshot, tenant,
                new ChainVerifier(all, keys), 1));
        assertThat(report.valid()).as(report.reason()).isTrue();
        assertThat(report.checkpointsMatched()).isEqualTo(3);
        // with only the old key, the new key's checkpoint is not trusted: the key it names is unknown
        var oneKey = new LedgerReader(dataSource).inSnapshot(snapshot -> PipelinedVerification.run(snapshot, tenant,
                new ChainVerifier(all, signer.publicKey()), 1));
        assertThat(oneKey.valid()).isFalse();
        assertThat(oneKey.firstInvalidSeq()).isEqualTo(7);
    }

    @Test
    void aCheckpointRemovedFromBetweenTwoOthersIsNoticed() throws Exception {
        UUID tenant = chainOf(3);
        checkpoints.take(tenant);
        chainOn(tenant, 3, 3);
        checkpoints.take(tenant);
        chainOn(tenant, 6, 3);
        checkpoints.take(tenant);
        assertThat(checkpoints.all(tenant)).extracting(Checkpoint::ledgerSeq).containsExactly(3L, 6L, 9L);
        assertThat(checkpoints.all(tenant).get(2).prevLedgerSeq()).isEqualTo(6);
        assertThat(verify(tenant).valid()).isTrue();

        asSuperuser("DELETE FROM ledger_checkpoints" + where(tenant, 6));
        var report = verify(tenant);
        assertThat(report.valid()).isFalse();
        assertThat(report.firstInvalidSeq()).isEqualTo(9);
        assertThat(report.reason()).contains("follows the checkpoint at ledger_seq 6");
    }

    /** Appends {@code n} more events to the tenant's one aggregate chain, after {@code existing} events. */
    static void chainOn(UUID tenant, int existing, int n) {
        UUID aggregate = UUID.randomUUID();
        for (int seq = 0; seq < n; seq++) {
            long s = seq;
            tx.executeWithoutResult(status -> engine.appendEvents(new GenericDomainEventMessage<>("Requisition",
                    aggregate.toString(), s, new RequisitionCancelled(aggregate, tenant, UUID.randomUUID(), "more " + (existing + s)))));
        }
    }

    @Test
    void rotatingTheKeyFileKeepsTheOldKeyBesideIt(@org.junit.jupiter.api.io.TempDir Path keys) {
        Path file = keys.resolve("ledger-signing-ed25519.pem");
        String first = LedgerSigner.loadOrCreate(file).keyId();
        String second = LedgerSigner.rotate(file);
        assertThat(second).isNotEqualTo(first);
        assertThat(LedgerSigner.loadOrCreate(file).keyId()).isEqualTo(second);
        assertThat(LedgerSigner.retiredBeside(file)).containsOnlyKeys(first);
        String third = LedgerSigner.rotate(file);
        assertThat(LedgerSigner.retiredBeside(file)).containsOnlyKeys(first, second);
        assertThat(third).isNotIn(first, second);
    }
}
