package com.procledger.api.analytics;

import com.procledger.api.HttpTestSupport;
import com.procledger.infra.database.EmbeddedDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AnalyticsHttpTest extends HttpTestSupport {

    @Autowired
    EmbeddedDatabase database;

    private void approve(TestTenant tenant, UUID id, String token) {
        Response approved = post(tenant.path("/requisitions/" + id + "/approve"), token, null);
        assertThat(approved.status()).as(approved.body()).isEqualTo(200);
    }

    /** key → [amount, count] of a spend answer. */
    private Map<String, List<String>> spend(TestTenant tenant, String token, String query) {
        Response response = get(tenant.path("/analytics/spend?" + query), token);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        var result = new java.util.LinkedHashMap<String, List<String>>();
        for (JsonNode item : response.json().get("items")) {
            assertThat(item.get("currency").asString()).isEqualTo("EUR");
            result.put(item.get("key").asString(), List.of(item.get("amount").asString(), item.get("count").asString()));
        }
        return result;
    }

    /** A tenant whose policy has two steps: any APPROVER, then FINANCE from 1000 EUR. */
    private TestTenant tenantWithTwoSteps() {
        TestTenant tenant = newTenant();
        Response policy = send("PUT", tenant.path("/approval-policy"), tenant.admin, Map.of("steps", List.of(
                Map.of("name", "Manager", "role", "APPROVER", "minAmount", "0"),
                Map.of("name", "Finance", "role", "FINANCE", "minAmount", "1000.00"))));
        assertThat(policy.status()).as(policy.body()).isEqualTo(200);
        return tenant;
    }

    @Test
    void committedAndPendingSpendByDepartmentCategoryVendorAndMonth() {
        TestTenant tenant = tenantWithTwoSteps();
        String analyst = tenant.addUser("analyst", List.of("ANALYST"));
        UUID laptops = tenant.raiseAndSubmit("Engineering", "ACME",
                List.of(line("IT", "2", "650.00"), line("Furniture", "1", "100.005")));   // 1300.00 + 100.00 (half-even)
        UUID chairs = tenant.raiseAndSubmit("Engineering", "Chairs Ltd", List.of(line("Furniture", "4", "50.00"))); // 200
        UUID travel = tenant.raiseAndSubmit("Sales", "ACME", List.of(line("Travel", "1", "300.00")));            // 300
        UUID pending = tenant.raiseAndSubmit("Sales", "Hotels", List.of(line("Travel", "1", "80.00")));           // 80
        approve(tenant, laptops, tenant.approver);
        approve(tenant, laptops, tenant.finance);
        approve(tenant, chairs, tenant.approver);
        approve(tenant, travel, tenant.secondApprover);
        Response rejected = post(tenant.path("/requisitions/" + tenant.raiseAndSubmit("Sales", "X",
                List.of(line("Travel", "1", "5.00"))) + "/reject"), tenant.approver, Map.of("reason", "no"));
        assertThat(rejected.status()).isEqualTo(200);
        newTenant().raiseAndSubmit("5000.00"); // another tenant's spend never counts

        assertThat(spend(tenant, analyst, "groupBy=department")).containsExactly(
                Map.entry("Engineering", List.of("1600.00", "2")), Map.entry("Sales", List.of("300.00", "1")));
        assertThat(spend(tenant, tenant.finance, "groupBy=category&status=APPROVED")).containsExactly(
                Map.entry("IT", List.of("1300.00", "1")), Map.entry("Furniture", List.of("300.00", "2")),
                Map.entry("Travel", List.of("300.00", "1"))); // equal amounts in key order
        assertThat(spend(tenant, analyst, "groupBy=vendor")).containsExactly(
                Map.entry("ACME", List.of("1700.00", "2")), Map.entry("Chairs Ltd", List.of("200.00", "1")));
        String month = YearMonth.now(ZoneOffset.UTC).toString();
        assertThat(spend(tenant, analyst, "groupBy=month")).containsExactly(Map.entry(month, List.of("1900.00", "3")));
        assertThat(spend(tenant, analyst, "groupBy=month&status=SUBMITTED")).containsExactly(Map.entry(month, List.of("80.00", "1")));
        assertThat(spend(tenant, analyst, "groupBy=vendor&department=Engineering&category=Furniture")).containsExactly(
                Map.entry("Chairs Ltd", List.of("200.00", "1")), Map.entry("ACME", List.of("100.00", "1")));
        assertThat(spend(tenant, analyst, "groupBy=department&to=2020-01-01T00:00:00Z")).isEmpty();
        assertThat(pending).isNotNull();

        for (String bad : List.of("groupBy=colour", "status=PAID", "from=yesterday")) {
            Response response = get(tenant.path("/analytics/spend?" + bad), analyst);
            assertThat(response.status()).as(bad).isEqualTo(400);
            assertThat(response.contentType()).startsWith("application/problem+json");
        }
    }

    @Test
    void cycleTimesPerStepAndApproverWorkload() {
        TestTenant tenant = tenantWithTwoSteps();
        UUID a = tenant.raiseAndSubmit("Ops", "V", List.of(line("IT", "1", "2000.00")));
        UUID b = tenant.raiseAndSubmit("Ops", "V", List.of(line("IT", "1", "10.00")));
        UUID c = tenant.raiseAndSubmit("Ops", "V", List.of(line("IT", "1", "3000.00")));
        tenant.raiseAndSubmit("Ops", "V", List.of(line("IT", "1", "20.00")));        // waits on Manager
        approve(tenant, a, tenant.approver);
        approve(tenant, a, tenant.finance);
        approve(tenant, b, tenant.approver);
        approve(tenant, c, tenant.secondApprover);                                    // c waits on Finance

        Response cycle = get(tenant.path("/analytics/cycle-times"), tenant.finance);
        assertThat(cycle.status()).as(cycle.body()).isEqualTo(200);
        List<JsonNode> steps = new ArrayList<>();
        cycle.json().get("items").forEach(steps::add);
        assertThat(steps).extracting(s -> s.get("step").asString()).containsExactly("Manager", "Finance");
        assertThat(steps).extracting(s -> s.get("decisions").asLong()).containsExactly(3L, 1L);
        assertThat(steps).extracting(s -> s.get("role").asString()).containsExactly("APPROVER", "FINANCE");
        for (JsonNode step : steps) {
            Duration p50 = Duration.parse(step.get("p50").asString());
            Duration p90 = Duration.parse(step.get("p90").asString());
            assertThat(p50).isGreaterThanOrEqualTo(Duration.ZERO).isLessThanOrEqualTo(p90).isLessThan(Duration.ofMinutes(5));
        }

        Response workload = get(tenant.path("/analytics/approver-workload"), tenant.finance);
        assertThat(workload.status()).as(workload.body()).isEqualTo(200);
        List<JsonNode> approvers = new ArrayList<>();
        workload.json().get("approvers").forEach(approvers::add);
        assertThat(approvers).extracting(x -> x.get("decisions").asLong()).containsExactly(2L, 1L, 1L);
        assertThat(approvers).extracting(x -> x.get("approved").asLong()).containsExactly(2L, 1L, 1L);
        assertThat(approvers.get(0).get("approver").asString()).isEqualTo(claim(tenant.approver, "sub"));
        List<JsonNode> waiting = new ArrayList<>();
        workload.json().get("waiting").forEach(waiting::add);
        assertThat(waiting).extracting(w -> w.get("step").asString() + "=" + w.get("waiting").asLong())
                .containsExactlyInAnyOrder("Manager=1", "Finance=1");

        assertThat(get(tenant.path("/analytics/cycle-times"), tenant.approver).status()).isEqualTo(403);
    }

    @Test
    void aStepDecidedBeforeItsRequisitionWasCancelledCountsAndTheStepThatWaitedDoesNot() {
        TestTenant tenant = tenantWithTwoSteps();
        UUID id = tenant.raiseAndSubmit("Ops", "V", List.of(line("IT", "1", "3000.00")));
        approve(tenant, id, tenant.approver);                                        // Manager decided; Finance waits
        Response cancelled = post(tenant.path("/requisitions/" + id + "/cancel"), tenant.requester,
                Map.of("reason", "no longer needed"));
        assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);

        List<JsonNode> steps = new ArrayList<>();
        get(tenant.path("/analytics/cycle-times"), tenant.finance).json().get("items").forEach(steps::add);
        assertThat(steps).extracting(s -> s.get("step").asString() + "=" + s.get("decisions").asLong())
                .containsExactly("Manager=1");
        JsonNode workload = get(tenant.path("/analytics/approver-workload"), tenant.finance).json();
        assertThat(workload.get("approvers")).hasSize(1);
        assertThat(workload.get("approvers").get(0).get("approver").asString()).isEqualTo(claim(tenant.approver, "sub"));
        assertThat(workload.get("approvers").get(0).get("decisions").asLong()).isEqualTo(1);
        assertThat(workload.get("waiting")).isEmpty();
    }

    @Test
    void analystsQueryTheReportingSchemaReadOnlyAndOnlyForTheirTenants() {
        TestTenant mine = newTenant();
        TestTenant theirs = newTenant();
        mine.raiseAndSubmit("10.00");
        theirs.raiseAndSubmit("20.00");
        get(mine.path("/analytics/spend"), mine.finance); // read-your-writes: the spend rows are there
        get(theirs.path("/analytics/spend"), theirs.finance);

        String role = "analyst_" + UUID.randomUUID().toString().substring(0, 8);
        var admin = new JdbcTemplate(new DriverManagerDataSource(database.jdbcUrl()));
        admin.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'analyst-secret' IN ROLE procledger_analyst");
        admin.update("INSERT INTO reporting.analyst_tenants (role_name, tenant_id) VALUES (?, ?)", role, mine.id);
        // the analyst's own credentials, and only those, open the door (the embedded server trusts nobody)
        assertThatThrownBy(() -> new JdbcTemplate(new DriverManagerDataSource(database.url(role), role, "wrong"))
                .queryForObject("SELECT 1", Integer.class)).rootCause().hasMessageContaining("password authentication failed");
        var analyst = new JdbcTemplate(new DriverManagerDataSource(database.url(role), role, "analyst-secret"));
        assertThat(analyst.queryForObject("SELECT current_user", String.class)).isEqualTo(role);

        for (String view : List.of("reporting.spend", "reporting.approval_steps", "reporting.requisitions")) {
            assertThat(analyst.queryForList("SELECT DISTINCT tenant_id FROM " + view, UUID.class)).as(view)
                    .containsExactly(mine.id);
        }
        // naming another tenant in the setting the service uses does not open it
        analyst.execute("SELECT set_config('procledger.tenant_id', '" + theirs.id + "', false)");
        assertThat(analyst.queryForList("SELECT DISTINCT tenant_id FROM spend_line", UUID.class)).doesNotContain(theirs.id);
        assertThat(analyst.queryForList("SELECT tenant_id FROM reporting.analyst_tenants", UUID.class))
                .containsExactly(mine.id);
        // read-only, and nothing beyond the reporting schema and its read models
        assertThatThrownBy(() -> analyst.update("UPDATE spend_line SET amount = 0")).rootCause().hasMessageContaining("permission denied");
        assertThatThrownBy(() -> analyst.update("DELETE FROM reporting.analyst_tenants")).rootCause().hasMessageContaining("permission denied");
        assertThatThrownBy(() -> analyst.queryForList("SELECT * FROM ledger_events")).rootCause().hasMessageContaining("permission denied");
        assertThatThrownBy(() -> analyst.queryForList("SELECT * FROM user_account")).rootCause().hasMessageContaining("permission denied");
    }
}
