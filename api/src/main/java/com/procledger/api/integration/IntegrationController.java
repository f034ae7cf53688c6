package com.procledger.api.integration;

import com.procledger.infra.identity.ApiKeys;
import com.procledger.infra.secrets.TenantSecrets;
import com.procledger.api.http.Caller;
import com.procledger.domain.DomainException;
import com.procledger.domain.identity.Role;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** A tenant admin's API keys and stored secrets. */
@RestController
public class IntegrationController {

    private final ApiKeys apiKeys;
    private final TenantSecrets secrets;

    public IntegrationController(ApiKeys apiKeys, TenantSecrets secrets) {
        this.apiKeys = apiKeys;
        this.secrets = secrets;
    }

    public record NewApiKey(@NotBlank @Size(max = 100) String name, @NotEmpty @Size(max = 6) Set<@NotNull Role> roles,
                            @NotNull @Min(1) @Max(365) Integer validDays) {
    }

    public record Items<T>(List<T> items) {
    }

    public record SecretValue(@NotNull @Size(min = 1, max = 4096) String value) {
    }

    @PostMapping("/api/tenants/{tenantId}/api-keys")
    public ResponseEntity<ApiKeys.Created> create(@PathVariable UUID tenantId, @Valid @RequestBody NewApiKey body,
                                                  Caller caller) {
        caller.requireMemberWithRole(tenantId, Role.TENANT_ADMIN);
        if (body.roles().contains(Role.OPERATOR)) {
            throw new DomainException.Invalid("OPERATOR is a platform role; an API key cannot hold it");
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(apiKeys.create(tenantId, body.name().strip(),
                body.roles(), Duration.ofDays(body.validDays()), caller.personId()));
    }

    @GetMapping("/api/tenants/{tenantId}/api-keys")
    public Items<ApiKeys.KeyInfo> list(@PathVariable UUID tenantId, Caller caller) {
        caller.requireMemberWithRole(tenantId, Role.TENANT_ADMIN);
        return new Items<>(apiKeys.list(tenantId));
    }

    @DeleteMapping("/api/tenants/{tenantId}/api-keys/{keyId}")
    public ResponseEntity<Void> revoke(@PathVariable UUID tenantId, @PathVariable UUID keyId, Caller caller) {
        caller.requireMemberWithRole(tenantId, Role.TENANT_ADMIN);
        if (!apiKeys.revoke(tenantId, keyId)) {
            throw new DomainException.NotFound("no live API key " + keyId);
        }
        return ResponseEntity.noContent().build();
    }

    @PutMapping("/api/tenants/{tenantId}/secrets/{name}")
    public ResponseEntity<Void> putSecret(@PathVariable UUID tenantId,
                                          @PathVariable String name,
                                          @Valid @RequestBody SecretValue body, Caller caller) {
        caller.requireMemberWithRole(tenantId, Role.TENANT_ADMIN);
        if (!name.matches("[a-z0-9][a-z0-9-]{0,63}")) {
            throw new DomainException.Invalid("a secret's name is 1 to 64 lower-case letters, digits and dashes");
        }
        secrets.put(tenantId, name, body.value(), caller.userId());
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/api/tenants/{tenantId}/secrets")
    public Items<TenantSecrets.SecretInfo> secrets(@PathVariable UUID tenantId, Caller caller) {
        caller.requireMemberWithRole(tenantId, Role.TENANT_ADMIN);
        return new Items<>(secrets.list(tenantId));
    }

    @DeleteMapping("/api/tenants/{tenantId}/secrets/{name}")
    public ResponseEntity<Void> deleteSecret(@PathVariable UUID tenantId, @PathVariable String name, Caller caller) {
        caller.requireMemberWithRole(tenantId, Role.TENANT_ADMIN);
        if (!secrets.delete(tenantId, name)) {
            throw new DomainException.NotFound("no secret " + name);
        }
        return ResponseEntity.noContent().build();
    }
}
