package com.procledger.api.tenant;

import com.procledger.api.HttpTestSupport;
import com.procledger.infra.identity.Totp;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class SecurityPolicyHttpTest extends HttpTestSupport {

    @Autowired
    JdbcTemplate jdbc;

    String newUser(TestTenant tenant, String role) {
        String email = role.toLowerCase() + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.test";
        assertThat(post(tenant.path("/users"), tenant.admin, Map.of("email", email, "name", role, "password", PASSWORD,
                "roles", List.of(role))).status()).isEqualTo(201);
        return email;
    }

    Response signIn(String email, String totp) {
        var body = new HashMap<String, Object>(Map.of("email", email, "password", PASSWORD));
        if (totp != null) {
            body.put("totp", totp);
        }
        return post("/api/auth/token", null, body);
    }

    @Test
    void whenTheTenantRequiresMfaForARoleItsHoldersCanOnlyTurnItOnUntilTheyHave() {
        TestTenant tenant = newTenant();
        Response set = send("PUT", tenant.path("/security-policy"), tenant.admin,
                Map.of("mfaForEveryone", false, "mfaRoles", List.of("FINANCE")));
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        assertThat(get(tenant.path(""), tenant.requester).json().get("securityPolicy").get("mfaRoles").get(0).asString())
                .isEqualTo("FINANCE");

        String requester = newUser(tenant, "REQUESTER");
        assertThat(get(tenant.path("/requisitions"), signIn(requester, null).json().get("access_token").asString())
                .status()).isEqualTo(200);

        String finance = newUser(tenant, "FINANCE");
        String restricted = signIn(finance, null).json().get("access_token").asString();
        Response refused = get(tenant.path("/requisitions"), restricted);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("detail").asString()).contains("two-factor");

        Response enrolment = post("/api/me/mfa/totp", restricted, null);
        assertThat(enrolment.status()).isEqualTo(200);
        byte[] secret = base32Decode(enrolment.json().get("secret").asString());
        long step = Totp.step(Instant.now());
        assertThat(post("/api/me/mfa/totp/confirm", restricted, Map.of("code", Totp.code(secret, step, 6))).status())
                .isEqualTo(200);
        assertThat(signIn(finance, null).status()).isEqualTo(401);
        String full = signIn(finance, Totp.code(secret, step + 1, 6)).json().get("access_token").asString();
        assertThat(get(tenant.path("/requisitions"), full).status()).isEqualTo(200);
    }

    @Test
    void aSessionIdleForLongerThanTheTenantAllowsEnds() {
        TestTenant tenant = newTenant();
        assertThat(send("PUT", tenant.path("/security-policy"), tenant.admin,
                Map.of("mfaForEveryone", false, "mfaRoles", List.of(), "idleTimeoutMinutes", 30)).status()).isEqualTo(200);
        String email = newUser(tenant, "REQUESTER");
        var pair = signIn(email, null).json();
        String refreshToken = pair.get("refresh_token").asString();
        // 31 minutes pass without the session being used
        jdbc.update("UPDATE refresh_tokens SET issued_at = issued_at - interval '31 minutes' WHERE id = ?::uuid",
                refreshToken.substring(0, refreshToken.indexOf('.')));
        assertThat(post("/api/auth/refresh", null, Map.of("refresh_token", refreshToken)).status()).isEqualTo(401);
        // and the session is over: its access token too
        assertThat(get(tenant.path("/requisitions"), pair.get("access_token").asString()).status()).isEqualTo(401);

        // a session in use goes on
        var active = signIn(email, null).json();
        assertThat(post("/api/auth/refresh", null, Map.of("refresh_token", active.get("refresh_token").asString()))
                .status()).isEqualTo(200);
    }

    @Test
    void aPolicyThatMakesNoSenseIsRefused() {
        TestTenant tenant = newTenant();
        assertThat(send("PUT", tenant.path("/security-policy"), tenant.admin,
                Map.of("mfaForEveryone", true, "mfaRoles", List.of("OPERATOR"))).status()).isEqualTo(400);
        assertThat(send("PUT", tenant.path("/security-policy"), tenant.admin,
                Map.of("mfaForEveryone", true, "mfaRoles", List.of(), "idleTimeoutMinutes", 1)).status()).isEqualTo(400);
        assertThat(send("PUT", tenant.path("/security-policy"), tenant.admin,
                Map.of("mfaForEveryone", true, "mfaRoles", List.of("NOBODY"))).status()).isEqualTo(400);
    }
}
