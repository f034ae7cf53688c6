package com.procledger.domain.tenant;

import com.procledger.domain.DomainException;
import com.procledger.domain.Money;
import com.procledger.domain.approval.ApprovalPolicy;
import com.procledger.domain.tenant.TenantCommands.ChangeApprovalPolicy;
import com.procledger.domain.tenant.TenantCommands.ChangeSecurityPolicy;
import com.procledger.domain.tenant.TenantEvent.SecurityPolicyChanged;
import com.procledger.domain.tenant.TenantCommands.CreateTenant;
import com.procledger.domain.tenant.TenantEvent.ApprovalPolicyChanged;
import com.procledger.domain.tenant.TenantEvent.TenantCreated;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;

import java.util.UUID;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/** A customer organisation: its name, its currency and the approval policy in force. */
public class Tenant {

    public static final int MAX_NAME_LENGTH = 200;

    @AggregateIdentifier
    private UUID tenantId;
    private int policyVersion;

    protected Tenant() {
        // for Axon: state is rebuilt from events
    }

    @CommandHandler
    public Tenant(CreateTenant command) {
        if (command.name() == null || command.name().isBlank() || command.name().length() > MAX_NAME_LENGTH) {
            throw new DomainException.Invalid("a tenant needs a name of 1 to " + MAX_NAME_LENGTH + " characters");
        }
        if (!Money.isKnownCurrency(command.currency())) {
            throw new DomainException.Invalid("unknown currency '" + command.currency() + "'");
        }
        apply(new TenantCreated(command.tenantId(), command.name().strip(), command.currency(), command.createdBy()));
        apply(new ApprovalPolicyChanged(command.tenantId(), 1, ApprovalPolicy.defaultPolicy().steps(), command.createdBy()));
    }

    @CommandHandler
    public void handle(ChangeApprovalPolicy command) {
        var policy = new ApprovalPolicy(command.steps()).requireEveryAmountCovered();
        apply(new ApprovalPolicyChanged(tenantId, policyVersion + 1, policy.steps(), command.changedBy()));
    }

    /** Idle time-outs between five minutes and thirty days; OPERATOR is not a tenant role. */
    @CommandHandler
    public void handle(ChangeSecurityPolicy command) {
        var roles = command.mfaRoles() == null ? java.util.Set.<com.procledger.domain.identity.Role>of() : command.mfaRoles();
        if (roles.contains(com.procledger.domain.identity.Role.OPERATOR)) {
            throw new DomainException.Invalid("OPERATOR is a platform role, not one of the tenant's");
        }
        Long idle = command.idleTimeoutMinutes();
        if (idle != null && (idle < 5 || idle > 30L * 24 * 60)) {
            throw new DomainException.Invalid("idleTimeoutMinutes must be between 5 and 43200 (30 days), or null for none");
        }
        apply(new SecurityPolicyChanged(tenantId, command.mfaForEveryone(),
                roles.isEmpty() ? java.util.Set.of() : java.util.EnumSet.copyOf(roles), idle, command.changedBy()));
    }

    @CommandHandler
    public void handle(TenantCommands.ChangeConsentDefault command) {
        apply(new TenantEvent.ConsentDefaultChanged(tenantId, command.aiProcessing(), command.changedBy()));
    }

    @EventSourcingHandler
    void on(TenantCreated event) {
        tenantId = event.tenantId();
    }

    @EventSourcingHandler
    void on(ApprovalPolicyChanged event) {
        policyVersion = event.version();
    }
}
