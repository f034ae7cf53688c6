package com.procledger.api.access;

import com.procledger.api.HttpTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;

import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class AccessControlHttpTest extends HttpTestSupport {

    @Autowired
    JwtEncoder encoder;

    @Test
    void withoutAValidTokenEverythingButTheOpenEndpointsAnswers401() {
        TestTenant tenant = newTenant();
        assertThat(get(tenant.path("/requisitions"), null).status()).isEqualTo(401);
        assertThat(get(tenant.path("/requisitions"), "not-a-jwt").status()).isEqualTo(401);
        Response unauthorized = post("/api/tenants", null, Map.of());
        assertThat(unauthorized.status()).isEqualTo(401);
        assertThat(unauthorized.contentType()).startsWith("application/problem+json");

        // a token signed by someone else's key, and an expired one of ours
        String[] parts = tenant.requester.split("\\.");
        String forgedPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1])).replace("REQUESTER", "TENANT_ADMIN").getBytes());
        assertThat(get(tenant.path("/users"), parts[0] + "." + forgedPayload + "." + parts[2]).status()).isEqualTo(401);
        assertThat(get(tenant.path("/requisitions"), expiredTokenFor(tenant)).status()).isEqualTo(401);

        assertThat(get("/actuator/health", null).status()).isEqualTo(200);
        assertThat(get("/v3/api-docs", null).status()).isEqualTo(200);
    }

    @Test
    void wrongCredentialsGetTheSameAnswerForUnknownUsersAndWrongPasswords() {
        newTenant();
        Response wrongPassword = post("/api/auth/token", null, Map.of("email", "operator@procledger.local", "password", "nope"));
        Response unknownUser = post("/api/auth/token", null, Map.of("email", "nobody@example.test", "password", "nope"));
        assertThat(wrongPassword.status()).isEqualTo(401);
        assertThat(unknownUser.status()).isEqualTo(401);
        assertThat(wrongPassword.json().get("detail")).isEqualTo(unknownUser.json().get("detail"));
    }

    @Test
    void tokensCarryTenantAndRolesAndExpireIn15Minutes() {
        Response response = post("/api/auth/token", null, Map.of("email", "operator@procledger.local", "password", OPERATOR_PASSWORD));
        assertThat(response.json().get("token_type").asString()).isEqualTo("Bearer");
        assertThat(response.json().get("expires_in").asLong()).isEqualTo(900);
        TestTenant tenant = newTenant();
        var claims = JSON.readTree(new String(Base64.getUrlDecoder().decode(tenant.approver.split("\\.")[1])));
        assertThat(claims.get("tenant").asString()).isEqualTo(tenant.id.toString());
        assertThat(claims.get("roles").get(0).asString()).isEqualTo("APPROVER");
        assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(900);
    }

    @Test
    void rolesDecideWhoMayDoWhat() {
        TestTenant tenant = newTenant();
        // only operators create tenants
        assertThat(post("/api/tenants", tenant.admin, Map.of("name", "X", "admin",
                Map.of("email", "x@example.test", "name", "X", "password", PASSWORD))).status()).isEqualTo(403);
        // only requesters raise requisitions
        assertThat(post(tenant.path("/requisitions"), tenant.approver, requisition("1.00")).status()).isEqualTo(403);
        // only tenant admins manage users and the policy
        assertThat(get(tenant.path("/users"), tenant.requester).status()).isEqualTo(403);
        assertThat(post(tenant.path("/users"), tenant.approver, Map.of("email", "y@example.test", "name", "Y",
                "password", PASSWORD, "roles", List.of("APPROVER"))).status()).isEqualTo(403);
        assertThat(send("PUT", tenant.path("/approval-policy"), tenant.finance, Map.of("steps", List.of(
                Map.of("name", "S", "role", "APPROVER", "minAmount", "0")))).status()).isEqualTo(403);
        // a tenant admin cannot mint an operator
        assertThat(post(tenant.path("/users"), tenant.admin, Map.of("email", "op@example.test", "name", "Op",
                "password", PASSWORD, "roles", List.of("OPERATOR"))).status()).isEqualTo(400);
        // the admin sees the tenant's users, password hashes never
        Response users = get(tenant.path("/users"), tenant.admin);
        assertThat(users.status()).isEqualTo(200);
        assertThat(users.json().get("items")).hasSize(5);
        assertThat(users.body()).doesNotContain("$2a$").doesNotContain("password");
    }

    @Test
    void anotherTenantsIdsAnswer404NeverTheirData() {
        TestTenant mine = newTenant();
        TestTenant theirs = newTenant();
        UUID theirRequisition = theirs.raiseAndSubmit("10.00");

        // through their tenant path: I am no member
        assertThat(get(theirs.path(""), mine.admin).status()).isEqualTo(404);
        assertThat(get(theirs.path("/requisitions"), mine.approver).status()).isEqualTo(404);
        assertThat(get(theirs.path("/requisitions/" + theirRequisition), mine.approver).status()).isEqualTo(404);
        assertThat(post(theirs.path("/requisitions/" + theirRequisition + "/approve"), mine.approver, null).status())
                .isEqualTo(404);
        assertThat(get(theirs.path("/users"), mine.admin).status()).isEqualTo(404);
        // through my tenant path with their id: looks exactly like an unknown id
        Response viaMine = get(mine.path("/requisitions/" + theirRequisition), mine.approver);
        Response unknown = get(mine.path("/requisitions/" + UUID.randomUUID()), mine.approver);
        assertThat(viaMine.status()).isEqualTo(404);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(post(mine.path("/requisitions/" + theirRequisition + "/approve"), mine.approver, null).status())
                .isEqualTo(404);
        assertThat(get(mine.path("/requisitions/" + theirRequisition + "/history"), mine.approver).status()).isEqualTo(404);
        // and nothing happened to it
        assertThat(get(theirs.path("/requisitions/" + theirRequisition), theirs.approver).json().get("status").asString())
                .isEqualTo("SUBMITTED");
        assertThat(get(mine.path("/approvals/inbox"), mine.approver).json().get("items")).isEmpty();
        // the operator is no member of any tenant
        assertThat(get(theirs.path("/requisitions"), operatorToken).status()).isEqualTo(404);
    }

    @Test
    void anEmailAddressBelongsToOneAccountPerTenantAndAnotherTenantsAreNeverTold() {
        TestTenant a = newTenant();
        TestTenant b = newTenant();
        var user = Map.of("email", "Shared@Example.test", "name", "S", "password", PASSWORD, "roles", List.of("APPROVER"));
        assertThat(post(a.path("/users"), a.admin, user).status()).isEqualTo(201);
        Response again = post(a.path("/users"), a.admin, Map.of("email", "shared@example.test", "name", "S",
                "password", PASSWORD, "roles", List.of("APPROVER")));
        assertThat(again.status()).isEqualTo(409);
        // another tenant's admin learns nothing: the address is simply an account of theirs too (EmailPerTenantHttpTest)
        Response elsewhere = post(b.path("/users"), b.admin, Map.of("email", "shared@example.test", "name", "S",
                "password", "another-long-password", "roles", List.of("APPROVER")));
        assertThat(elsewhere.status()).isEqualTo(201);
        assertThat(post(a.path("/users"), a.admin, Map.of("email", "short@example.test", "name", "S",
                "password", "short", "roles", List.of("APPROVER"))).status()).isEqualTo(400);
    }

    private String expiredTokenFor(TestTenant tenant) {
        var claims = JSON.readTree(new String(Base64.getUrlDecoder().decode(tenant.requester.split("\\.")[1])));
        Instant past = Instant.now().minusSeconds(3600);
        var set = JwtClaimsSet.builder().issuer("procledger").subject(claims.get("sub").asString())
                .id(UUID.randomUUID().toString()).issuedAt(past.minusSeconds(900)).expiresAt(past)
                .claim("tenant", tenant.id.toString()).claim("roles", List.of("REQUESTER")).build();
        return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).build(), set)).getTokenValue();
    }
}
