package com.procledger.api.tenant;

import com.procledger.api.http.Caller;
import com.procledger.api.identity.UserRegistration;
import com.procledger.api.identity.UserRegistration.NewUser;
import com.procledger.api.ledger.Commands;
import com.procledger.domain.DomainException;
import com.procledger.domain.approval.ApprovalStep;
import com.procledger.domain.identity.Role;
import com.procledger.domain.tenant.TenantCommands.ChangeApprovalPolicy;
import com.procledger.domain.tenant.TenantCommands.CreateTenant;
import com.procledger.projections.identity.UserAccounts;
import com.procledger.projections.tenant.ApprovalPolicyHistory;
import com.procledger.projections.tenant.ApprovalPolicyHistory.PolicyVersion;
import com.procledger.projections.tenant.Tenants;
import com.procledger.projections.tenant.Tenants.TenantView;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Tenants (created by operators), their users and their approval policy (managed by tenant admins). */
@RestController
@RequestMapping("/api/tenants")
public class TenantController {

    private final Commands commands;
    private final UserRegistration registration;
    private final TransactionTemplate transaction;
    private final Tenants tenants;
    private final UserAccounts users;
    private final ApprovalPolicyHistory policies;

    public TenantController(Commands commands, UserRegistration registration, TransactionTemplate transaction,
                            Tenants tenants, UserAccounts users, ApprovalPolicyHistory policies) {
        this.commands = commands;
        this.registration = registration;
        this.transaction = transaction;
        this.tenants = tenants;
        this.users = users;
        this.policies = policies;
    }

    public record AdminRequest(@NotBlank @Size(max = 254) String email, @NotBlank @Size(max = 200) String name,
                               @NotNull @Size(max = 1024) String password) {
    }

    public record NewTenantRequest(@NotBlank @Size(max = 200) String name,
                                   @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code such as EUR") String currency,
                                   @NotNull @Valid AdminRequest admin) {
    }

    public record NewUserRequest(@NotBlank @Size(max = 254) String email, @NotBlank @Size(max = 200) String name,
                                 @NotNull @Size(max = 1024) String password, @NotEmpty @Size(max = 6) Set<@NotNull Role> roles,
                                 @Size(max = 100) String department) {
    }

    public record StepRequest(@NotBlank @Size(max = 100) String name, @NotNull Role role,
                              @NotNull @DecimalMin("0") BigDecimal minAmount) {
    }

    public record PolicyRequest(@NotEmpty @Size(max = 20) List<@NotNull @Valid StepRequest> steps) {
    }

    public record Created(UUID id) {
    }

    public record Policy(int version, List<ApprovalStep> steps) {
    }

    public record TenantResponse(UUID id, String name, String currency, Policy approvalPolicy, Instant createdAt,
                                 Tenants.SecurityPolicy securityPolicy) {
        static TenantResponse of(TenantView view) {
            return new TenantResponse(view.id(), view.name(), view.currency(),
                    new Policy(view.policyVersion(), view.policy()), view.createdAt(), view.securityPolicy());
        }
    }

    /** @param idleTimeoutMinutes null: sessions do not end for being idle (only when their refresh token expires) */
    public record SecurityPolicyRequest(boolean mfaForEveryone, @Size(max = 10) Set<@NotNull Role> mfaRoles,
                                        Long idleTimeoutMinutes) {
    }

    @PutMapping("/{tenantId}/security-policy")
    public Tenants.SecurityPolicy changeSecurityPolicy(@PathVariable UUID tenantId,
                                                      @Valid @RequestBody SecurityPolicyRequest request, Caller caller) {
        caller.requireMemberWithRole(tenantId, Role.TENANT_ADMIN);
        commands.sendAndSettle(new com.procledger.domain.tenant.TenantCommands.ChangeSecurityPolicy(tenantId,
                request.mfaForEveryone(), request.mfaRoles(), request.idleTimeoutMinutes(), caller.userId()),
                caller.commandMetadata());
        return tenants.get(tenantId).securityPolicy();
    }

    public record UserResponse(UUID id, String email, String name, Set<Role> roles, String department, Instant createdAt) {
    }

    public record Items<T>(List<T> items) {
    }

    /** Creates the tenant and its first admin in one transaction: both exist, or neither. */
    @PostMapping
    public ResponseEntity<Created> create(@Valid @RequestBody NewTenantRequest request, Caller caller) {
        caller.requireAnyRole(Role.OPERATOR);
        registration.checkPassword(request.admin().password());
        UUID tenantId = com.procledger.api.http.RequestIds.next();
        String currency = request.currency() == null ? "EUR" : request.currency();
        Map<String, Object> metadata = caller.commandMetadata();
        transaction.executeWithoutResult(status -> {
            commands.send(new CreateTenant(tenantId, request.name(), currency, caller.userId()), metadata);
            registration.register(new NewUser(tenantId, request.admin().email(), request.admin().name(),
                    request.admin().password(), Set.of(Role.TENANT_ADMIN), null), caller.userId(), metadata);
        });
        commands.settle();
        return ResponseEntity.created(URI.create("/api/tenants/" + tenantId)).body(new Created(tenantId));
    }

    @GetMapping("/{tenantId}")
    public TenantResponse get(@PathVariable UUID tenantId, Caller caller) {
        caller.requireMember(tenantId);
        return TenantResponse.of(tenants.get(tenantId));
    }

    @PostMapping("/{tenantId}/users")
    public ResponseEntity<Created> addUser(@PathVariable UUID tenantId, @Valid @RequestBody NewUserRequest request,
                                           Caller caller) {
        caller.requireMemberWithRole(tenantId, Role.TENANT_ADMIN);
        if (request.roles().contains(Role.OPERATOR)) {
            throw new DomainException.Invalid("OPERATOR is a platform role; tenant users cannot hold it");
        }
        UUID userId = registration.register(new NewUser(tenantId, request.email(), request.name(), request.password(),
                request.roles(), request.department()), caller.userId(), caller.commandMetadata());
        commands.settle();
        return ResponseEntity.created(URI.create("/api/tenants/" + tenantId + "/users/" + userId)).body(new Created(userId));
    }

    @GetMapping("/{tenantId}/users")
    public Items<UserResponse> users(@PathVariable UUID tenantId, Caller caller) {
        caller.requireMemberWithRole(tenantId, Role.TENANT_ADMIN);
        return new Items<>(users.inTenant(tenantId).stream()
                .map(u -> new UserResponse(u.id(), u.email(), u.name(), u.roles(), u.department(), u.createdAt()))
                .toList());
    }

    /** Every version of the approval policy, oldest first: what routed each requisition (its history names the version). */
    @GetMapping("/{tenantId}/approval-policy/versions")
    public Items<PolicyVersion> policyVersions(@PathVariable UUID tenantId, Caller caller) {
        caller.requireMember(tenantId);
        return new Items<>(policies.versions(tenantId));
    }

    @PutMapping("/{tenantId}/approval-policy")
    public Policy changePolicy(@PathVariable UUID tenantId, @Valid @RequestBody PolicyRequest request, Caller caller) {
        caller.requireMemberWithRole(tenantId, Role.TENANT_ADMIN);
        var steps = request.steps().stream().map(s -> new ApprovalStep(s.name(), s.role(), s.minAmount())).toList();
        commands.sendAndSettle(new ChangeApprovalPolicy(tenantId, steps, caller.userId()), caller.commandMetadata());
        TenantView view = tenants.get(tenantId);
        return new Policy(view.policyVersion(), view.policy());
    }
}
