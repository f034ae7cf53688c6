package com.procledger.api;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The service in a JVM of its own, as `bin/procledger` runs it, on plain HTTP and a port of its choosing. */
public final class ChildService implements AutoCloseable {

    public static final String OPERATOR_PASSWORD = "operator-child-password";
    private static final Pattern LISTENING = Pattern.compile("ProcLedger listening on http://localhost:(\\d+)");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public final Process process;
    public final int port;
    /** Every line the service logged after it started listening. */
    public final List<String> log;

    private ChildService(Process process, int port, List<String> log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static ChildService start(Path dataDir, String... extraArguments) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        var command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                ProcLedgerApplication.class.getName(),
                "--server.port=0",
                "--procledger.data-dir=" + dataDir,
                "--procledger.http.tls.plain=true",
                "--procledger.bootstrap-password=" + OPERATOR_PASSWORD,
                "--procledger.passwords.bcrypt-cost=4",
                "--procledger.passwords.allow-cost-below12-for-tests=true",
                "--logging.level.com.procledger.api.ServiceReadyLog=INFO"));
        command.addAll(List.of(extraArguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
            Optional<Integer> found = CompletableFuture.supplyAsync(() -> listeningPort(process, log)).get(120, TimeUnit.SECONDS);
            assertThat(found).as("the service said where it listens before it exited").isPresent();
            return new ChildService(process, found.get(), log);
        } catch (Exception | AssertionError e) {
            process.destroyForcibly();
            throw e;
        }
    }

    private static Optional<Integer> listeningPort(Process process, List<String> log) {
        try {
            var lines = new BufferedReader(new InputStreamReader(process.getInputStream()));
            String line;
            while ((line = lines.readLine()) != null) {
                var matcher = LISTENING.matcher(line);
                if (matcher.find()) {
                    int port = Integer.parseInt(matcher.group(1));
                    // keep draining (and showing) the log, so the service never blocks on a full pipe
                    Thread.ofVirtual().start(() -> lines.lines().forEach(l -> {
                        log.add(l);
                        System.out.println("service: " + l);
                    }));
                    return Optional.of(port);
                }
                System.out.println("service: " + line);
            }
            return Optional.empty();
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    /** The operator's token; the operator is created once the service has started, so this waits for it. */
    public String signInOperator() throws Exception {
        HttpResponse<String> answer;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        do {
            answer = send("POST", "/api/auth/token", null,
                    "{\"email\":\"operator@procledger.local\",\"password\":\"" + OPERATOR_PASSWORD + "\"}");
            if (answer.statusCode() == 401) {
                Thread.sleep(200);
            }
        } while (answer.statusCode() == 401 && System.nanoTime() < deadline);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        var matcher = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"").matcher(answer.body());
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }

    public HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(90))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
