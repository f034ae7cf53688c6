package com.procledger.api.ledger;

import com.procledger.api.HttpTestSupport;
import com.procledger.api.ledger.RebuildCommand;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A read model rebuilt from the ledger equals the original, and the service answers all the while. */
class RebuildHttpTest extends HttpTestSupport {

    @Autowired
    JdbcTemplate jdbc;

    /** The whole table, row by row, in a stable order. */
    private List<String> rows(String table, String orderBy) {
        return jdbc.queryForList("SELECT row_to_json(t)::text FROM " + table + " t ORDER BY " + orderBy, String.class);
    }

    private JsonNode waitUntilDone(String name) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            Response status = get("/api/admin/projections/" + name, operatorToken);
            assertThat(status.status()).as(status.body()).isEqualTo(200);
            String state = status.json().get("status").asString();
            if (!state.equals("RUNNING") || System.nanoTime() > deadline) {
                return status.json();
            }
            Thread.sleep(100);
        }
    }

    @Test
    void rebuiltReadModelsEqualTheOriginalsWhileTheServiceKeepsAnswering() throws Exception {
        TestTenant tenant = newTenant();
        for (int i = 0; i < 8; i++) {
            UUID id = tenant.raiseAndSubmit((i + 1) + "00.00");
            if (i % 2 == 0) {
                assertThat(post(tenant.path("/requisitions/" + id + "/approve"), tenant.approver, null).status()).isEqualTo(200);
            } else if (i % 3 == 0) {
                assertThat(post(tenant.path("/requisitions/" + id + "/reject"), tenant.approver, Map.of("reason", "no"))
                        .status()).isEqualTo(200);
            }
        }
        for (var model : Map.of("requisitions", List.of("requisition_view:requisition_id"),
                "spend-analytics", List.of("spend_line:requisition_id, line_no", "approval_step_timing:requisition_id, step_index"),
                "requisition-history", List.of("requisition_history:requisition_id, aggregate_seq")).entrySet()) {
            // quiet: nothing new is written while the tables are compared
            get(tenant.path("/requisitions"), tenant.requester);
            var before = model.getValue().stream().map(t -> rows(t.split(":")[0], t.split(":")[1])).toList();
            // damage the live tables: only a rebuild from the ledger brings the lost rows back
            for (String table : model.getValue()) {
                String name = table.split(":")[0];
                assertThat(jdbc.update("DELETE FROM " + name + " WHERE ctid IN (SELECT ctid FROM " + name + " LIMIT 1)")).isOne();
            }
            // and change a value of a row that stays: the swap must compare whole rows, not only keys
            String tampered = model.getKey().equals("requisitions") ? "UPDATE requisition_view SET title = 'tampered'"
                    : model.getKey().equals("spend-analytics") ? "UPDATE spend_line SET amount = amount + 1"
                    : "UPDATE requisition_history SET type = 'Tampered'";
            String first = model.getValue().get(0).split(":")[0];
            assertThat(jdbc.update(tampered + " WHERE ctid IN (SELECT ctid FROM " + first + " LIMIT 1)")).isOne();

            Response started = post("/api/admin/projections/" + model.getKey() + "/rebuild", operatorToken, null);
            assertThat(started.status()).as(started.body()).isEqualTo(202);
            assertThat(started.header("Location")).isEqualTo("/api/admin/projections/" + model.getKey());
            // the old (damaged) model keeps serving meanwhile
            Response meanwhile = get(tenant.path("/requisitions"), tenant.requester);
            assertThat(meanwhile.status()).isEqualTo(200);
            assertThat(meanwhile.json().get("total").asLong()).isBetween(7L, 8L);
            JsonNode done = waitUntilDone(model.getKey());
            assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("DONE");
            assertThat(done.get("processed").asLong()).isEqualTo(done.get("total").asLong()).isPositive();
            assertThat(done.get("ratePerSecond").asDouble()).isPositive();

            var after = model.getValue().stream().map(t -> rows(t.split(":")[0], t.split(":")[1])).toList();
            assertThat(after).as(model.getKey()).isEqualTo(before);
            assertThat(before.get(0)).isNotEmpty();
        }
        // and the processors go on after the swap: a new requisition shows up
        UUID later = tenant.raise("1.00");
        assertThat(get(tenant.path("/requisitions/" + later), tenant.requester).status()).isEqualTo(200);
        assertThat(get(tenant.path("/analytics/spend?status=SUBMITTED"), tenant.finance).status()).isEqualTo(200);
    }

    @Test
    void theAccessLogIsAViewOfTheLedgersAccessEventsWithNothingToRebuild() {
        TestTenant tenant = newTenant();
        tenant.raiseAndSubmit("10.00");
        get(tenant.path("/requisitions"), tenant.requester);
        assertThat(get(tenant.path("/access-events"), tenant.requester).status()).isEqualTo(403); // a denial too
        // each access was in the ledger before its answer, so the view has all of them at once: no waiting
        List<String> ledger = jdbc.queryForList("""
                SELECT ledger_seq || ' ' || (payload ->> 'action') || ' ' || (payload ->> 'outcome') FROM ledger_events
                WHERE tenant_id = ? AND event_type = 'AccessRecorded' ORDER BY ledger_seq""", String.class, tenant.id);
        List<String> view = jdbc.queryForList("""
                SELECT ledger_seq || ' ' || action || ' ' || outcome FROM access_log WHERE tenant_id = ? ORDER BY ledger_seq""",
                String.class, tenant.id);
        assertThat(view).hasSizeGreaterThan(5).isEqualTo(ledger);
        assertThat(view.getLast()).endsWith(" access.read DENIED");
        // it cannot be changed apart from the ledger, and there is no read model of that name to rebuild
        assertThatThrownBy(() -> jdbc.update("DELETE FROM access_log WHERE tenant_id = ?", tenant.id))
                .isInstanceOf(org.springframework.dao.DataAccessException.class);
        Response rebuild = post("/api/admin/projections/access-log/rebuild", operatorToken, null);
        assertThat(rebuild.status()).isEqualTo(404);
        assertThat(rebuild.contentType()).startsWith("application/problem+json");
    }

    @Test
    void theCommandLineStartsARebuildAndShowsItsProgressToTheEnd() {
        newTenant().raiseAndSubmit("10.00");
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();
        int exit = RebuildCommand.run(new String[] {"approval-inbox"}, Map.of("PROCLEDGER_URL", "http://localhost:" + port,
                        "PROCLEDGER_OPERATOR_PASSWORD", OPERATOR_PASSWORD), new java.io.PrintStream(out, true),
                new java.io.PrintStream(err, true));
        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).containsPattern("approval-inbox DONE: [\\d,]+ of [\\d,]+ ledger events");
        assertThat(RebuildCommand.run(new String[] {"approval-inbox"}, Map.of(), System.out, new java.io.PrintStream(err)))
                .isEqualTo(2);
    }

    @Test
    void unknownReadModelsAndNonOperatorsAreRefused() {
        Response unknown = post("/api/admin/projections/nothing/rebuild", operatorToken, null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.contentType()).startsWith("application/problem+json");
        assertThat(unknown.json().get("detail").asString()).contains("requisitions");
        assertThat(post("/api/admin/projections/requisitions/rebuild", newTenant().admin, null).status()).isEqualTo(403);
    }
}
