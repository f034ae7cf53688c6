package com.procledger.api.identity;

import com.procledger.api.HttpTestSupport;
import com.procledger.api.http.HeaderValues;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.web.FilterChainProxy;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.test.util.ReflectionTestUtils;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bearer token is found without Spring's regular expression, and header values are checked without the
 * firewall's (BearerTokens, HeaderValues): the service still answers every spelling as Spring Security would.
 */
class BearerHeaderHttpTest extends HttpTestSupport {

    @Autowired
    FilterChainProxy filters;
    @Autowired
    HttpFirewall firewall;

    @Test
    void wellFormedTokensInAnySpellingSpringAcceptsAreAcceptedAndMalformedOnesAre401() {
        TestTenant tenant = newTenant();
        String path = tenant.path("/users");
        assertThat(get(path, null, "Authorization", "Bearer " + tenant.admin).status()).isEqualTo(200);
        assertThat(get(path, null, "Authorization", "bearer " + tenant.admin).status()).isEqualTo(200);
        for (String malformed : new String[]{"Bearer  " + tenant.admin, "Bearer " + tenant.admin + "!",
                "Bearer " + tenant.admin.replace('.', ','), "Bearer", "Bearerx" + tenant.admin}) {
            Response response = get(path, null, "Authorization", malformed);
            assertThat(response.status()).as(malformed).isEqualTo(401);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.body()).doesNotContain("Exception").doesNotContain("regex");
        }
        // another scheme is not a bearer token: no token at all
        assertThat(get(path, null, "Authorization", "Basic dXNlcjpwYXNz").status()).isEqualTo(401);
    }

    @Test
    void aHeaderValueWithAControlCharacterIsRefusedByTheFirewallWeConfigured() throws Exception {
        // the chain Spring Security runs (inside Spring's composite of it) checks header values with ours
        Object chain = ReflectionTestUtils.getField(filters, "springSecurityFilterChain");
        Object used = ReflectionTestUtils.getField(chain == null ? filters : chain, "firewall");
        assertThat(used).as("the firewall Spring Security uses").isSameAs(firewall);
        assertThat(ReflectionTestUtils.getField(used, "allowedHeaderValues")).isSameAs(HeaderValues.ALLOWED);
        TestTenant tenant = newTenant();
        // byte 0x85 reaches the service as U+0085, a C1 control: outside printable ASCII, so the firewall's own
        // check decides when the chain reads the header (the API-key filter reads X-Api-Key), and refuses it
        String refused = raw("GET " + tenant.path("/users") + " HTTP/1.1\r\nHost: localhost\r\nX-Api-Key: a\u0085b"
                + "\r\nConnection: close\r\n\r\n");
        assertThat(refused).startsWith("HTTP/1.1 400").containsIgnoringCase("Content-Type: application/problem+json")
                .doesNotContain("Exception");
        String plain = raw("GET " + tenant.path("/users") + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + tenant.admin + "\r\nX-Note: a\tb ~\r\nConnection: close\r\n\r\n");
        assertThat(plain).startsWith("HTTP/1.1 200");
    }

    private String raw(String request) throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            var answer = new ByteArrayOutputStream();
            in.transferTo(answer);
            return answer.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
