package com.procledger.api.database;

import com.procledger.api.ChildService;
import com.procledger.infra.database.EmbeddedDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the database is gone, the service says so at once: 503 problem+json with Retry-After within 2 s, health
 * DOWN within 5 s, one WARN for the outage instead of an ERROR per request; and it serves again once the database
 * is back. The service runs in a JVM of its own against a PostgreSQL the test stops and starts (an "external"
 * database, configured as in production).
 */
class DatabaseOutageTest {

    @TempDir
    Path dir;

    @Test
    void givenTheDatabaseIsGone_thenEveryAnswerIsAQuick503AndHealthSaysDown_andWhenItIsBack_thenServed() throws Exception {
        Path dbDir = Files.createDirectories(dir.resolve("db"));
        EmbeddedDatabase database = EmbeddedDatabase.start(dbDir);
        int port = database.port();
        String owner = database.superuserPassword();
        String app = database.appPassword();
        Path log;
        try (var service = ChildService.start(Files.createDirectories(dir.resolve("service")),
                "--procledger.db.url=" + database.url(EmbeddedDatabase.APP_USER).replaceAll("\\?.*", ""),
                "--procledger.db.user=" + EmbeddedDatabase.APP_USER, "--procledger.db.password=" + app,
                "--procledger.db.owner-user=" + EmbeddedDatabase.USER, "--procledger.db.owner-password=" + owner)) {
            String token = service.signInOperator();
            assertThat(service.send("GET", "/api/admin/dead-letters", token, null).statusCode()).isEqualTo(200);

            database.close(); // the database is gone
            for (var probe : new String[][]{{"GET", "/api/admin/dead-letters"}, {"GET", "/api/admin/projections/requisitions"},
                    {"POST", "/api/tenants"}}) {
                var answer = timed(2_000, () -> service.send(probe[0], probe[1], token, "{\"name\":\"x\",\"currency\":\"EUR\","
                        + "\"admin\":{\"email\":\"a@b.test\",\"name\":\"A\",\"password\":\"a-long-enough-password\"}}"));
                assertThat(answer.statusCode()).as(probe[1] + " " + answer.body()).isEqualTo(503);
                assertThat(answer.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
                assertThat(answer.headers().firstValue("Retry-After")).isPresent();
                assertThat(answer.body()).doesNotContain("Exception", "SQL", "org.", "java.");
            }
            var signIn = timed(2_000, () -> service.send("POST", "/api/auth/token", null,
                    "{\"email\":\"operator@procledger.local\",\"password\":\"" + ChildService.OPERATOR_PASSWORD + "\"}"));
            assertThat(signIn.statusCode()).isEqualTo(503);
            var health = timed(5_000, () -> service.send("GET", "/actuator/health", null, null));
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("DOWN");
            // the outage is said once, as a WARN; no request logged an ERROR of its own
            assertThat(service.log).filteredOn(line -> line.contains("The database cannot be reached")).hasSize(1);
            assertThat(errorsWithTheirTraces(service.log)).as("requests that logged an error of their own").isEmpty();

            // back on the same port: served again, without a restart of the service
            database = EmbeddedDatabase.start(dbDir, port);
            long deadline = System.nanoTime() + 30_000_000_000L;
            int status = 0;
            while (status != 200 && System.nanoTime() < deadline) {
                status = service.send("GET", "/actuator/health", null, null).statusCode();
                Thread.sleep(200);
            }
            assertThat(status).isEqualTo(200);
            assertThat(service.send("GET", "/api/admin/dead-letters", service.signInOperator(), null).statusCode())
                    .isEqualTo(200);
        } finally {
            database.close();
        }
    }

    /** Each "unexpected failure" or "could not be recorded" line with the stack trace after it. */
    private static java.util.List<String> errorsWithTheirTraces(java.util.List<String> log) {
        var found = new java.util.ArrayList<String>();
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).contains("unexpected failure") || log.get(i).contains("could not be recorded")) {
                found.add(String.join("\n", log.subList(i, Math.min(log.size(), i + 60))));
            }
        }
        return found;
    }

    private static HttpResponse<String> timed(long withinMillis, Callable<HttpResponse<String>> call) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> answer = call.call();
        long took = (System.nanoTime() - start) / 1_000_000;
        assertThat(took).as("answered in %d ms", took).isLessThanOrEqualTo(withinMillis);
        return answer;
    }
}
