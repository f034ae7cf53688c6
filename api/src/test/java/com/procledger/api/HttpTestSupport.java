package com.procledger.api;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests over real HTTP against the application on a random port, backed by the embedded PostgreSQL in a
 * temporary data directory. All test classes share one application (Spring caches the context); each test makes
 * its own tenant, so tests do not see each other's data.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "procledger.passwords.bcrypt-cost=4",
        "procledger.passwords.allow-cost-below12-for-tests=true",
        // plain HTTP, as explicitly allowed for local use; HTTPS itself is tested in TlsHttpTest
        "procledger.http.tls.plain=true",
        // every test signs in from 127.0.0.1: the per-address throttle is tested in LoginThrottleTest
        "procledger.passwords.throttle-after-ip-failures=1000",
        // long enough that a slow machine cannot outwait it between two requests of PasswordPolicyHttpTest
        "procledger.passwords.throttle-first-delay=60s",
        // every test calls from 127.0.0.1, thousands of times a minute: limits are tested in RateLimitHttpTest
        "procledger.rate-limit.per-ip=10000000", "procledger.rate-limit.per-token=10000000",
        "procledger.ledger.checkpoint-every-events=20",
        // answers in full however busy the machine; the 202 answer is asked for with Prefer: respond-async
        "procledger.investigations.answer-within=60s",
        "procledger.ledger.checkpoint-every=1h",
        "procledger.ledger.checkpoint-check-interval=200ms",
        "procledger.bootstrap-password=" + HttpTestSupport.OPERATOR_PASSWORD,
        // the service's own lines as JSON, as an operator switches them on (README; StructuredLogsHttpTest): the
        // tests' logback-test.xml would otherwise take precedence over Boot's own configuration
        "logging.structured.format.console=ecs", "logging.structured.ecs.service.name=procledger",
        "logging.config=classpath:logback-structured-test.xml"})
public abstract class HttpTestSupport {

    public static final String OPERATOR_PASSWORD = "operator-test-password";
    public static final String PASSWORD = "a-long-enough-password";
    private static final Path DATA_DIR = createDataDir();
    protected static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    protected int port;

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("procledger.data-dir", DATA_DIR::toString);
    }

    private static Path createDataDir() {
        try {
            // under target/: removed by `mvn clean`, and never left in the machine's /tmp
            Path target = Path.of("target");
            Files.createDirectories(target);
            return Files.createTempDirectory(target.toAbsolutePath(), "test-data-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A claim of a bearer token, read from its payload (no check: the server checks). */
    protected static String claim(String token, String name) {
        return JSON.readTree(new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]))).get(name).asString();
    }

    /** RFC 4648 base32, as authenticator apps read a TOTP secret. */
    protected static byte[] base32Decode(String text) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var out = new java.io.ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (char c : text.toCharArray()) {
            buffer = (buffer << 5) | alphabet.indexOf(c);
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >>> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }

    protected String operatorToken;

    @BeforeEach
    protected void signInOperator() {
        operatorToken = token("operator@procledger.local", OPERATOR_PASSWORD);
    }

    public record Response(int status, HttpResponse<String> raw) {

        public JsonNode json() {
            return JSON.readTree(raw.body());
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        public String contentType() {
            return header("Content-Type");
        }

        public String body() {
            return raw.body();
        }
    }

    protected Response send(String method, String path, String token, Object body, String... headers) {
        try {
            String json = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
            var builder = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .timeout(Duration.ofSeconds(30))
                    .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
            if (json != null) {
                builder.header("Content-Type", "application/json");
            }
            if (token != null) {
                builder.header("Authorization", "Bearer " + token);
            }
            for (int i = 0; i < headers.length; i += 2) {
                builder.header(headers[i], headers[i + 1]);
            }
            HttpResponse<String> response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A GET whose answer is kept as bytes (ZIP files and the like). */
    protected HttpResponse<byte[]> getBytes(String path, String token) {
        try {
            var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + token).GET().build();
            return HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    protected Response get(String path, String token, String... headers) {
        return send("GET", path, token, null, headers);
    }

    protected Response post(String path, String token, Object body, String... headers) {
        return send("POST", path, token, body, headers);
    }

    protected String token(String email, String password) {
        Response response = post("/api/auth/token", null, Map.of("email", email, "password", password));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().get("access_token").asString();
    }

    /** A fresh tenant with an admin, a requester, two approvers and a finance user, all signed in. */
    protected TestTenant newTenant() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String adminEmail = "admin-" + suffix + "@example.test";
        Response created = post("/api/tenants", operatorToken, Map.of("name", "Tenant " + suffix, "currency", "EUR",
                "admin", Map.of("email", adminEmail, "name", "Admin", "password", PASSWORD)));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        UUID id = UUID.fromString(created.json().get("id").asString());
        String admin = token(adminEmail, PASSWORD);
        var tenant = new TestTenant(id, admin);
        tenant.requester = tenant.addUser("requester", List.of("REQUESTER"));
        tenant.approver = tenant.addUser("approver", List.of("APPROVER"));
        tenant.secondApprover = tenant.addUser("approver2", List.of("APPROVER"));
        tenant.finance = tenant.addUser("finance", List.of("FINANCE"));
        return tenant;
    }

    /** A requisition line of this category: quantity times unit price. */
    protected static Map<String, Object> line(String category, String quantity, String unitPrice) {
        return Map.of("description", "item", "category", category, "quantity", quantity, "unitPrice", unitPrice);
    }

    protected static Map<String, Object> requisition(String unitPrice) {
        return Map.of("title", "Laptops", "department", "Engineering", "vendor", "ACME", "currency", "EUR",
                "lines", List.of(Map.of("description", "Laptop", "category", "IT", "quantity", "2", "unitPrice", unitPrice)));
    }

    public class TestTenant {
        public final UUID id;
        public final String admin;
        public String requester;
        public String approver;
        public String secondApprover;
        public String finance;
        private final String suffix = UUID.randomUUID().toString().substring(0, 8);

        TestTenant(UUID id, String admin) {
            this.id = id;
            this.admin = admin;
        }

        public String path(String rest) {
            return "/api/tenants/" + id + rest;
        }

        public String addUser(String name, List<String> roles) {
            String email = name + "-" + suffix + "@example.test";
            Response response = post(path("/users"), admin,
                    Map.of("email", email, "name", name, "password", PASSWORD, "roles", roles));
            assertThat(response.status()).as(response.body()).isEqualTo(201);
            return token(email, PASSWORD);
        }

        public UUID raise(String unitPrice) {
            Response response = post(path("/requisitions"), requester, requisition(unitPrice));
            assertThat(response.status()).as(response.body()).isEqualTo(201);
            return UUID.fromString(response.json().get("id").asString());
        }

        public UUID raiseAndSubmit(String unitPrice) {
            UUID id = raise(unitPrice);
            Response submitted = post(path("/requisitions/" + id + "/submit"), requester, null);
            assertThat(submitted.status()).as(submitted.body()).isEqualTo(200);
            return id;
        }

        /** A submitted EUR requisition of this department and vendor with these lines (see {@link #line}). */
        public UUID raiseAndSubmit(String department, String vendor, List<Map<String, Object>> lines) {
            Response raised = post(path("/requisitions"), requester, Map.of("title", "T", "department", department,
                    "vendor", vendor, "currency", "EUR", "lines", lines));
            assertThat(raised.status()).as(raised.body()).isEqualTo(201);
            UUID id = UUID.fromString(raised.json().get("id").asString());
            assertThat(post(path("/requisitions/" + id + "/submit"), requester, null).status()).isEqualTo(200);
            return id;
        }
    }
}
