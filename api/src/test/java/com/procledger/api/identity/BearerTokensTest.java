package com.procledger.api.identity;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BearerTokensTest {

    private final BearerTokens ours = new BearerTokens();
    private final DefaultBearerTokenResolver spring = new DefaultBearerTokenResolver();

    @Test
    void aWellFormedTokenIsFoundAndMalformedOnesAreRefusedAsSpringRefusesThem() {
        String jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl-_~+/==";
        assertThat(ours.resolve(request("Bearer " + jwt))).isEqualTo(jwt);
        assertThat(ours.resolve(request("bearer " + jwt))).isEqualTo(jwt);
        assertThat(ours.resolve(request(null))).isNull();
        assertThat(ours.resolve(request("Basic dXNlcjpwYXNz"))).isNull();
        for (String malformed : List.of("Bearer", "Bearer ", "Bearer  " + jwt, "Bearer " + jwt + " ", "Bearer a=b",
                "Bearer tok!en", "Bearer =", "Bearerx", "Bearer\t" + jwt, "Bearer " + jwt + "\n")) {
            assertThatThrownBy(() -> ours.resolve(request(malformed))).as(malformed)
                    .isInstanceOf(OAuth2AuthenticationException.class)
                    .satisfies(e -> assertThat(((OAuth2AuthenticationException) e).getError().getErrorCode())
                            .isEqualTo("invalid_token"));
        }
    }

    @Test
    void answersAsSpringSecuritysOwnResolverOnGeneratedHeaders() {
        Random random = new Random(20261206);
        String alphabet = "aZ09-._~+/=! \t\u00e9\u212a\u0000:,\"";
        List<String> prefixes = List.of("Bearer ", "bearer ", "BEARER ", "Bearer", "Bearer  ", "Bearerx", "Basic ", "",
                "B", "bEaReR ");
        List<String> headers = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            var header = new StringBuilder(prefixes.get(random.nextInt(prefixes.size())));
            int length = random.nextInt(12);
            for (int j = 0; j < length; j++) {
                // mostly token characters, so that many headers are well formed
                header.append(random.nextInt(4) > 0 ? "abcXYZ019-._~+/".charAt(random.nextInt(15))
                        : alphabet.charAt(random.nextInt(alphabet.length())));
            }
            headers.add(header.toString());
        }
        int found = 0;
        for (String header : headers) {
            String expected = outcome(spring, header);
            assertThat(outcome(ours, header)).as("[%s]", header).isEqualTo(expected);
            if (expected.startsWith("token ") && !expected.equals("token null")) {
                found++;
            }
        }
        assertThat(found).as("well-formed headers among the generated ones").isGreaterThan(2_000);
    }

    /** The token a resolver finds in the header, or the error it answers with. */
    private static String outcome(org.springframework.security.oauth2.server.resource.web.BearerTokenResolver resolver,
                                  String header) {
        try {
            return "token " + resolver.resolve(request(header));
        } catch (OAuth2AuthenticationException e) {
            return "error " + e.getError().getErrorCode() + ": " + e.getError().getDescription();
        }
    }

    private static MockHttpServletRequest request(String authorization) {
        var request = new MockHttpServletRequest("GET", "/api/tenants");
        if (authorization != null) {
            request.addHeader("Authorization", authorization);
        }
        return request;
    }
}
