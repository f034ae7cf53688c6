package com.procledger.api.privacy;

import com.procledger.api.HttpTestSupport;
import com.procledger.infra.database.EmbeddedDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Erasing a user: afterwards their name, email, user agent and texts are nowhere in the database (every row of
 * every table of every schema, read as the superuser, as a dump would), the ledger still verifies, and every view
 * shows their label.
 */
class ErasureHttpTest extends HttpTestSupport {

    @Autowired
    EmbeddedDatabase database;

    @Test
    void anErasedSubjectsPersonalDataIsInNoRowOfTheDatabaseAndTheLedgerStillVerifies() throws Exception {
        TestTenant tenant = newTenant();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String name = "Erin Erasable " + suffix;
        String email = "erin-" + suffix + "@example.test";
        String agent = "ErinAgent/" + suffix;
        String justification = "Erin needs these for her knee surgery " + suffix;
        String comment = "Erin approves, see her note " + suffix;
        var created = post(tenant.path("/users"), tenant.admin, Map.of("email", email, "name", name, "password", PASSWORD,
                "roles", List.of("REQUESTER", "APPROVER")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        UUID erin = UUID.fromString(created.json().get("id").asString());
        String erinToken = send("POST", "/api/auth/token", null, Map.of("email", email, "password", PASSWORD),
                "User-Agent", agent).json().get("access_token").asString();

        // Erin raises one requisition with her justification, and approves another with her comment
        var raised = send("POST", tenant.path("/requisitions"), erinToken, Map.of("title", "Knee brace",
                "department", "Engineering", "vendor", "ACME", "currency", "EUR", "justification", justification,
                "lines", List.of(line("IT", "1", "80.00"))), "User-Agent", agent);
        assertThat(raised.status()).as(raised.body()).isEqualTo(201);
        UUID own = UUID.fromString(raised.json().get("id").asString());
        assertThat(send("POST", tenant.path("/requisitions/" + own + "/submit"), erinToken, null, "User-Agent", agent)
                .status()).isEqualTo(200);
        UUID other = tenant.raiseAndSubmit("50.00");
        var approved = send("POST", tenant.path("/requisitions/" + other + "/approve"), erinToken,
                Map.of("comment", comment), "User-Agent", agent);
        assertThat(approved.status()).as(approved.body()).isEqualTo(200);
        assertThat(get(tenant.path("/users"), tenant.admin).body()).contains(name, email);
        assertThat(get(tenant.path("/requisitions/" + own), tenant.admin).body()).contains(justification);

        // the ledger never held them in plaintext, even before the erasure
        List<String> needles = List.of(name, email, agent, justification, comment);
        assertThat(rowsContaining(List.of("public.ledger_events"), needles)).isEmpty();
        // ... while the read models hold them: the search below can find what is there
        assertThat(rowsContaining(allTables(), needles)).contains("public.user_account: " + name,
                "public.user_account: " + email, "public.requisition_view: " + justification,
                "public.requisition_view: " + comment);

        var erased = post(tenant.path("/users/" + erin + "/erasure"), tenant.admin,
                Map.of("reason", "Erin asked under GDPR art. 17"));
        assertThat(erased.status()).as(erased.body()).isEqualTo(200);
        String label = erased.json().get("label").asString();
        assertThat(label).isEqualTo("erased subject " + erin.toString().substring(0, 8));
        assertThat(erased.json().get("checkpoint").get("ledgerSeq").asLong())
                .isGreaterThanOrEqualTo(erased.json().get("ledgerSeq").asLong()).isPositive();
        assertThat(java.time.Instant.parse(erased.json().get("erasedAt").asString())).isBefore(java.time.Instant.now());

        // a dump of the whole database: no row of any table in any schema holds any of it
        assertThat(rowsContaining(allTables(), needles)).isEmpty();

        // the ledger verifies; every view shows the label
        String compliance = tenant.addUser("compliance", List.of("COMPLIANCE"));
        var verify = get(tenant.path("/ledger/verify"), compliance);
        assertThat(verify.json().get("valid").asBoolean()).as(verify.body()).isTrue();
        String users = get(tenant.path("/users"), tenant.admin).body();
        assertThat(users).contains(label).doesNotContain(name).doesNotContain(email);
        assertThat(get(tenant.path("/requisitions/" + own), tenant.admin).json().get("justification").asString())
                .isEqualTo(label);
        assertThat(get(tenant.path("/requisitions/" + other), tenant.admin).body()).contains(label).doesNotContain(comment);
        assertThat(get(tenant.path("/requisitions/" + own + "/history"), tenant.admin).body()).doesNotContain(justification);
        var access = get(tenant.path("/access-events?actor=" + erin), compliance);
        assertThat(access.status()).isEqualTo(200);
        assertThat(access.body()).doesNotContain(agent).contains(label);

        // Erin is gone: her token is refused, her password opens nothing, and she cannot be erased twice
        assertThat(get(tenant.path("/requisitions"), erinToken).status()).isEqualTo(401);
        assertThat(post("/api/auth/token", null, Map.of("email", email, "password", PASSWORD)).status()).isEqualTo(401);
        assertThat(post(tenant.path("/users/" + erin + "/erasure"), tenant.admin, Map.of("reason", "again")).status())
                .isEqualTo(409);
    }

    @Test
    void bundlesBeforeAndAfterVerifyWithTheSameHashesAndRebuildsTimeTravelAndInvestigationsCrossTheErasure()
            throws Exception {
        TestTenant tenant = newTenant();
        String compliance = tenant.addUser("compliance", List.of("COMPLIANCE"));
        String email = "gus-" + UUID.randomUUID() + "@example.test";
        var created = post(tenant.path("/users"), tenant.admin, Map.of("email", email, "name", "Gus Gone",
                "password", PASSWORD, "roles", List.of("REQUESTER")));
        UUID gus = UUID.fromString(created.json().get("id").asString());
        String gusToken = token(email, PASSWORD);
        var raised = post(tenant.path("/requisitions"), gusToken, Map.of("title", "Chair", "department", "Ops",
                "vendor", "ACME", "currency", "EUR", "justification", "Gus's own words",
                "lines", List.of(line("Furniture", "1", "120.00"))));
        UUID requisition = UUID.fromString(raised.json().get("id").asString());
        java.time.Instant beforeErasure = java.time.Instant.now();
        Thread.sleep(5);
        post(tenant.path("/ledger/checkpoints"), compliance, null);
        Path dir = Files.createTempDirectory("erasure-bundles-");
        Path key = Files.writeString(dir.resolve("key.pem"), get("/api/ledger/public-key", null).body());
        Path eventsBefore = Files.writeString(dir.resolve("before.ndjson"), get(tenant.path("/ledger/events"), compliance).body());
        Path checkpointsBefore = Files.writeString(dir.resolve("before.json"), get(tenant.path("/ledger/checkpoints"), compliance).body());

        assertThat(post(tenant.path("/users/" + gus + "/erasure"), tenant.admin, Map.of("reason", "asked")).status())
                .isEqualTo(200);
        Path eventsAfter = Files.writeString(dir.resolve("after.ndjson"), get(tenant.path("/ledger/events"), compliance).body());
        Path checkpointsAfter = Files.writeString(dir.resolve("after.json"), get(tenant.path("/ledger/checkpoints"), compliance).body());
        for (Path[] bundle : List.of(new Path[]{eventsBefore, checkpointsBefore}, new Path[]{eventsAfter, checkpointsAfter})) {
            var out = new java.io.ByteArrayOutputStream();
            int exit = com.procledger.api.ledger.VerifyLedgerCommand.run(new String[]{"--events", bundle[0].toString(),
                    "--checkpoints", bundle[1].toString(), "--public-key", key.toString()},
                    new java.io.PrintStream(out, true), new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true));
            assertThat(exit).as(out.toString()).isZero();
        }
        List<String> before = Files.readAllLines(eventsBefore).stream().filter(l -> !l.isBlank()).toList();
        List<String> after = Files.readAllLines(eventsAfter).stream().filter(l -> !l.isBlank()).toList();
        assertThat(after.size()).isGreaterThan(before.size());
        assertThat(after.subList(0, before.size())).as("the events both bundles hold, byte for byte").isEqualTo(before);
        assertThat(String.join("\n", after)).contains("SubjectErased").doesNotContain("Gus");

        // time travel to before the erasure shows the label, not what the ledger held then in plaintext
        var then = get(tenant.path("/requisitions/" + requisition + "?asOf=" + beforeErasure), tenant.admin);
        assertThat(then.status()).as(then.body()).isEqualTo(200);
        assertThat(then.json().get("justification").asString()).isEqualTo("erased subject " + gus.toString().substring(0, 8));
        // an investigation over a window holding the erasure runs, and names no address it cannot open
        var investigation = post(tenant.path("/investigations"), compliance, Map.of("from", beforeErasure.minusSeconds(60).toString(),
                "to", java.time.Instant.now().plusSeconds(60).toString(), "actor", gus.toString()));
        assertThat(investigation.status()).as(investigation.body()).isEqualTo(200);
        assertThat(investigation.json().get("total").asLong()).isPositive();
        assertThat(investigation.body()).doesNotContain("sealed:v1:");
        // rebuilds read the ledger again: the label, never a failure on the destroyed key
        for (String model : List.of("users", "requisitions", "requisition-history")) {
            var started = post("/api/admin/projections/" + model + "/rebuild", operatorToken, null);
            assertThat(started.status()).as(started.body()).isEqualTo(202);
            String status = "";
            for (int i = 0; i < 300 && !status.equals("DONE") && !status.equals("FAILED"); i++) {
                Thread.sleep(100);
                status = get("/api/admin/projections/" + model, operatorToken).json().get("status").asString();
            }
            assertThat(status).as(model).isEqualTo("DONE");
        }
        assertThat(get(tenant.path("/users"), tenant.admin).body()).doesNotContain("Gus").contains("erased subject");
        assertThat(get(tenant.path("/requisitions/" + requisition + "/history"), tenant.admin).body())
                .doesNotContain("Gus's own words");
    }

    @Test
    void onlyATenantAdminOfTheUsersTenantErasesAndAReasonIsRequired() {
        TestTenant tenant = newTenant();
        TestTenant another = newTenant();
        var created = post(tenant.path("/users"), tenant.admin, Map.of("email", "x-" + UUID.randomUUID() + "@example.test",
                "name", "X", "password", PASSWORD, "roles", List.of("REQUESTER")));
        UUID user = UUID.fromString(created.json().get("id").asString());
        assertThat(post(tenant.path("/users/" + user + "/erasure"), tenant.approver, Map.of("reason", "r")).status())
                .isEqualTo(403);
        assertThat(post(another.path("/users/" + user + "/erasure"), another.admin, Map.of("reason", "r")).status())
                .isEqualTo(404);
        assertThat(post(tenant.path("/users/" + user + "/erasure"), tenant.admin, Map.of()).status()).isEqualTo(400);
        assertThat(post(tenant.path("/users/" + UUID.randomUUID() + "/erasure"), tenant.admin, Map.of("reason", "r"))
                .status()).isEqualTo(404);
    }

    private List<String> allTables() throws Exception {
        List<String> tables = new ArrayList<>();
        try (var connection = DriverManager.getConnection(database.jdbcUrl(), EmbeddedDatabase.USER,
                database.superuserPassword());
             var rs = connection.createStatement().executeQuery("""
                     SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_class c
                     JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                       AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'""")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        assertThat(tables).contains("public.ledger_events", "public.user_account", "public.subject_keys");
        return tables;
    }

    /** "table: needle" for every table with a row holding a needle as text, or as bytes (bytea shows as hex). */
    private List<String> rowsContaining(List<String> tables, List<String> needles) throws Exception {
        List<String> found = new ArrayList<>();
        try (var connection = DriverManager.getConnection(database.jdbcUrl(), EmbeddedDatabase.USER,
                database.superuserPassword())) {
            for (String table : tables) {
                for (String needle : needles) {
                    String hex = HexFormat.of().formatHex(needle.getBytes(StandardCharsets.UTF_8));
                    try (var statement = connection.prepareStatement("SELECT count(*) FROM " + table
                            + " t WHERE strpos(t::text, ?) > 0 OR strpos(lower(t::text), ?) > 0")) {
                        statement.setString(1, needle);
                        statement.setString(2, hex);
                        try (var rs = statement.executeQuery()) {
                            rs.next();
                            if (rs.getLong(1) > 0) {
                                found.add(table + ": " + needle);
                            }
                        }
                    }
                }
            }
        }
        return found;
    }
}
