package com.procledger.api.privacy;

import com.procledger.api.HttpTestSupport;
import com.procledger.domain.access.AccessEvent.AccessOutcome;
import com.procledger.domain.access.AccessEvent.AccessRecorded;
import com.procledger.infra.ledger.LedgerEventStorageEngine;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A person's (or their admin's) export of everything held about them, streamed as one JSON document. */
class PersonalDataHttpTest extends HttpTestSupport {

    @Autowired
    LedgerEventStorageEngine ledger;

    @Autowired
    TransactionTemplate transactions;

    @Test
    void theExportHoldsTheProfileConsentRequisitionsDecisionsAndAccessesWithAddressesOpened() {
        TestTenant tenant = newTenant();
        UUID requester = UUID.fromString(claim(tenant.requester, "sub"));
        String agent = "PortabilityAgent/" + UUID.randomUUID().toString().substring(0, 8);
        var raised = send("POST", tenant.path("/requisitions"), tenant.requester, Map.of("title", "Desk",
                "department", "Ops", "vendor", "ACME", "currency", "EUR", "justification", "my back hurts",
                "lines", List.of(line("Furniture", "1", "300.00"))), "User-Agent", agent);
        assertThat(raised.status()).as(raised.body()).isEqualTo(201);
        assertThat(send("PUT", "/api/me/consents", tenant.requester, Map.of("aiProcessing", true)).status()).isEqualTo(200);

        var export = get("/api/me/personal-data", tenant.requester);
        assertThat(export.status()).as(export.body()).isEqualTo(200);
        assertThat(export.contentType()).startsWith("application/json");
        JsonNode document = export.json();
        assertThat(document.get("profile").get("userId").asString()).isEqualTo(requester.toString());
        assertThat(document.get("profile").get("email").asString()).startsWith("requester-");
        assertThat(document.get("consents").get("aiProcessing").asBoolean()).isTrue();
        List<String> types = new ArrayList<>();
        document.get("events").forEach(event -> types.add(event.get("type").asString()));
        assertThat(types).contains("UserRegistered", "RequisitionRaised", "ConsentChanged");
        JsonNode raisedEvent = null;
        for (JsonNode event : document.get("events")) {
            if (event.get("type").asString().equals("RequisitionRaised")) {
                raisedEvent = event;
            }
        }
        assertThat(raisedEvent.get("event").get("justification").asString()).isEqualTo("my back hurts");
        assertThat(raisedEvent.get("userAgent").asString()).isEqualTo(agent);
        boolean sawAgent = false;
        for (JsonNode access : document.get("accessEvents")) {
            assertThat(access.get("ip").asString()).doesNotStartWith("sealed:");
            sawAgent |= agent.equals(access.get("userAgent").asString());
        }
        assertThat(sawAgent).as("the person's own access with their agent, opened").isTrue();
        // the export itself is an access event: the next one shows it
        JsonNode again = get("/api/me/personal-data", tenant.requester).json();
        List<String> actions = new ArrayList<>();
        again.get("accessEvents").forEach(access -> actions.add(access.get("action").asString()));
        assertThat(actions).contains("personal-data.export-own");

        // a tenant admin exports a member's; nobody else can
        var byAdmin = get(tenant.path("/users/" + requester + "/personal-data"), tenant.admin);
        assertThat(byAdmin.status()).isEqualTo(200);
        assertThat(byAdmin.json().get("profile").get("userId").asString()).isEqualTo(requester.toString());
        assertThat(get(tenant.path("/users/" + requester + "/personal-data"), tenant.approver).status()).isEqualTo(403);
        TestTenant other = newTenant();
        assertThat(get(other.path("/users/" + requester + "/personal-data"), other.admin).status()).isEqualTo(404);
    }

    @Test
    void aSubjectWithManyAccessEventsIsStreamedWhole() {
        TestTenant tenant = newTenant();
        UUID subject = UUID.fromString(claim(tenant.approver, "sub"));
        int count = 20_000;
        for (int from = 0; from < count; from += 1000) {
            List<EventMessage<?>> batch = new ArrayList<>();
            for (int i = from; i < from + 1000; i++) {
                batch.add(GenericEventMessage.asEventMessage(new AccessRecorded(tenant.id, subject.toString(), subject.toString(),
                        "requisition.read", "/api/tenants/" + tenant.id + "/requisitions/" + i, null,
                        AccessOutcome.ALLOWED, 200, "198.51.100." + (i % 250), "bulk/" + i, "c-" + i, "t")));
            }
            transactions.executeWithoutResult(status -> ledger.appendEvents(batch));
        }
        var export = get("/api/me/personal-data", tenant.approver);
        assertThat(export.status()).isEqualTo(200);
        assertThat(export.header("Content-Length")).as("streamed, not buffered").isNull();
        JsonNode accesses = export.json().get("accessEvents");
        assertThat(accesses.size()).isGreaterThanOrEqualTo(count);
        boolean sawLast = false;
        for (JsonNode access : accesses) {
            sawLast |= ("bulk/" + (count - 1)).equals(access.get("userAgent").asString());
        }
        assertThat(sawLast).isTrue();
    }
}
