package com.procledger.api.identity;

import com.procledger.api.HttpTestSupport;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class PasswordPolicyHttpTest extends HttpTestSupport {

    @Test
    void shortAndCommonPasswordsAreRefused() {
        TestTenant tenant = newTenant();
        for (String weak : List.of("short-pw", "qwertyqwerty", "QWERTY123456", "1q2w3e4r5t6y")) {
            Response response = post(tenant.path("/users"), tenant.admin, Map.of("email", "weak-" + UUID.randomUUID()
                    + "@example.test", "name", "Weak", "password", weak, "roles", List.of("REQUESTER")));
            assertThat(response.status()).as(weak).isEqualTo(400);
            assertThat(response.json().get("detail").asString()).containsAnyOf("at least 12", "most common");
        }
    }

    @Test
    void repeatedFailedSignInsAreThrottledEvenForTheRightPasswordAndRecordedAsDenials() {
        TestTenant tenant = newTenant();
        String compliance = tenant.addUser("compliance", List.of("COMPLIANCE"));
        String email = "victim-" + UUID.randomUUID().toString().substring(0, 8) + "@example.test";
        assertThat(post(tenant.path("/users"), tenant.admin, Map.of("email", email, "name", "Victim",
                "password", PASSWORD, "roles", List.of("REQUESTER"))).status()).isEqualTo(201);
        for (int i = 0; i < 5; i++) {
            assertThat(post("/api/auth/token", null, Map.of("email", email, "password", "guess-number-" + i)).status())
                    .isEqualTo(401);
        }
        Response throttled = post("/api/auth/token", null, Map.of("email", email, "password", PASSWORD));
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.contentType()).startsWith("application/problem+json");
        // the first delay is 60 s in the tests (1 s by default)
        assertThat(Long.parseLong(throttled.header("Retry-After"))).isBetween(1L, 60L);

        long deadline = System.nanoTime() + 10_000_000_000L;
        long denials = 0;
        while (denials < 6 && System.nanoTime() < deadline) {
            denials = get(tenant.path("/access-events?action=auth.token&outcome=DENIED"), compliance).json()
                    .get("total").asLong();
        }
        assertThat(denials).isEqualTo(6);
    }

    @Test
    void thirtySimultaneousWrongPasswordsForOneAccountGetAtMostTheThresholdChecked() throws Exception {
        TestTenant tenant = newTenant();
        String email = "burst-" + UUID.randomUUID().toString().substring(0, 8) + "@example.test";
        assertThat(post(tenant.path("/users"), tenant.admin, Map.of("email", email, "name", "Burst",
                "password", PASSWORD, "roles", List.of("REQUESTER"))).status()).isEqualTo(201);
        List<Integer> statuses = simultaneously(30, i -> post("/api/auth/token", null,
                Map.of("email", email, "password", "wrong-guess-" + i)).status());
        assertThat(statuses).containsOnly(401, 429);
        assertThat(statuses.stream().filter(status -> status == 401).count()).as(statuses.toString()).isBetween(1L, 5L);
    }

    /** Runs n calls at the same moment (as far as threads allow) and collects their answers. */
    static <T> List<T> simultaneously(int n, java.util.function.IntFunction<T> call) throws Exception {
        var start = new java.util.concurrent.CountDownLatch(1);
        var futures = new java.util.ArrayList<java.util.concurrent.Future<T>>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(n)) {
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.apply(index);
                }));
            }
            start.countDown();
        }
        var results = new java.util.ArrayList<T>();
        for (var future : futures) {
            results.add(future.get());
        }
        return results;
    }
}
