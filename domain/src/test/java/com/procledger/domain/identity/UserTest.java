package com.procledger.domain.identity;

import com.procledger.domain.DomainException;
import com.procledger.domain.identity.UserCommands.RegisterUser;
import com.procledger.domain.identity.UserEvent.UserRegistered;
import com.procledger.domain.TenantScoped;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.UUID;

class UserTest {

    static final UUID USER = UUID.randomUUID();
    static final UUID TENANT = UUID.randomUUID();
    final AggregateTestFixture<User> fixture = new AggregateTestFixture<>(User.class);

    @Test
    void whenRegistered_thenEmailIsLowerCased() {
        fixture.givenNoPriorActivity()
                .when(new RegisterUser(USER, TENANT, "Ann@Example.COM", "Ann", Set.of(Role.REQUESTER), "Ops", null))
                .expectEvents(new UserRegistered(USER, TENANT, "ann@example.com", "Ann",
                        Set.of(Role.REQUESTER), "Ops", null));
    }

    @Test
    void aTenantUserCannotBeAnOperator() {
        fixture.givenNoPriorActivity()
                .when(new RegisterUser(USER, TENANT, "ann@example.com", "Ann", Set.of(Role.OPERATOR), null, null))
                .expectException(DomainException.Invalid.class);
    }

    @Test
    void aPlatformUserMustBeAnOperator() {
        fixture.givenNoPriorActivity()
                .when(new RegisterUser(USER, TenantScoped.PLATFORM, "ops@example.com", "Ops",
                        Set.of(Role.APPROVER), null, null))
                .expectException(DomainException.Invalid.class);
    }

    @Test
    void anAddressWithoutDomainIsRefused() {
        fixture.givenNoPriorActivity()
                .when(new RegisterUser(USER, TENANT, "ann", "Ann", Set.of(Role.REQUESTER), null, null))
                .expectException(DomainException.Invalid.class);
    }

    static UserRegistered registered() {
        return new UserRegistered(USER, TENANT, "ann@example.com", "Ann", Set.of(Role.REQUESTER), null, null);
    }

    @Test
    void givenActiveUser_whenDeactivated_thenDeactivatedOnce() {
        UUID admin = UUID.randomUUID();
        fixture.given(registered())
                .when(new UserCommands.DeactivateUser(USER, TENANT, admin, " left the company "))
                .expectEvents(new UserEvent.UserDeactivated(USER, TENANT, admin, "left the company"));
        fixture.given(registered(), new UserEvent.UserDeactivated(USER, TENANT, admin, null))
                .when(new UserCommands.DeactivateUser(USER, TENANT, admin, null))
                .expectException(DomainException.IllegalTransition.class);
    }

    @Test
    void aUserOfAnotherTenantCannotBeDeactivatedThroughThisOne() {
        fixture.given(registered())
                .when(new UserCommands.DeactivateUser(USER, UUID.randomUUID(), UUID.randomUUID(), null))
                .expectException(DomainException.NotFound.class)
                .expectNoEvents();
    }

    @Test
    void anErasureIsRecordedOnceWithItsReason() {
        UUID admin = UUID.randomUUID();
        fixture.given(registered())
                .when(new UserCommands.EraseSubject(USER, TENANT, admin, " asked under GDPR art. 17 "))
                .expectEvents(new UserEvent.SubjectErased(USER, TENANT, admin, "asked under GDPR art. 17"));
        fixture.given(registered(), new UserEvent.SubjectErased(USER, TENANT, admin, "asked"))
                .when(new UserCommands.EraseSubject(USER, TENANT, admin, "again"))
                .expectException(DomainException.IllegalTransition.class);
        fixture.given(registered())
                .when(new UserCommands.EraseSubject(USER, TENANT, admin, " "))
                .expectException(DomainException.Invalid.class);
        fixture.given(registered())
                .when(new UserCommands.EraseSubject(USER, UUID.randomUUID(), admin, "asked"))
                .expectException(DomainException.NotFound.class);
    }

    @Test
    void aConsentIsRecordedOnlyWhenItChanges() {
        fixture.given(registered())
                .when(new UserCommands.ChangeConsent(USER, TENANT, false, USER))
                .expectEvents(new UserEvent.ConsentChanged(USER, TENANT, false, USER));
        fixture.given(registered(), new UserEvent.ConsentChanged(USER, TENANT, true, USER))
                .when(new UserCommands.ChangeConsent(USER, TENANT, true, USER))
                .expectNoEvents();
        fixture.given(registered(), new UserEvent.SubjectErased(USER, TENANT, UUID.randomUUID(), "asked"))
                .when(new UserCommands.ChangeConsent(USER, TENANT, true, USER))
                .expectException(DomainException.IllegalTransition.class);
    }
}
