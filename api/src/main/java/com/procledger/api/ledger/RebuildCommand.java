package com.procledger.api.ledger;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * {@code java -jar procledger.jar rebuild-read-model NAME}: asks the running service to rebuild a read model and
 * prints its progress until it is done. Signs in as an operator ({@code PROCLEDGER_OPERATOR_EMAIL}, default
 * {@code operator@procledger.local}, and {@code PROCLEDGER_OPERATOR_PASSWORD}); the service at
 * {@code PROCLEDGER_URL} (default {@code https://localhost:8080}), trusting {@code data/tls/server.crt} or
 * {@code PROCLEDGER_CACERT}. Exits 0 when the rebuild is done, 1 when it failed, 2 on bad usage or no answer.
 */
public final class RebuildCommand {

    public static final String NAME = "rebuild-read-model";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private RebuildCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.length != 1 || args[0].startsWith("-")) {
            err.println("usage: java -jar procledger.jar " + NAME + " NAME   (read models: tenants, users, requisitions, "
                    + "requisition-history, approval-inbox, spend-analytics, approval-policy-history)");
            return 2;
        }
        String password = env.get("PROCLEDGER_OPERATOR_PASSWORD");
        if (password == null || password.isBlank()) {
            err.println("set PROCLEDGER_OPERATOR_PASSWORD (and PROCLEDGER_OPERATOR_EMAIL if not operator@procledger.local)");
            return 2;
        }
        String base = env.getOrDefault("PROCLEDGER_URL", "https://localhost:8080");
        try {
            HttpClient http = client(base, Path.of(env.getOrDefault("PROCLEDGER_CACERT", "data/tls/server.crt")));
            String token = call(http, "POST", base + "/api/auth/token", null, JSON.writeValueAsString(Map.of(
                    "email", env.getOrDefault("PROCLEDGER_OPERATOR_EMAIL", "operator@procledger.local"),
                    "password", password))).get("access_token").asString();
            call(http, "POST", base + "/api/admin/projections/" + args[0] + "/rebuild", token, null);
            while (true) {
                JsonNode status = call(http, "GET", base + "/api/admin/projections/" + args[0], token, null);
                String state = status.get("status").asString();
                JsonNode left = status.get("secondsLeft");
                out.printf(Locale.ROOT, "%s %s: %,d of %,d ledger events, %,.0f per second%s%n", args[0], state,
                        status.get("processed").asLong(), status.get("total").asLong(),
                        status.get("ratePerSecond").asDouble(),
                        left == null || left.isNull() ? "" : ", about " + left.asLong() + " s left");
                if (!state.equals("RUNNING")) {
                    if (state.equals("FAILED")) {
                        err.println("failed: " + status.get("error").asString());
                    }
                    return state.equals("DONE") ? 0 : 1;
                }
                Thread.sleep(1000);
            }
        } catch (IOException | GeneralSecurityException | IllegalStateException e) {
            err.println("cannot rebuild: " + e.getMessage());
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 2;
        }
    }

    private static JsonNode call(HttpClient http, String method, String url, String token, String body)
            throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + url + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** An HTTP client that trusts the service's certificate file when there is one (the generated, self-signed one). */
    private static HttpClient client(String base, Path certificate) throws IOException, GeneralSecurityException {
        var builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (base.startsWith("https:") && Files.isRegularFile(certificate)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            try (InputStream in = Files.newInputStream(certificate)) {
                trust.setCertificateEntry("procledger", CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, factory.getTrustManagers(), null);
            builder.sslContext(tls);
        }
        return builder.build();
    }
}
