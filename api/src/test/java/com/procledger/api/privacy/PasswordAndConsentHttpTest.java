package com.procledger.api.privacy;

import com.procledger.api.HttpTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A person changes their password (no old hash left anywhere) and their consent; a tenant admin sets the default. */
class PasswordAndConsentHttpTest extends HttpTestSupport {

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aPasswordChangeNeedsTheCurrentOneEndsOtherSessionsAndLeavesNoOldHash() {
        TestTenant tenant = newTenant();
        String email = "pat-" + UUID.randomUUID() + "@example.test";
        var created = post(tenant.path("/users"), tenant.admin, Map.of("email", email, "name", "Pat", "password", PASSWORD,
                "roles", List.of("REQUESTER")));
        UUID pat = UUID.fromString(created.json().get("id").asString());
        String session = token(email, PASSWORD);
        String otherSession = token(email, PASSWORD);
        String oldHash = jdbc.queryForObject("SELECT password_hash FROM user_credentials WHERE user_id = ?", String.class, pat);

        assertThat(post("/api/me/password", session, Map.of("currentPassword", "not-the-password-1",
                "newPassword", "a-brand-new-password")).status()).isEqualTo(403);
        assertThat(post("/api/me/password", session, Map.of("currentPassword", PASSWORD, "newPassword", "short"))
                .status()).isEqualTo(400);
        var changed = post("/api/me/password", session, Map.of("currentPassword", PASSWORD,
                "newPassword", "a-brand-new-password"));
        assertThat(changed.status()).as(changed.body()).isEqualTo(204);

        assertThat(get(tenant.path("/requisitions"), session).status()).isEqualTo(200);
        assertThat(get(tenant.path("/requisitions"), otherSession).status()).isEqualTo(401);
        assertThat(post("/api/auth/token", null, Map.of("email", email, "password", PASSWORD)).status()).isEqualTo(401);
        assertThat(token(email, "a-brand-new-password")).isNotBlank();
        // the old hash is in no table: not the credentials, not the ledger, not a read model
        assertThat(jdbc.queryForObject("SELECT count(*) FROM user_credentials WHERE password_hash = ?", Long.class, oldHash))
                .isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM ledger_events WHERE strpos(payload::text, ?) > 0 "
                + "OR strpos(metadata::text, ?) > 0", Long.class, oldHash, oldHash)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM ledger_events WHERE strpos(payload::text, '$2a$') > 0",
                Long.class)).as("no bcrypt hash in any event").isZero();
        // the change is an access event
        String compliance = tenant.addUser("compliance", List.of("COMPLIANCE"));
        assertThat(get(tenant.path("/access-events?action=password.change&actor=" + pat), compliance).json()
                .get("total").asLong()).isEqualTo(3);
    }

    @Test
    void aPersonsConsentOverridesTheTenantsDefaultAndEachChangeIsAnEvent() {
        TestTenant tenant = newTenant();
        var mine = get("/api/me/consents", tenant.requester);
        assertThat(mine.status()).isEqualTo(200);
        assertThat(mine.json().get("aiProcessing").asBoolean()).isFalse();
        assertThat(mine.json().get("source").asString()).isEqualTo("TENANT_DEFAULT");

        var byDefault = send("PUT", tenant.path("/privacy-settings"), tenant.admin, Map.of("aiProcessingDefault", true));
        assertThat(byDefault.status()).as(byDefault.body()).isEqualTo(200);
        assertThat(byDefault.json().get("aiProcessingDefault").asBoolean()).isTrue();
        assertThat(get("/api/me/consents", tenant.requester).json().get("aiProcessing").asBoolean()).isTrue();
        assertThat(send("PUT", tenant.path("/privacy-settings"), tenant.requester, Map.of("aiProcessingDefault", false)).status())
                .isEqualTo(403);

        var withdrawn = send("PUT", "/api/me/consents", tenant.requester, Map.of("aiProcessing", false));
        assertThat(withdrawn.status()).as(withdrawn.body()).isEqualTo(200);
        assertThat(withdrawn.json().get("aiProcessing").asBoolean()).isFalse();
        assertThat(withdrawn.json().get("source").asString()).isEqualTo("USER");
        assertThat(send("PUT", "/api/me/consents", tenant.requester, Map.of()).status()).isEqualTo(400);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM ledger_events WHERE tenant_id = ? AND event_type IN "
                + "('ConsentChanged', 'ConsentDefaultChanged')", Long.class, tenant.id)).isEqualTo(2);
    }

    @Test
    void aFailedSignInIsSealedUnderTheDaysKeyNotUnderTheAccountItTried() {
        TestTenant tenant = newTenant();
        String email = "tried-" + UUID.randomUUID() + "@example.test";
        UUID user = UUID.fromString(post(tenant.path("/users"), tenant.admin, Map.of("email", email, "name", "Tried",
                "password", PASSWORD, "roles", List.of("REQUESTER"))).json().get("id").asString());
        assertThat(post("/api/auth/token", null, Map.of("email", email, "password", "not-the-password-1")).status())
                .isEqualTo(401);
        String session = token(email, PASSWORD);
        var signIns = jdbc.queryForList("""
                SELECT payload::jsonb->>'status' AS status, payload::jsonb->>'actor' AS actor,
                       payload::jsonb->>'dataSubject' AS subject, payload::jsonb->>'detail' AS detail,
                       payload::jsonb->>'clientIp' AS ip FROM ledger_events
                WHERE event_type = 'AccessRecorded' AND payload::jsonb->>'action' = 'auth.token'
                  AND payload::jsonb->>'actor' = ? ORDER BY ledger_seq""", user.toString());
        assertThat(signIns).hasSize(2);
        // their export shows the attempt on their account, but not the unknown caller's address or what they typed
        var export = get("/api/me/personal-data", session).json();
        boolean sawAttempt = false;
        for (var access : export.get("accessEvents")) {
            if (access.get("status").asInt() == 401) {
                sawAttempt = true;
                assertThat(access.get("ip").isNull()).isTrue();
                assertThat(access.get("detail").isNull()).isTrue();
            } else if (access.get("action").asString().equals("auth.token")) {
                assertThat(access.get("detail").asString()).isEqualTo(email);
            }
        }
        assertThat(sawAttempt).isTrue();
        // the failed one names the account it tried, but its address and the email are an unknown caller's
        assertThat(signIns.get(0)).containsEntry("status", "401").containsEntry("subject", null);
        assertThat((String) signIns.get(0).get("detail")).startsWith("sealed:v1:anonymous-").doesNotContain(email);
        assertThat((String) signIns.get(0).get("ip")).startsWith("sealed:v1:anonymous-");
        // the successful one is the user's own
        assertThat(signIns.get(1)).containsEntry("status", "200").containsEntry("subject", user.toString());
        assertThat((String) signIns.get(1).get("detail")).startsWith("sealed:v1:" + user + ":");
    }
}
