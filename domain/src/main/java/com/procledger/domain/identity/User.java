package com.procledger.domain.identity;

import com.procledger.domain.DomainException;
import com.procledger.domain.identity.UserCommands.ChangeConsent;
import com.procledger.domain.identity.UserCommands.DeactivateUser;
import com.procledger.domain.identity.UserCommands.EraseSubject;
import com.procledger.domain.identity.UserEvent.ConsentChanged;
import com.procledger.domain.identity.UserEvent.SubjectErased;
import com.procledger.domain.identity.UserCommands.RegisterUser;
import com.procledger.domain.identity.UserEvent.UserDeactivated;
import com.procledger.domain.identity.UserEvent.UserRegistered;
import com.procledger.domain.TenantScoped;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;

import java.util.EnumSet;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/** A person who signs in: a member of exactly one tenant, or a platform operator. */
public class User {

    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+$");

    @AggregateIdentifier
    private UUID userId;
    private UUID tenantId;
    private boolean active;
    private boolean erased;
    private boolean aiProcessing;
    private boolean consentGiven;

    protected User() {
        // for Axon: state is rebuilt from events
    }

    @CommandHandler
    public User(RegisterUser command) {
        if (command.email() == null || command.email().length() > 254 || !EMAIL.matcher(command.email()).matches()) {
            throw new DomainException.Invalid("'" + command.email() + "' is not an email address");
        }
        if (command.name() == null || command.name().isBlank() || command.name().length() > 200) {
            throw new DomainException.Invalid("a user needs a name of 1 to 200 characters");
        }
        if (command.roles() == null || command.roles().isEmpty()) {
            throw new DomainException.Invalid("a user needs at least one role");
        }
        boolean platform = TenantScoped.PLATFORM.equals(command.tenantId());
        boolean operator = command.roles().contains(Role.OPERATOR);
        if (operator != platform || (operator && command.roles().size() > 1)) {
            throw new DomainException.Invalid("OPERATOR is a platform role and cannot be combined with tenant roles");
        }
        apply(new UserRegistered(command.userId(), command.tenantId(), command.email().toLowerCase(Locale.ROOT),
                command.name().strip(), EnumSet.copyOf(command.roles()),
                command.department() == null ? null : command.department().strip(), command.registeredBy()));
    }

    @CommandHandler
    public void handle(DeactivateUser command) {
        if (!tenantId.equals(command.tenantId())) {
            throw new DomainException.NotFound("no user " + userId);
        }
        if (!active) {
            throw new DomainException.IllegalTransition("the user is deactivated already");
        }
        if (command.reason() != null && command.reason().length() > 2000) {
            throw new DomainException.Invalid("a reason has at most 2000 characters");
        }
        apply(new UserDeactivated(userId, tenantId, command.deactivatedBy(),
                command.reason() == null ? null : command.reason().strip()));
    }

    @CommandHandler
    public void handle(EraseSubject command) {
        if (!tenantId.equals(command.tenantId())) {
            throw new DomainException.NotFound("no user " + userId);
        }
        if (erased) {
            throw new DomainException.IllegalTransition("the user's personal data is erased already");
        }
        if (command.reason() == null || command.reason().isBlank() || command.reason().length() > 2000) {
            throw new DomainException.Invalid("an erasure needs a reason of 1 to 2000 characters");
        }
        apply(new SubjectErased(userId, tenantId, command.erasedBy(), command.reason().strip()));
    }

    /** Records a change only: setting the consent it already has changes nothing. */
    @CommandHandler
    public boolean handle(ChangeConsent command) {
        if (!tenantId.equals(command.tenantId())) {
            throw new DomainException.NotFound("no user " + userId);
        }
        if (erased) {
            throw new DomainException.IllegalTransition("the user's personal data is erased");
        }
        if (consentGiven && aiProcessing == command.aiProcessing()) {
            return false;
        }
        apply(new ConsentChanged(userId, tenantId, command.aiProcessing(), command.changedBy()));
        return true;
    }

    @EventSourcingHandler
    void on(UserRegistered event) {
        userId = event.userId();
        tenantId = event.tenantId();
        active = true;
    }

    @EventSourcingHandler
    void on(UserDeactivated event) {
        active = false;
    }

    @EventSourcingHandler
    void on(SubjectErased event) {
        active = false;
        erased = true;
    }

    @EventSourcingHandler
    void on(ConsentChanged event) {
        consentGiven = true;
        aiProcessing = event.aiProcessing();
    }
}
