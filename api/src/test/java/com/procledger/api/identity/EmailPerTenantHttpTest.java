package com.procledger.api.identity;

import com.procledger.api.HttpTestSupport;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An email address is unique within its tenant only: a tenant admin cannot learn that an address exists in another
 * tenant, and sign-in names the tenant only where the address opens several accounts.
 */
class EmailPerTenantHttpTest extends HttpTestSupport {

    private static final String OTHER_PASSWORD = "another-long-password";

    @Test
    void aTenantAdminLearnsNothingAboutAddressesOfOtherTenants() {
        TestTenant acme = newTenant();
        TestTenant globex = newTenant();
        String email = "shared-" + UUID.randomUUID().toString().substring(0, 8) + "@example.test";
        assertThat(register(acme, email, PASSWORD).status()).isEqualTo(201);
        // the same address in another tenant is simply another account: no 409, nothing told
        assertThat(register(globex, email, OTHER_PASSWORD).status()).isEqualTo(201);
        // within one tenant an address is still unique
        Response again = register(acme, email.toUpperCase(), PASSWORD);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("detail").asString()).contains("in this tenant");

        // each password opens its own account, without naming the tenant
        assertThat(tenantOf(signIn(email, PASSWORD, null))).isEqualTo(acme.id.toString());
        assertThat(tenantOf(signIn(email, OTHER_PASSWORD, null))).isEqualTo(globex.id.toString());
        assertThat(signIn(email, "a-wrong-password-1", null).status()).isEqualTo(401);
        // naming the tenant picks the account there
        assertThat(tenantOf(signIn(email, OTHER_PASSWORD, globex.id))).isEqualTo(globex.id.toString());
        Response wrongTenant = signIn(email, OTHER_PASSWORD, acme.id);
        assertThat(wrongTenant.status()).isEqualTo(401);
        assertThat(wrongTenant.json().get("detail").asString()).isEqualTo("invalid email or password");
    }

    @Test
    void aPasswordThatOpensAccountsInSeveralTenantsMustNameOne() {
        TestTenant acme = newTenant();
        TestTenant globex = newTenant();
        String email = "twice-" + UUID.randomUUID().toString().substring(0, 8) + "@example.test";
        assertThat(register(acme, email, PASSWORD).status()).isEqualTo(201);
        assertThat(register(globex, email, PASSWORD).status()).isEqualTo(201);
        Response ambiguous = signIn(email, PASSWORD, null);
        assertThat(ambiguous.status()).isEqualTo(400);
        assertThat(ambiguous.contentType()).startsWith("application/problem+json");
        assertThat(ambiguous.json().get("detail").asString()).contains("send tenantId");
        assertThat(tenantOf(signIn(email, PASSWORD, acme.id))).isEqualTo(acme.id.toString());
        assertThat(tenantOf(signIn(email, PASSWORD, globex.id))).isEqualTo(globex.id.toString());
    }

    private Response register(TestTenant tenant, String email, String password) {
        return post(tenant.path("/users"), tenant.admin,
                Map.of("email", email, "name", "Sam", "password", password, "roles", List.of("REQUESTER")));
    }

    private Response signIn(String email, String password, UUID tenantId) {
        var body = new HashMap<String, Object>(Map.of("email", email, "password", password));
        if (tenantId != null) {
            body.put("tenantId", tenantId.toString());
        }
        return post("/api/auth/token", null, body);
    }

    private static String tenantOf(Response signedIn) {
        assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(200);
        String token = signedIn.json().get("access_token").asString();
        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        return JSON.readTree(payload).get("tenant").asString();
    }
}
