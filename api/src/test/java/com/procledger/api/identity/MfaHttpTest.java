package com.procledger.api.identity;

import com.procledger.api.HttpTestSupport;
import com.procledger.infra.identity.Totp;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class MfaHttpTest extends HttpTestSupport {

    Response signIn(String email, String totp) {
        var body = new java.util.HashMap<String, Object>(Map.of("email", email, "password", PASSWORD));
        if (totp != null) {
            body.put("totp", totp);
        }
        return post("/api/auth/token", null, body);
    }

    @Test
    void enrolConfirmThenEverySignInNeedsAFreshCodeOrAnUnusedRecoveryCode() {
        TestTenant tenant = newTenant();
        String email = "mfa-" + UUID.randomUUID().toString().substring(0, 8) + "@example.test";
        assertThat(post(tenant.path("/users"), tenant.admin, Map.of("email", email, "name", "Mo", "password", PASSWORD,
                "roles", List.of("REQUESTER"))).status()).isEqualTo(201);
        String token = signIn(email, null).json().get("access_token").asString();

        Response enrolment = post("/api/me/mfa/totp", token, null);
        assertThat(enrolment.status()).as(enrolment.body()).isEqualTo(200);
        String uri = enrolment.json().get("otpauthUri").asString();
        String secretText = enrolment.json().get("secret").asString();
        assertThat(uri).startsWith("otpauth://totp/ProcLedger%3A").contains("secret=" + secretText)
                .contains("issuer=ProcLedger").contains("digits=6").contains("period=30");
        byte[] secret = base32Decode(secretText);
        assertThat(secret).hasSize(20);
        // until confirmed, signing in needs no code
        assertThat(signIn(email, null).status()).isEqualTo(200);

        assertThat(post("/api/me/mfa/totp/confirm", token, Map.of("code", "000000")).status()).isIn(400);
        long step = Totp.step(Instant.now());
        String now = Totp.code(secret, step, 6);
        Response confirmed = post("/api/me/mfa/totp/confirm", token, Map.of("code", now));
        assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(200);
        List<String> recovery = new ArrayList<>();
        confirmed.json().get("recoveryCodes").forEach(code -> recovery.add(code.asString()));
        assertThat(recovery).hasSize(10).doesNotHaveDuplicates();
        assertThat(post("/api/me/mfa/totp", token, null).status()).isEqualTo(409);

        Response missing = signIn(email, null);
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.json().get("detail").asString()).contains("one-time code is required");
        // the code that confirmed enrolment was used: it does not sign in
        assertThat(signIn(email, now).status()).isEqualTo(401);
        assertThat(signIn(email, "123456").status()).isEqualTo(401);
        // the next step's code (clock drift of one step is tolerated) works once
        String next = Totp.code(secret, step + 1, 6);
        assertThat(signIn(email, next).status()).isEqualTo(200);
        assertThat(signIn(email, next).status()).isEqualTo(401);

        assertThat(signIn(email, recovery.get(3)).status()).isEqualTo(200);
        assertThat(signIn(email, recovery.get(3)).status()).isEqualTo(401);
        assertThat(signIn(email, recovery.get(4).toLowerCase()).status()).isEqualTo(200);

        // the refused sign-ins (missing, used, wrong, replayed codes and a reused recovery code) are denials in the ledger
        String compliance = tenant.addUser("compliance", List.of("COMPLIANCE"));
        long deadline = System.nanoTime() + 10_000_000_000L;
        long denied = 0;
        while (denied < 5 && System.nanoTime() < deadline) {
            denied = get(tenant.path("/access-events?action=auth.token&outcome=DENIED"), compliance).json()
                    .get("total").asLong();
        }
        assertThat(denied).isEqualTo(5);
    }

    /** A new REQUESTER of the tenant, signed in: its email. */
    String newRequester(TestTenant tenant, String prefix) {
        String email = prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.test";
        assertThat(post(tenant.path("/users"), tenant.admin, Map.of("email", email, "name", "Mo", "password", PASSWORD,
                "roles", List.of("REQUESTER"))).status()).isEqualTo(201);
        return email;
    }

    /** Turns TOTP on for the session of {@code token}; returns the secret. */
    byte[] turnOnTotp(String token) {
        byte[] secret = base32Decode(post("/api/me/mfa/totp", token, null).json().get("secret").asString());
        assertThat(post("/api/me/mfa/totp/confirm", token,
                Map.of("code", Totp.code(secret, Totp.step(Instant.now()), 6))).status()).isEqualTo(200);
        return secret;
    }

    @Test
    void confirmingASecondFactorEndsEverySessionOpenedWithThePasswordAloneButTheOneThatConfirmed() {
        TestTenant tenant = newTenant();
        String email = newRequester(tenant, "mfa-sessions");
        var laptop = signIn(email, null).json();
        var stolen = signIn(email, null).json(); // a session someone else opened with the password
        String token = laptop.get("access_token").asString();
        turnOnTotp(token);

        assertThat(post("/api/auth/refresh", null, Map.of("refresh_token", stolen.get("refresh_token").asString()))
                .status()).isEqualTo(401);
        assertThat(get(tenant.path("/requisitions"), stolen.get("access_token").asString()).status()).isEqualTo(401);
        // the session that confirmed goes on
        assertThat(get(tenant.path("/requisitions"), token).status()).isEqualTo(200);
        assertThat(post("/api/auth/refresh", null, Map.of("refresh_token", laptop.get("refresh_token").asString()))
                .status()).isEqualTo(200);
    }

    @Test
    void thirtySimultaneousWrongCodesWithTheRightPasswordGetAtMostTheThresholdChecked() throws Exception {
        TestTenant tenant = newTenant();
        String email = newRequester(tenant, "mfa-burst");
        byte[] secret = turnOnTotp(signIn(email, null).json().get("access_token").asString());
        String wrong = Totp.code(secret, Totp.step(Instant.now()) + 20, 6);

        List<Integer> statuses = PasswordPolicyHttpTest.simultaneously(30, i -> signIn(email, wrong).status());
        assertThat(statuses).containsOnly(401, 429);
        assertThat(statuses.stream().filter(status -> status == 401).count()).as(statuses.toString()).isBetween(1L, 5L);
    }

    @Test
    void confirmingWithoutEnrolmentOrWithoutATokenIsRefused() {
        TestTenant tenant = newTenant();
        assertThat(post("/api/me/mfa/totp/confirm", tenant.approver, Map.of("code", "123456")).status()).isEqualTo(409);
        assertThat(post("/api/me/mfa/totp", null, null).status()).isEqualTo(401);
        assertThat(post("/api/me/mfa/totp/confirm", tenant.approver, Map.of()).status()).isEqualTo(400);
    }
}
