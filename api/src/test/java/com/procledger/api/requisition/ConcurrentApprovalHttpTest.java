package com.procledger.api.requisition;

import com.procledger.api.HttpTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

class ConcurrentApprovalHttpTest extends HttpTestSupport {

    @Autowired
    JdbcTemplate jdbc;

    /** Enough threads that every request really is in flight at once (the common pool may have just one). */
    private final ExecutorService clients = Executors.newFixedThreadPool(16);

    @AfterEach
    void stopClients() {
        clients.shutdownNow();
    }

    @Test
    void twoApproversAtOnce_oneWinsAndTheOtherGets409() throws Exception {
        TestTenant tenant = newTenant();
        for (int round = 0; round < 5; round++) {
            UUID id = tenant.raiseAndSubmit("10.00");
            String approve = tenant.path("/requisitions/" + id + "/approve");
            var start = new CountDownLatch(1);
            List<CompletableFuture<Integer>> answers = new ArrayList<>();
            for (String approver : List.of(tenant.approver, tenant.secondApprover)) {
                answers.add(CompletableFuture.supplyAsync(() -> {
                    await(start);
                    return post(approve, approver, null).status();
                }, clients));
            }
            start.countDown();
            List<Integer> statuses = answers.stream().map(CompletableFuture::join).sorted().toList();
            assertThat(statuses).containsExactly(200, 409);
            var detail = get(tenant.path("/requisitions/" + id), tenant.requester).json();
            assertThat(detail.get("status").asString()).isEqualTo("APPROVED");
            assertThat(detail.get("approvals")).hasSize(1);
        }
    }

    @Test
    void concurrentRequestsToOneTenantAllLandInItsLedger() {
        TestTenant tenant = newTenant();
        var start = new CountDownLatch(1);
        List<CompletableFuture<Response>> answers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            answers.add(CompletableFuture.supplyAsync(() -> {
                await(start);
                return post(tenant.path("/requisitions"), tenant.requester, requisition("3.00"));
            }, clients));
        }
        start.countDown();
        List<Response> responses = answers.stream().map(CompletableFuture::join).toList();
        assertThat(responses).allSatisfy(response -> assertThat(response.status()).as(response.body()).isEqualTo(201));
        assertThat(get(tenant.path("/requisitions"), tenant.requester).json().get("total").asLong()).isEqualTo(16);
        // the tenant's ledger: 1, 2, 3 ... with no gap and no duplicate (setup events included)
        List<Long> seqs = jdbc.queryForList("SELECT ledger_seq FROM ledger_events WHERE tenant_id = ? ORDER BY ledger_seq",
                Long.class, tenant.id);
        assertThat(seqs).containsExactlyElementsOf(LongStream.rangeClosed(1, seqs.size()).boxed().toList());
        assertThat(seqs.size()).isGreaterThanOrEqualTo(16 + 6);
        List<Long> positions = jdbc.queryForList("SELECT global_position FROM ledger_events ORDER BY 1", Long.class);
        assertThat(positions).containsExactlyElementsOf(LongStream.rangeClosed(1, positions.size()).boxed().toList());
    }

    @Test
    void concurrentCommandsShareCommitsAndEachAnswerAlreadyShowsItsOwnWrite() {
        TestTenant tenant = newTenant();
        var start = new CountDownLatch(1);
        List<CompletableFuture<Response>> answers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            String title = "shared commit " + i;
            answers.add(CompletableFuture.supplyAsync(() -> {
                await(start);
                var body = new java.util.HashMap<>(requisition("4.00"));
                body.put("title", title);
                Response created = post(tenant.path("/requisitions"), tenant.requester, body);
                if (created.status() != 201) {
                    return created;
                }
                // read-your-writes: the history, another read model, shows both commands at once
                String id = created.json().get("id").asString();
                Response submitted = post(tenant.path("/requisitions/" + id + "/submit"), tenant.requester, null);
                return submitted.status() != 200 ? submitted
                        : get(tenant.path("/requisitions/" + id + "/history"), tenant.requester);
            }, clients));
        }
        start.countDown();
        List<Response> responses = answers.stream().map(CompletableFuture::join).toList();
        assertThat(responses).allSatisfy(response -> {
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            assertThat(response.json().get("items")).as(response.body()).hasSizeGreaterThanOrEqualTo(2);
        });
        long events = jdbc.queryForObject("""
                SELECT count(*) FROM ledger_events WHERE tenant_id = ? AND event_type IN ('RequisitionRaised', 'RequisitionSubmitted')""",
                Long.class, tenant.id);
        long commits = jdbc.queryForObject("""
                SELECT count(DISTINCT xmin::text) FROM ledger_events
                WHERE tenant_id = ? AND event_type IN ('RequisitionRaised', 'RequisitionSubmitted')""", Long.class, tenant.id);
        assertThat(events).isEqualTo(32);
        assertThat(commits).as("32 commands' events in fewer commits than commands").isLessThan(32);
    }

    @Autowired
    com.procledger.infra.ledger.LedgerEventStorageEngine ledger;
    @Autowired
    org.springframework.transaction.PlatformTransactionManager transactions;
    @Autowired
    com.procledger.projections.replay.ReadModelCatchUp catchUp;

    @Test
    void aRequisitionChangedElsewhereAfterItWasKeptInMemoryRefusesTheStaleCommandOnceThenSeesTheChange() {
        TestTenant tenant = newTenant();
        UUID id = tenant.raiseAndSubmit("7.00"); // kept in memory at sequence 1 by the commands' repository
        // another instance of the service cancels it (straight into the ledger, past this instance's memory)
        UUID canceller = UUID.randomUUID();
        new org.springframework.transaction.support.TransactionTemplate(transactions).executeWithoutResult(status ->
                ledger.appendEvents(new org.axonframework.eventhandling.GenericDomainEventMessage<>("Requisition",
                        id.toString(), 2, new com.procledger.domain.requisition.RequisitionEvent.RequisitionCancelled(
                        id, tenant.id, canceller, "withdrawn elsewhere"), java.util.Map.of("actor", canceller.toString()))));

        Response stale = post(tenant.path("/requisitions/" + id + "/approve"), tenant.approver, null);
        assertThat(stale.status()).as(stale.body()).isEqualTo(409);
        assertThat(stale.json().get("detail").asString()).contains("at the same time");
        // the stale copy was dropped: the next command is decided on the ledger's state
        Response again = post(tenant.path("/requisitions/" + id + "/approve"), tenant.approver, null);
        assertThat(again.status()).as(again.body()).isEqualTo(409);
        assertThat(again.json().get("detail").asString()).doesNotContain("at the same time");
        assertThat(jdbc.queryForList("SELECT aggregate_seq FROM ledger_events WHERE aggregate_id = ? ORDER BY 1",
                Long.class, id.toString())).containsExactly(0L, 1L, 2L);
        assertThat(catchUp.await()).isTrue(); // the cancellation came past this instance's commands: wait for it
        assertThat(get(tenant.path("/requisitions/" + id), tenant.requester).json().get("status").asString())
                .isEqualTo("CANCELLED");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
