package com.procledger.api.integration;

import com.procledger.api.HttpTestSupport;
import com.procledger.infra.secrets.TenantSecrets;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class IntegrationCredentialsHttpTest extends HttpTestSupport {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TenantSecrets tenantSecrets;

    Response withKey(String method, String path, String key) {
        return send(method, path, null, null, "X-Api-Key", key);
    }

    @Test
    void anApiKeyIsShownOnceStoredHashedScopedToItsRolesRecordedWhenUsedAndRevocable() {
        TestTenant tenant = newTenant();
        Response created = post(tenant.path("/api-keys"), tenant.admin,
                Map.of("name", "ERP import", "roles", List.of("REQUESTER"), "validDays", 30));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String key = created.json().get("key").asString();
        String id = created.json().get("id").asString();
        assertThat(key).startsWith("plk_");
        // plk_<id>_<secret>; the secret (base64url) may itself contain underscores
        String secretPart = key.split("_", 3)[2];
        assertThat(secretPart).hasSizeGreaterThanOrEqualTo(43);
        // only its SHA-256 is stored
        assertThat(jdbc.queryForObject("SELECT secret_hash = sha256(convert_to(?, 'UTF8')) FROM api_keys WHERE id = ?::uuid",
                Boolean.class, secretPart, id)).isTrue();

        // it acts with its roles in its tenant only
        assertThat(post(tenant.path("/requisitions"), null, requisition("5.00"), "X-Api-Key", key).status()).isEqualTo(201);
        assertThat(withKey("GET", tenant.path("/users"), key).status()).isEqualTo(403);
        TestTenant other = newTenant();
        assertThat(withKey("GET", other.path("/requisitions"), key).status()).isEqualTo(404);
        assertThat(withKey("GET", tenant.path("/requisitions"), key + "x").status()).isEqualTo(401);

        // the listing never shows the key, and says when it was last used
        Response listed = get(tenant.path("/api-keys"), tenant.admin);
        assertThat(listed.body()).doesNotContain(secretPart);
        assertThat(listed.json().get("items").get(0).get("lastUsedAt").isNull()).isFalse();

        // its uses are access events naming the key
        String compliance = tenant.addUser("compliance", List.of("COMPLIANCE"));
        long deadline = System.nanoTime() + 10_000_000_000L;
        long uses = 0;
        while (uses < 2 && System.nanoTime() < deadline) {
            uses = get(tenant.path("/access-events?actor=" + id), compliance).json().get("total").asLong();
        }
        assertThat(uses).isGreaterThanOrEqualTo(2);
        assertThat(get(tenant.path("/access-events?actor=" + id), compliance).json().get("items").get(0)
                .get("tokenId").asString()).isEqualTo("apikey:" + id);

        assertThat(send("DELETE", tenant.path("/api-keys/" + id), tenant.admin, null).status()).isEqualTo(204);
        assertThat(withKey("GET", tenant.path("/requisitions"), key).status()).isEqualTo(401);
        assertThat(send("DELETE", tenant.path("/api-keys/" + id), tenant.admin, null).status()).isEqualTo(404);
        assertThat(post(tenant.path("/api-keys"), tenant.admin,
                Map.of("name", "x", "roles", List.of("OPERATOR"), "validDays", 30)).status()).isEqualTo(400);
        assertThat(post(tenant.path("/api-keys"), tenant.admin,
                Map.of("name", "x", "roles", List.of("REQUESTER"), "validDays", 1000)).status()).isEqualTo(400);
        assertThat(post(tenant.path("/api-keys"), tenant.requester,
                Map.of("name", "x", "roles", List.of("REQUESTER"), "validDays", 30)).status()).isEqualTo(403);
    }

    @Test
    void aTenantsSecretsAreStoredEncryptedAndNeverAnsweredBack() {
        TestTenant tenant = newTenant();
        String secret = "whsec_live_very-secret-value";
        assertThat(send("PUT", tenant.path("/secrets/erp-webhook"), tenant.admin, Map.of("value", secret)).status())
                .isEqualTo(204);
        byte[] stored = jdbc.queryForObject("SELECT ciphertext FROM tenant_secrets WHERE tenant_id = ? AND name = ?",
                byte[].class, tenant.id, "erp-webhook");
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("whsec");
        assertThat(tenantSecrets.reveal(tenant.id, "erp-webhook")).contains(secret);

        Response listed = get(tenant.path("/secrets"), tenant.admin);
        assertThat(listed.json().get("items").get(0).get("name").asString()).isEqualTo("erp-webhook");
        assertThat(listed.body()).doesNotContain("whsec");
        assertThat(get(tenant.path("/secrets"), tenant.requester).status()).isEqualTo(403);
        assertThat(send("PUT", tenant.path("/secrets/Bad%20Name"), tenant.admin, Map.of("value", "x")).status())
                .isEqualTo(400);
        // the ciphertext is bound to its tenant and name: copied to another name it does not open
        jdbc.update("INSERT INTO tenant_secrets SELECT tenant_id, 'copied', ciphertext, updated_at, updated_by "
                + "FROM tenant_secrets WHERE tenant_id = ? AND name = 'erp-webhook'", tenant.id);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> tenantSecrets.reveal(tenant.id, "copied"))
                .hasMessageContaining("cannot be opened");
        assertThat(send("DELETE", tenant.path("/secrets/erp-webhook"), tenant.admin, null).status()).isEqualTo(204);
        assertThat(tenantSecrets.reveal(tenant.id, "erp-webhook")).isEmpty();
    }
}
