package com.procledger.api;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service is killed with SIGKILL (as {@code kill -9}, an OOM killer or a power cut to the JVM would) and
 * started again on the same data directory, with no hand in between: the embedded PostgreSQL the dead service left
 * running is stopped on the way up, and what was acknowledged before the kill is still there.
 */
class CrashRestartTest {

    private static final Pattern LISTENING = Pattern.compile("ProcLedger listening on http://localhost:(\\d+)");
    private static final String OPERATOR_PASSWORD = "operator-crash-password";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dataDir;

    private final List<Process> services = new ArrayList<>();

    @AfterEach
    void stopServices() {
        services.forEach(Process::destroyForcibly);
    }

    @Test
    void givenAServiceKilledWithSigkill_whenStartedAgainOnItsDataDirectory_thenItServesWhatItAcknowledged() throws Exception {
        var first = start();
        String token = signIn(first.port());
        var created = send(first.port(), "POST", "/api/tenants", token,
                "{\"name\":\"Crash Ltd\",\"currency\":\"EUR\",\"admin\":{\"email\":\"ada@crash.test\",\"name\":\"Ada\","
                        + "\"password\":\"a-long-enough-password\"}}");
        assertThat(created.statusCode()).isEqualTo(201);

        long postmasterPid = postmasterPid();
        first.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no shutdown hook runs
        assertThat(first.process().isAlive()).isFalse();
        assertThat(ProcessHandle.of(postmasterPid).map(ProcessHandle::isAlive)).as("the orphaned postmaster")
                .contains(true);

        var second = start();
        assertThat(ProcessHandle.of(postmasterPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        var tenant = send(second.port(), "POST", "/api/auth/token", null,
                "{\"email\":\"ada@crash.test\",\"password\":\"a-long-enough-password\"}");
        assertThat(tenant.statusCode()).as(tenant.body()).isEqualTo(200);
    }

    private long postmasterPid() throws Exception {
        return Long.parseLong(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).getFirst().strip());
    }

    private record Service(Process process, int port) {
    }

    /** The service in a JVM of its own, as `bin/procledger` runs it, on plain HTTP and a port of its choosing. */
    private Service start() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        var command = List.of(java, "-cp", System.getProperty("java.class.path"),
                ProcLedgerApplication.class.getName(),
                "--server.port=0",
                "--procledger.data-dir=" + dataDir,
                "--procledger.http.tls.plain=true",
                "--procledger.bootstrap-password=" + OPERATOR_PASSWORD,
                "--procledger.passwords.bcrypt-cost=4",
                "--procledger.passwords.allow-cost-below12-for-tests=true",
                "--logging.level.com.procledger.api.ServiceReadyLog=INFO");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        services.add(process);
        var port = CompletableFuture.supplyAsync(() -> listeningPort(process));
        Optional<Integer> found = port.get(120, TimeUnit.SECONDS);
        assertThat(found).as("the service said where it listens before it exited").isPresent();
        return new Service(process, found.get());
    }

    private static Optional<Integer> listeningPort(Process process) {
        try {
            var lines = new BufferedReader(new InputStreamReader(process.getInputStream()));
            String line;
            while ((line = lines.readLine()) != null) {
                var matcher = LISTENING.matcher(line);
                if (matcher.find()) {
                    int port = Integer.parseInt(matcher.group(1));
                    // keep draining, so the service never blocks on a full pipe
                    Thread.ofVirtual().start(() -> lines.lines().forEach(ignored -> { }));
                    return Optional.of(port);
                }
                System.out.println("service: " + line);
            }
            return Optional.empty();
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    private static String signIn(int port) throws Exception {
        // the platform operator is created once the service has started (an ApplicationRunner, after the port opens)
        HttpResponse<String> answer;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        do {
            answer = send(port, "POST", "/api/auth/token", null,
                    "{\"email\":\"operator@procledger.local\",\"password\":\"" + OPERATOR_PASSWORD + "\"}");
        } while (answer.statusCode() == 401 && System.nanoTime() < deadline && pause());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        var matcher = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"").matcher(answer.body());
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }

    private static boolean pause() throws InterruptedException {
        Thread.sleep(200);
        return true;
    }

    private static HttpResponse<String> send(int port, String method, String path, String token, String body)
            throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
