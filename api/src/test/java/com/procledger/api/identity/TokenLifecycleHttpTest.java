package com.procledger.api.identity;

import com.procledger.api.HttpTestSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class TokenLifecycleHttpTest extends HttpTestSupport {

    record Pair(String access, String refresh) {
        static Pair of(JsonNode json) {
            return new Pair(json.get("access_token").asString(), json.get("refresh_token").asString());
        }
    }

    /** A tenant user of its own, signed in: its email and its first token pair. */
    record Account(String email, String id, Pair pair) {
    }

    Account account(TestTenant tenant) {
        String email = "tokens-" + UUID.randomUUID().toString().substring(0, 8) + "@example.test";
        Response created = post(tenant.path("/users"), tenant.admin, Map.of("email", email, "name", "Tok",
                "password", PASSWORD, "roles", List.of("REQUESTER")));
        assertThat(created.status()).isEqualTo(201);
        return new Account(email, created.json().get("id").asString(), signIn(email));
    }

    Pair signIn(String email) {
        Response response = post("/api/auth/token", null, Map.of("email", email, "password", PASSWORD));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return Pair.of(response.json());
    }

    Response refresh(String refreshToken) {
        return post("/api/auth/refresh", null, Map.of("refresh_token", refreshToken));
    }

    @Test
    void aRefreshTokenIsGoodForOneRefreshAndReusingItRevokesItsWholeFamily() {
        TestTenant tenant = newTenant();
        Account ann = account(tenant);
        Response first = refresh(ann.pair().refresh());
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        Pair second = Pair.of(first.json());
        assertThat(second.refresh()).isNotEqualTo(ann.pair().refresh());
        assertThat(get(tenant.path("/requisitions"), second.access()).status()).isEqualTo(200);

        // someone replays the first refresh token: refused, and every token of the family stops working
        Response replay = refresh(ann.pair().refresh());
        assertThat(replay.status()).isEqualTo(401);
        assertThat(replay.contentType()).startsWith("application/problem+json");
        assertThat(refresh(second.refresh()).status()).isEqualTo(401);
        assertThat(get(tenant.path("/requisitions"), second.access()).status()).isEqualTo(401);
        assertThat(get(tenant.path("/requisitions"), ann.pair().access()).status()).isEqualTo(401);

        // a new sign-in starts a new family
        Pair fresh = signIn(ann.email());
        assertThat(get(tenant.path("/requisitions"), fresh.access()).status()).isEqualTo(200);
        assertThat(refresh(fresh.refresh()).status()).isEqualTo(200);
    }

    @Test
    void garbageAndForgedRefreshTokensAreRefused() {
        TestTenant tenant = newTenant();
        Account ann = account(tenant);
        String id = ann.pair().refresh().substring(0, ann.pair().refresh().indexOf('.'));
        assertThat(refresh(id + ".not-the-secret").status()).isEqualTo(401);
        assertThat(refresh("nonsense").status()).isEqualTo(401);
        assertThat(refresh(UUID.randomUUID() + ".x").status()).isEqualTo(401);
        assertThat(post("/api/auth/refresh", null, Map.of()).status()).isEqualTo(400);
        // the forged attempt did not use the real token up
        assertThat(refresh(ann.pair().refresh()).status()).isEqualTo(200);
    }

    @Test
    void logoutRevokesTheAccessTokenAndItsRefreshToken() {
        TestTenant tenant = newTenant();
        Account ann = account(tenant);
        Pair other = signIn(ann.email());
        assertThat(post("/api/auth/logout", ann.pair().access(), null).status()).isEqualTo(204);
        assertThat(get(tenant.path("/requisitions"), ann.pair().access()).status()).isEqualTo(401);
        assertThat(refresh(ann.pair().refresh()).status()).isEqualTo(401);
        assertThat(post("/api/auth/logout", null, null).status()).isEqualTo(401);
        // a session on another device is a family of its own and goes on
        assertThat(get(tenant.path("/requisitions"), other.access()).status()).isEqualTo(200);
    }

    @Test
    void aTenantAdminRevokesEveryTokenAUserHoldsAtOnce() {
        TestTenant tenant = newTenant();
        Account ann = account(tenant);
        Pair laptop = signIn(ann.email());
        assertThat(post(tenant.path("/users/" + ann.id() + "/revoke-tokens"), tenant.requester, null).status())
                .isEqualTo(403);
        TestTenant other = newTenant();
        assertThat(post(other.path("/users/" + ann.id() + "/revoke-tokens"), other.admin, null).status())
                .isEqualTo(404);
        assertThat(get(tenant.path("/requisitions"), ann.pair().access()).status()).isEqualTo(200);

        assertThat(post(tenant.path("/users/" + ann.id() + "/revoke-tokens"), tenant.admin, null).status())
                .isEqualTo(204);
        for (Pair pair : List.of(ann.pair(), laptop)) {
            assertThat(get(tenant.path("/requisitions"), pair.access()).status()).isEqualTo(401);
            assertThat(refresh(pair.refresh()).status()).isEqualTo(401);
        }
        // signing in again afterwards works
        Pair again = signIn(ann.email());
        assertThat(get(tenant.path("/requisitions"), again.access()).status()).isEqualTo(200);
    }

    @Test
    void aDeactivatedUserCanNeitherUseTheirTokensNorSignInAgain() {
        TestTenant tenant = newTenant();
        Account ann = account(tenant);
        assertThat(post(tenant.path("/users/" + ann.id() + "/deactivate"), tenant.admin, Map.of("reason", "left"))
                .status()).isEqualTo(204);
        assertThat(get(tenant.path("/requisitions"), ann.pair().access()).status()).isEqualTo(401);
        assertThat(refresh(ann.pair().refresh()).status()).isEqualTo(401);
        Response signIn = post("/api/auth/token", null, Map.of("email", ann.email(), "password", PASSWORD));
        Response wrong = post("/api/auth/token", null, Map.of("email", ann.email(), "password", "not-the-password"));
        assertThat(signIn.status()).isEqualTo(401);
        assertThat(signIn.json().get("detail")).isEqualTo(wrong.json().get("detail"));
        assertThat(post(tenant.path("/users/" + ann.id() + "/deactivate"), tenant.admin, null).status()).isEqualTo(409);
        // the deactivation is in the tenant's ledger, naming who did it
        String compliance = tenant.addUser("compliance", List.of("COMPLIANCE"));
        String ledger = get(tenant.path("/ledger/events"), compliance).body();
        assertThat(ledger).contains("UserDeactivated").contains(ann.id());
    }
}
