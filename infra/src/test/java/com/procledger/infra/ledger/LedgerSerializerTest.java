package com.procledger.infra.ledger;

import com.procledger.domain.DomainEvents;
import com.procledger.domain.access.AccessEvent.AccessOutcome;
import com.procledger.domain.access.AccessEvent.AccessRecorded;
import com.procledger.domain.approval.ApprovalStep;
import com.procledger.domain.identity.Role;
import com.procledger.domain.identity.UserEvent.UserRegistered;
import com.procledger.domain.requisition.RequisitionEvent.ApprovalStepApproved;
import com.procledger.domain.requisition.RequisitionEvent.RequisitionApproved;
import com.procledger.domain.requisition.RequisitionEvent.RequisitionCancelled;
import com.procledger.domain.requisition.RequisitionEvent.RequisitionRaised;
import com.procledger.domain.requisition.RequisitionEvent.RequisitionRejected;
import com.procledger.domain.requisition.RequisitionEvent.RequisitionSubmitted;
import com.procledger.domain.requisition.RequisitionLine;
import com.procledger.domain.tenant.TenantEvent.ApprovalPolicyChanged;
import com.procledger.domain.tenant.TenantEvent.TenantCreated;
import org.axonframework.serialization.SimpleSerializedObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stored events are forever: each event type's JSON is compared with a reviewed snapshot in
 * {@code src/test/resources/event-snapshots}, so a change to an event's shape shows up in review (and needs a
 * {@code @Revision} and an upcaster, not an edit).
 */
class LedgerSerializerTest {

    static final UUID T = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    static final UUID R = UUID.fromString("00000000-0000-0000-0000-00000000000b");
    static final UUID U = UUID.fromString("00000000-0000-0000-0000-00000000000c");
    static final List<ApprovalStep> ROUTE = List.of(new ApprovalStep("Manager", Role.APPROVER, BigDecimal.ZERO),
            new ApprovalStep("Finance", Role.FINANCE, new BigDecimal("1000.00")));

    /** One example of every event type; the test below fails when a type has none. */
    static final List<Object> EXAMPLES = List.of(
            new TenantCreated(T, "Acme", "EUR", U),
            new ApprovalPolicyChanged(T, 2, ROUTE, U),
            new UserRegistered(U, T, "ann@example.com", "Ann", EnumSet.of(Role.REQUESTER, Role.APPROVER),
                    "Ops", null),
            new RequisitionRaised(R, T, U, "Laptops", "Engineering", "ACME", "EUR", "new hires",
                    LocalDate.of(2027, 1, 15), List.of(new RequisitionLine("Laptop", "IT", new BigDecimal("2"),
                    new BigDecimal("650.00"))), new BigDecimal("1300.00")),
            new RequisitionSubmitted(R, T, U, 2, ROUTE),
            new ApprovalStepApproved(R, T, 0, "Manager", Role.APPROVER, U, "ok"),
            new RequisitionApproved(R, T, new BigDecimal("1300.00"), "EUR"),
            new RequisitionRejected(R, T, 1, "Finance", Role.FINANCE, U, "too pricey"),
            new RequisitionCancelled(R, T, U, null),
            new com.procledger.domain.identity.UserEvent.UserDeactivated(U, T, R, "left the company"),
            new com.procledger.domain.tenant.TenantEvent.SecurityPolicyChanged(T, false,
                    EnumSet.of(Role.FINANCE, Role.TENANT_ADMIN), 60L, U),
            new AccessRecorded(T, U.toString(), U.toString(), "requisition.read", "/api/tenants/" + T + "/requisitions/" + R,
                    null, AccessOutcome.ALLOWED, 200, "203.0.113.7", "curl/8.5.0", "c0ffee00-0000-4000-8000-000000000001",
                    "5f0c2b1e-0000-4000-8000-000000000002"),
            new com.procledger.domain.identity.UserEvent.SubjectErased(U, T, R, "asked under GDPR art. 17"),
            new com.procledger.domain.identity.UserEvent.ConsentChanged(U, T, true, U),
            new com.procledger.domain.tenant.TenantEvent.ConsentDefaultChanged(T, false, U));

    final LedgerSerializer serializer = LedgerSerializer.create(com.procledger.infra.privacy.InMemoryKeyring.sealer());

    static final java.util.regex.Pattern SEALED = java.util.regex.Pattern.compile("\"sealed:v1:([^:\"]+):[A-Za-z0-9_-]+\"");

    @Test
    void everyEventTypeHasAnExample() {
        assertThat(EXAMPLES.stream().map(Object::getClass).toList())
                .containsExactlyInAnyOrderElementsOf(DomainEvents.types());
    }

    @Test
    void eachEventSerializesAsItsReviewedSnapshotAndBack() throws IOException {
        for (Object event : EXAMPLES) {
            Path snapshot = Path.of("src/test/resources/event-snapshots", event.getClass().getSimpleName() + ".json");
            if (!Files.exists(snapshot)) {
                Path proposal = Path.of("target/event-snapshots", snapshot.getFileName().toString());
                Files.createDirectories(proposal.getParent());
                Files.writeString(proposal, SEALED.matcher(serializer.serialize(event, String.class).getData())
                        .replaceAll("\"sealed:v1:$1:…\"") + "\n");
            }
        }
        for (Object event : EXAMPLES) {
            var serialized = serializer.serialize(event, String.class);
            String name = event.getClass().getSimpleName();
            assertThat(serialized.getType().getName()).isEqualTo(name);
            Path snapshot = Path.of("src/test/resources/event-snapshots", name + ".json");
            assertThat(snapshot).as("snapshot for %s (a proposal was written under target/event-snapshots)", name).exists();
            // a sealed value differs each time (a fresh nonce): the snapshot shows whose key seals which field
            assertThat(SEALED.matcher(serialized.getData()).replaceAll("\"sealed:v1:$1:…\""))
                    .isEqualTo(Files.readString(snapshot, StandardCharsets.UTF_8).strip());
            Object back = serializer.deserialize(new SimpleSerializedObject<>(serialized.getData(), String.class,
                    serialized.getType()));
            assertThat(back).isEqualTo(event);
        }
    }

    @Test
    void typesOutsideTheDomainKeepTheirClassNames() {
        assertThat(serializer.typeForClass(String.class).getName()).isEqualTo("java.lang.String");
    }

    /**
     * docs/privacy.md classifies every field of every event type: a field it does not list fails, and so does a
     * field listed as personal that is not sealed (or sealed but listed as something else).
     */
    @Test
    void everyEventFieldIsClassifiedInThePrivacyInventoryAsTheCodeTreatsIt() throws IOException {
        Map<String, String> inventory = new java.util.HashMap<>();
        var row = java.util.regex.Pattern.compile("^\\| (\\w+) \\| (\\w+) \\| (business|personal|secret) \\|");
        for (String line : Files.readAllLines(Path.of("../docs/privacy.md"))) {
            var match = row.matcher(line);
            if (match.find()) {
                inventory.put(match.group(1) + "." + match.group(2), match.group(3));
            }
        }
        List<String> problems = new java.util.ArrayList<>();
        for (Class<?> type : DomainEvents.types()) {
            for (var component : type.getRecordComponents()) {
                String key = type.getSimpleName() + "." + component.getName();
                String listed = inventory.remove(key);
                boolean sealed = component.isAnnotationPresent(com.procledger.domain.privacy.PersonalData.class);
                if (listed == null) {
                    problems.add(key + " is not classified in docs/privacy.md");
                } else if (listed.equals("secret")) {
                    problems.add(key + " is a secret: secrets never enter the ledger");
                } else if (sealed != listed.equals("personal")) {
                    problems.add(key + " is listed as " + listed + " but is " + (sealed ? "" : "not ") + "sealed");
                }
            }
        }
        inventory.keySet().forEach(key -> problems.add(key + " is listed in docs/privacy.md but is no event field"));
        assertThat(problems).isEmpty();
    }

    @Test
    void personalFieldsAreStoredSealedAndReadBackAsTheLabelOnceTheKeyIsGone() {
        var keyring = new com.procledger.infra.privacy.InMemoryKeyring();
        var sealing = LedgerSerializer.create(new com.procledger.infra.privacy.Sealer(keyring));
        var event = new ApprovalStepApproved(R, T, 0, "Manager", Role.APPROVER, U, "looks fine to me");
        var stored = sealing.serialize(event, String.class);
        assertThat(stored.getData()).doesNotContain("looks fine").contains("\"comment\":\"sealed:v1:" + U + ":");
        var read = new SimpleSerializedObject<>(stored.getData(), String.class, stored.getType());
        assertThat(((ApprovalStepApproved) sealing.deserialize(read)).comment()).isEqualTo("looks fine to me");
        // the same event sealed twice: a fresh nonce each time
        assertThat(sealing.serialize(event, String.class).getData()).isNotEqualTo(stored.getData());
        keyring.destroy(U.toString());
        assertThat(((ApprovalStepApproved) sealing.deserialize(read)).comment())
                .isEqualTo("erased subject " + U.toString().substring(0, 8));
        // moved under another subject, a sealed value does not open
        String moved = stored.getData().replace("sealed:v1:" + U, "sealed:v1:" + T);
        keyring.forSealing(T.toString());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> sealing.deserialize(
                new SimpleSerializedObject<>(moved, String.class, stored.getType()))).hasRootCauseInstanceOf(
                java.security.GeneralSecurityException.class);
    }
}
