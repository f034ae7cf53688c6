package com.procledger.api.http;

import com.procledger.api.HttpTestSupport;
import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Prometheus metrics (docs/operations.md): for operators only, with the ledger's and the read models' figures. */
class MetricsHttpTest extends HttpTestSupport {

    @Test
    void operatorsScrapeTheLedgersAndReadModelsFiguresAndNobodyElseDoes() {
        TestTenant tenant = newTenant();
        tenant.raiseAndSubmit("12.00");
        // guessing one account's password: after five failures the next attempt is refused (429), a denial
        String guessed = "guessed-" + java.util.UUID.randomUUID() + "@example.test";
        int refused = 0;
        for (int i = 0; i < 7; i++) {
            refused += post("/api/auth/token", null, java.util.Map.of("email", guessed, "password", "wrong-" + i))
                    .status() == 429 ? 1 : 0;
        }
        assertThat(refused).isPositive();
        assertThat(get("/actuator/prometheus", null).status()).isEqualTo(401);
        assertThat(get("/actuator/prometheus", tenant.admin).status()).isEqualTo(403);
        signInOperator();
        Response scraped = get("/actuator/prometheus", operatorToken);
        assertThat(scraped.status()).as(scraped.body()).isEqualTo(200);
        assertThat(scraped.contentType()).startsWith("text/plain");
        String metrics = scraped.body();

        assertThat(value(metrics, "procledger_ledger_appended_events_total")).isPositive();
        assertThat(value(metrics, "procledger_ledger_events_per_commit_count")).isPositive();
        assertThat(metrics).contains("procledger_ledger_commit_seconds_bucket{");
        for (String readModel : new String[]{"requisitions", "requisition-history", "approval-inbox", "spend-analytics"}) {
            assertThat(metrics).contains("procledger_read_model_lag_events{read_model=\"" + readModel + "\"}");
            assertThat(metrics).contains("procledger_read_model_parked_events{read_model=\"" + readModel + "\"}");
            assertThat(metrics).contains("procledger_rebuild_progress{read_model=\"" + readModel + "\"}");
        }
        // the submit's answer waited for the read models: none is behind the ledger's business events now
        assertThat(value(metrics, "procledger_read_model_lag_events{read_model=\"requisitions\"}")).isZero();
        assertThat(metrics).containsPattern("http_server_requests_seconds_count\\{[^}]*status=\"201\"[^}]*uri=\"/api/tenants/\\{tenantId}/requisitions\"");
        assertThat(metrics).contains("hikaricp_connections_active{pool=\"procledger\"}")
                .contains("hikaricp_connections_active{pool=\"procledger-tenants\"}"); // both pools (ADR 0030)
        assertThat(value(metrics, "procledger_denials_total{reason=\"sign_in_throttle\"}")).isGreaterThanOrEqualTo(refused);
        assertThat(value(metrics, "procledger_investigations_running")).isGreaterThanOrEqualTo(0);
    }

    /** The value of the first sample whose name (with labels, if given) starts the line. */
    private static double value(String metrics, String sample) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(sample) + "(?:\\{[^}]*})? ([0-9.eE+-]+)").matcher(metrics);
        assertThat(matcher.find()).as("%s in the scrape", sample).isTrue();
        return Double.parseDouble(matcher.group(1));
    }
}
