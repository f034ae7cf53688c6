package com.procledger.api.privacy;

import com.procledger.api.database.TenantScopedDataSource;
import com.procledger.api.http.Caller;
import com.procledger.domain.DomainException;
import com.procledger.domain.identity.Role;
import com.procledger.infra.privacy.Sealer;
import com.procledger.projections.identity.UserAccounts;
import com.procledger.projections.privacy.SubjectRecords;
import com.procledger.projections.tenant.Tenants;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

import java.io.BufferedOutputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Subject access and portability: everything held about a person, as one JSON document, streamed (a person with
 * 100,000 access events is written as they are read, never held in memory). Their profile and consent, every
 * business event that names them (their account's history: registration, roles, deactivation, consents; the
 * requisitions they raised; the decisions they made with their comments; the commands they sent, with the address
 * and agent they came from), and every access they made, with addresses and agents opened. Asked by the person,
 * or by a tenant admin for a member; the request is an access event as every request is.
 */
@RestController
public class PersonalDataController {

    private final UserAccounts users;
    private final Tenants tenants;
    private final SubjectRecords records;
    private final Sealer sealer;
    private final JsonMapper json;
    private final TransactionTemplate readOnly;

    public PersonalDataController(UserAccounts users, Tenants tenants, SubjectRecords records, Sealer sealer,
                                  JsonMapper json, PlatformTransactionManager transactions) {
        this.users = users;
        this.tenants = tenants;
        this.records = records;
        this.sealer = sealer;
        this.json = json;
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
    }

    public record Profile(UUID userId, UUID tenantId, String email, String name, Set<Role> roles, String department,
                          Instant createdAt, Instant deactivatedAt, boolean erased) {
    }

    @GetMapping("/api/me/personal-data")
    public ResponseEntity<StreamingResponseBody> own(Caller caller) {
        var user = users.find(caller.userId()).filter(UserAccounts.UserAccount::active)
                .orElseThrow(() -> new DomainException.NotPermitted("only a signed-in user has personal data here"));
        return export(user);
    }

    @GetMapping("/api/tenants/{tenantId}/users/{userId}/personal-data")
    public ResponseEntity<StreamingResponseBody> ofMember(@PathVariable UUID tenantId, @PathVariable UUID userId,
                                                          Caller caller) {
        caller.requireMemberWithRole(tenantId, Role.TENANT_ADMIN);
        var user = users.find(userId).filter(u -> u.tenantId().equals(tenantId))
                .orElseThrow(() -> new DomainException.NotFound("no user " + userId));
        return export(user);
    }

    private ResponseEntity<StreamingResponseBody> export(UserAccounts.UserAccount user) {
        var profile = new Profile(user.id(), user.tenantId(), user.email(), user.name(), user.roles(), user.department(),
                user.createdAt(), user.deactivatedAt(), user.erased());
        boolean byDefault = tenants.find(user.tenantId()).map(Tenants.TenantView::aiProcessingDefault).orElse(false);
        var consents = new PrivacyController.Consents(user.aiProcessing() != null ? user.aiProcessing() : byDefault,
                user.aiProcessing() != null ? "USER" : "TENANT_DEFAULT");
        StreamingResponseBody body = out -> {
            var buffered = new BufferedOutputStream(out, 1 << 16);
            try (JsonGenerator gen = json.createGenerator(buffered)) {
                gen.writeStartObject();
                gen.writeName("exportedAt");
                gen.writeString(Instant.now().toString());
                gen.writeName("profile");
                gen.writePOJO(profile);
                gen.writeName("consents");
                gen.writePOJO(consents);
                TenantScopedDataSource.streamAs(user.tenantId(), readOnly, () -> {
                    gen.writeName("events");
                    gen.writeStartArray();
                    records.forEachEvent(user.tenantId(), user.id(), recorded -> {
                        Map<String, Object> line = new LinkedHashMap<>();
                        line.put("ledgerSeq", recorded.ledgerSeq());
                        line.put("at", recorded.at());
                        line.put("type", recorded.type());
                        line.put("event", recorded.event());
                        line.put("actor", recorded.actor());
                        if (user.id().toString().equals(recorded.actor())) {
                            // where the subject's own commands came from; another person's address is theirs
                            line.put("clientIp", sealer.open(recorded.clientIp()));
                            line.put("userAgent", sealer.open(recorded.userAgent()));
                        }
                        gen.writePOJO(line);
                    });
                    gen.writeEndArray();
                    gen.writeName("accessEvents");
                    gen.writeStartArray();
                    records.forEachAccess(user.tenantId(), user.id(), entry -> {
                        // a sign-in someone else tried on the account: the address and email are theirs, not shown
                        boolean own = user.id().toString().equals(entry.dataSubject());
                        Map<String, Object> line = new LinkedHashMap<>();
                        line.put("ledgerSeq", entry.ledgerSeq());
                        line.put("at", entry.at());
                        line.put("action", entry.action());
                        line.put("resource", entry.resource());
                        line.put("detail", own ? sealer.open(entry.detail()) : null);
                        line.put("outcome", entry.outcome());
                        line.put("status", entry.status());
                        line.put("ip", own ? sealer.open(entry.ip()) : null);
                        line.put("userAgent", own ? sealer.open(entry.userAgent()) : null);
                        line.put("tokenId", entry.tokenId());
                        line.put("correlationId", entry.correlationId());
                        gen.writePOJO(line);
                    });
                    gen.writeEndArray();
                });
                gen.writeEndObject();
            }
            buffered.flush();
        };
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"personal-data-" + user.id() + ".json\"")
                .body(body);
    }
}
