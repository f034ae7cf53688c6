package com.procledger.api.identity;

import com.procledger.api.HttpTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import tools.jackson.databind.JsonNode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tokens an attacker might try: every one is refused with 401 (or 404 for a valid token of another tenant), and
 * every refusal is in the ledger of the tenant it aimed at, as a denial.
 */
class HostileTokenHttpTest extends HttpTestSupport {

    @Autowired
    JwtEncoder encoder;
    @Autowired
    KeyPair tokenSigningKeys;

    static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    static String part(Object json) {
        return B64.encodeToString(JSON.writeValueAsString(json).getBytes(StandardCharsets.UTF_8));
    }

    /** The claims of a real token of {@code tenant}'s admin, to be re-signed by an attacker. */
    Map<String, Object> claimsOf(String token) {
        return JSON.readValue(Base64.getUrlDecoder().decode(token.split("\\.")[1]), Map.class);
    }

    @Test
    void forgedExpiredTamperedAndForeignTokensAreRefusedAndRecordedAsDenials() throws Exception {
        TestTenant tenant = newTenant();
        String compliance = tenant.addUser("compliance", List.of("COMPLIANCE"));
        TestTenant other = newTenant();
        Map<String, Object> claims = claimsOf(tenant.admin);
        String path = tenant.path("/users");

        // alg none: no signature at all
        String none = part(Map.of("alg", "none", "typ", "JWT")) + "." + part(claims) + ".";
        // HS256 "signed" with our RSA public key as the HMAC secret (the classic algorithm confusion)
        String hsInput = part(Map.of("alg", "HS256", "typ", "JWT")) + "." + part(claims);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(tokenSigningKeys.getPublic().getEncoded(), "HmacSHA256"));
        String hs256 = hsInput + "." + B64.encodeToString(mac.doFinal(hsInput.getBytes(StandardCharsets.US_ASCII)));
        // a real signature over different claims: a requester's token with TENANT_ADMIN written in
        String[] real = tenant.requester.split("\\.");
        Map<String, Object> elevated = claimsOf(tenant.requester);
        elevated.put("roles", List.of("TENANT_ADMIN"));
        String tampered = real[0] + "." + part(elevated) + "." + real[2];
        // ours, correctly signed, but expired
        Instant past = Instant.now().minusSeconds(3600);
        String expired = encoder.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).build(),
                JwtClaimsSet.builder().issuer("procledger").subject((String) claims.get("sub")).id(UUID.randomUUID().toString())
                        .issuedAt(past.minusSeconds(900)).expiresAt(past).claim("tenant", tenant.id.toString())
                        .claim("roles", List.of("TENANT_ADMIN")).build())).getTokenValue();
        // ours, valid, but another issuer
        String foreignIssuer = encoder.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).build(),
                JwtClaimsSet.builder().issuer("someone-else").subject((String) claims.get("sub")).id(UUID.randomUUID().toString())
                        .issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(600)).claim("tenant", tenant.id.toString())
                        .claim("roles", List.of("TENANT_ADMIN")).build())).getTokenValue();

        for (String hostile : List.of(none, hs256, tampered, expired, foreignIssuer)) {
            Response response = get(path, hostile);
            assertThat(response.status()).as(hostile).isEqualTo(401);
            assertThat(response.contentType()).startsWith("application/problem+json");
        }
        // another tenant's admin, with a perfectly valid token: not a member, so not found
        assertThat(get(path, other.admin).status()).isEqualTo(404);

        JsonNode denied = awaitDenials(tenant, compliance, 6);
        assertThat(denied.get("total").asLong()).isEqualTo(6);
        List<Integer> statuses = denied.get("items").valueStream().map(item -> item.get("status").asInt()).toList();
        assertThat(statuses).containsExactlyInAnyOrder(401, 401, 401, 401, 401, 404);
        assertThat(denied.get("items").valueStream().filter(item -> item.get("status").asInt() == 401))
                .allSatisfy(item -> {
                    assertThat(item.get("actor").isNull()).as("a refused token names no actor").isTrue();
                    assertThat(item.get("action").asString()).isEqualTo("user.list");
                });
        assertThat(denied.get("items").valueStream().filter(item -> item.get("status").asInt() == 404))
                .singleElement().satisfies(item -> assertThat(item.get("actor").asString())
                        .isEqualTo(claimsOf(other.admin).get("sub")));
    }

    JsonNode awaitDenials(TestTenant tenant, String compliance, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        JsonNode page;
        do {
            page = get(tenant.path("/access-events?outcome=DENIED&action=user.list"), compliance).json();
            if (page.get("total").asLong() >= expected) {
                return page;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return page;
    }
}
