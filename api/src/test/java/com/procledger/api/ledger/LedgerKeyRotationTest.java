package com.procledger.api.ledger;

import com.procledger.api.ChildService;
import com.procledger.infra.ledger.LedgerSigner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit's case: the service restarted with a new signing key (here by the rotation command) no longer reports
 * tampering at the first checkpoint, because every key that ever signed is published and each checkpoint verifies
 * against the key it names.
 */
class LedgerKeyRotationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dataDir;

    @Test
    void givenCheckpointsSignedWithAnOldKey_whenTheKeyIsRotatedAndTheServiceRestarted_thenTheLedgerStillVerifies() throws Exception {
        List<ChildService> services = new ArrayList<>();
        try {
            var first = ChildService.start(dataDir);
            services.add(first);
            String operator = first.signInOperator();
            var created = first.send("POST", "/api/tenants", operator, "{\"name\":\"Keys Ltd\",\"currency\":\"EUR\","
                    + "\"admin\":{\"email\":\"ada@keys.test\",\"name\":\"Ada\",\"password\":\"a-long-enough-password\"}}");
            assertThat(created.statusCode()).isEqualTo(201);
            String tenant = JSON.readTree(created.body()).get("id").asString();
            String admin = signIn(first, "ada@keys.test");
            assertThat(first.send("POST", "/api/tenants/" + tenant + "/users", admin, "{\"email\":\"cy@keys.test\","
                    + "\"name\":\"Cy\",\"password\":\"a-long-enough-password\",\"roles\":[\"COMPLIANCE\"]}").statusCode())
                    .isEqualTo(201);
            String compliance = signIn(first, "cy@keys.test");
            var before = first.send("POST", "/api/tenants/" + tenant + "/ledger/checkpoints", compliance, null);
            assertThat(before.statusCode()).isIn(200, 201);
            String oldKey = JSON.readTree(before.body()).get("keyId").asString();
            first.kill();

            String newKey = LedgerSigner.rotate(dataDir.resolve("keys/ledger-signing-ed25519.pem"));
            var second = ChildService.start(dataDir);
            services.add(second);
            compliance = signIn(second, "cy@keys.test");
            var after = second.send("POST", "/api/tenants/" + tenant + "/ledger/checkpoints", compliance, null);
            assertThat(after.statusCode()).isEqualTo(201);
            assertThat(JSON.readTree(after.body()).get("keyId").asString()).isEqualTo(newKey).isNotEqualTo(oldKey);

            var verify = second.send("GET", "/api/tenants/" + tenant + "/ledger/verify", compliance, null);
            JsonNode report = JSON.readTree(verify.body());
            assertThat(report.get("valid").asBoolean()).as(verify.body()).isTrue();
            assertThat(report.get("checkpointsMatched").asInt()).isGreaterThanOrEqualTo(2);

            JsonNode keys = JSON.readTree(second.send("GET", "/api/ledger/keys", null, null).body()).get("keys");
            assertThat(keys).hasSize(2);
            for (JsonNode key : keys) {
                boolean retired = key.get("keyId").asString().equals(oldKey);
                assertThat(key.get("algorithm").asString()).isEqualTo("Ed25519");
                assertThat(key.get("publicKey").asString()).startsWith("-----BEGIN PUBLIC KEY-----");
                assertThat(key.get("validUntil").isNull()).as(key.toString()).isEqualTo(!retired);
            }
        } finally {
            for (ChildService service : services) {
                service.kill();
            }
        }
    }

    private static String signIn(ChildService service, String email) throws Exception {
        var answer = service.send("POST", "/api/auth/token", null,
                "{\"email\":\"" + email + "\",\"password\":\"a-long-enough-password\"}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body()).get("access_token").asString();
    }
}
