package com.procledger.api.ledger;

import com.procledger.api.HttpTestSupport;
import com.procledger.domain.approval.ApprovalStep;
import com.procledger.domain.identity.Role;
import com.procledger.domain.requisition.RequisitionEvent.RequisitionRaised;
import com.procledger.domain.requisition.RequisitionEvent.RequisitionSubmitted;
import com.procledger.domain.requisition.RequisitionLine;
import com.procledger.infra.database.EmbeddedDatabase;
import com.procledger.infra.ledger.LedgerEventStorageEngine;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An event a read model cannot apply is parked (ADR 0016): every other aggregate and tenant keeps moving, an
 * operator sees it and retries it once the cause is fixed.
 */
class DeadLetterHttpTest extends HttpTestSupport {

    @Autowired
    LedgerEventStorageEngine ledger;
    @Autowired
    PlatformTransactionManager transactions;
    @Autowired
    EmbeddedDatabase database;
    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @Test
    void givenEventsNoReadModelCanStore_whenOthersWrite_thenTheyAreServedAndTheOperatorRetriesAfterAFix() {
        TestTenant poisoned = newTenant();
        TestTenant neighbour = newTenant();
        var admin = new JdbcTemplate(new DriverManagerDataSource(database.jdbcUrl()));
        String refused = "refused-" + UUID.randomUUID();
        // a failure that a fix can remove: a trigger (standing in for a constraint or a bug) refuses one title
        admin.execute("CREATE OR REPLACE FUNCTION test_refuse_title() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "IF NEW.title = '" + refused + "' THEN RAISE EXCEPTION 'refused by a test trigger'; END IF; "
                + "RETURN NEW; END $$");
        admin.execute("CREATE TRIGGER test_refuse_title BEFORE INSERT ON requisition_view FOR EACH ROW "
                + "EXECUTE FUNCTION test_refuse_title()");

        // appended straight to the ledger, past every check at the edge: a date PostgreSQL cannot store (year
        // 5,881,580), which no fix makes storable, and a requisition the trigger refuses
        UUID bad = UUID.randomUUID();
        UUID blocked = UUID.randomUUID();
        UUID requester = UUID.randomUUID();
        Map<String, Object> meta = Map.of("actor", requester.toString());
        var lines = List.of(new RequisitionLine("x", "IT", BigDecimal.ONE, BigDecimal.TEN));
        List<EventMessage<?>> events = List.of(
                new GenericDomainEventMessage<>("Requisition", bad.toString(), 0, new RequisitionRaised(bad,
                        poisoned.id, requester, "Poison", "Eng", "ACME", "EUR", null,
                        java.time.LocalDate.of(5_881_580, 7, 11), lines, BigDecimal.TEN), meta),
                new GenericDomainEventMessage<>("Requisition", bad.toString(), 1, new RequisitionSubmitted(bad,
                        poisoned.id, requester, 1, List.of(new ApprovalStep("Approval", Role.APPROVER, BigDecimal.ZERO))), meta),
                new GenericDomainEventMessage<>("Requisition", blocked.toString(), 0, new RequisitionRaised(blocked,
                        poisoned.id, requester, refused, "Eng", "ACME", "EUR", null, null, lines, BigDecimal.TEN), meta));
        new TransactionTemplate(transactions).executeWithoutResult(status -> ledger.appendEvents(events));

        try {
            // both tenants' new requisitions are served at once (read-your-writes), the poisoned tenant's too
            for (TestTenant tenant : List.of(poisoned, neighbour, poisoned)) {
                UUID id = tenant.raiseAndSubmit("5.00");
                Response detail = get(tenant.path("/requisitions/" + id), tenant.requester);
                assertThat(detail.status()).as(detail.body()).isEqualTo(200);
                assertThat(detail.json().get("status").asString()).isEqualTo("SUBMITTED");
            }
            assertThat(get(poisoned.path("/requisitions/" + bad), poisoned.requester).status()).isEqualTo(404);

            // the operator sees the events parked in the requisitions read model, the second behind the first
            Response parked = get("/api/admin/dead-letters?readModel=requisitions", operatorToken);
            assertThat(parked.status()).as(parked.body()).isEqualTo(200);
            List<JsonNode> letters = lettersOf(parked, bad);
            assertThat(letters).extracting(letter -> letter.get("eventType").asString())
                    .containsExactly("RequisitionRaised", "RequisitionSubmitted");
            assertThat(letters.getFirst().get("cause").asString()).isNotBlank();
            assertThat(letters.getFirst().get("ledgerSeq").asLong()).isPositive();
            assertThat(lettersOf(parked, blocked)).singleElement()
                    .satisfies(letter -> assertThat(letter.get("cause").asString()).contains("refused by a test trigger"));
            assertThat(parked.json().get("counts").get("requisitions").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(meters.get("procledger.read_model.dead_letters").gauge().value()).isGreaterThanOrEqualTo(3);
            assertThat(parked.body()).doesNotContain("Poison", refused); // ids and causes, never the content
            // every read model at once, too
        Response all = get("/api/admin/dead-letters?limit=1000", operatorToken);
        assertThat(all.status()).as(all.body()).isEqualTo(200);
        assertThat(lettersOf(all, bad)).hasSize(2);
        // a tenant's own people see nothing of it
            assertThat(get("/api/admin/dead-letters", poisoned.admin).status()).isEqualTo(403);

            // retried before the fix: all still parked
            Response early = post("/api/admin/dead-letters/requisitions/retry", operatorToken, null);
            assertThat(early.status()).as(early.body()).isEqualTo(200);
            var stillParked = get("/api/admin/dead-letters?readModel=requisitions", operatorToken);
            assertThat(lettersOf(stillParked, bad)).hasSize(2);
            assertThat(lettersOf(stillParked, blocked)).hasSize(1);
        } finally {
            admin.execute("DROP TRIGGER test_refuse_title ON requisition_view");
        }

        // after the fix, the retry applies what now applies; what cannot be stored stays parked
        Response retried = post("/api/admin/dead-letters/requisitions/retry", operatorToken, null);
        assertThat(retried.status()).as(retried.body()).isEqualTo(200);
        assertThat(retried.json().get("cleared").asInt()).isGreaterThanOrEqualTo(1);
        var after = get("/api/admin/dead-letters?readModel=requisitions", operatorToken);
        assertThat(lettersOf(after, blocked)).isEmpty();
        assertThat(lettersOf(after, bad)).hasSize(2);
        Response healed = get(poisoned.path("/requisitions/" + blocked), poisoned.requester);
        assertThat(healed.status()).as(healed.body()).isEqualTo(200);
        assertThat(healed.json().get("title").asString()).isEqualTo(refused);

        // replays leave out what is parked, as the live read model does: a rebuild completes, time travel answers
        Response rebuild = post("/api/admin/projections/requisitions/rebuild", operatorToken, null);
        assertThat(rebuild.status()).as(rebuild.body()).isEqualTo(202);
        String state = "RUNNING";
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (state.equals("RUNNING") && System.nanoTime() < deadline) {
            state = get("/api/admin/projections/requisitions", operatorToken).json().get("status").asString();
        }
        assertThat(state).isEqualTo("DONE");
        assertThat(get(poisoned.path("/requisitions/" + blocked), poisoned.requester).status()).isEqualTo(200);
        Response then = get(poisoned.path("/requisitions?asOf=" + java.time.Instant.now()), poisoned.requester);
        assertThat(then.status()).as(then.body()).isEqualTo(200);
        assertThat(then.json().get("total").asLong()).isEqualTo(3); // two raised over HTTP and the healed one
    }

    private static List<JsonNode> lettersOf(Response parked, UUID aggregate) {
        List<JsonNode> letters = new ArrayList<>();
        parked.json().get("items").forEach(item -> {
            if (item.get("aggregateId").asString().equals(aggregate.toString())) {
                letters.add(item);
            }
        });
        return letters;
    }
}
