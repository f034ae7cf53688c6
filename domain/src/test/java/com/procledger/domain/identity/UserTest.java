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
                .when(new RegisterUser(USER, TENANT, "Ann@Example.COM", "Ann", "$2a$hash", Set.of(Role.REQUESTER), "Ops", null))
                .expectEvents(new UserRegistered(USER, TENANT, "ann@example.com", "Ann", "$2a$hash",
                        Set.of(Role.REQUESTER), "Ops", null));
    }

    @Test
    void aTenantUserCannotBeAnOperator() {
        fixture.givenNoPriorActivity()
                .when(new RegisterUser(USER, TENANT, "ann@example.com", "Ann", "$2a$hash", Set.of(Role.OPERATOR), null, null))
                .expectException(DomainException.Invalid.class);
    }

    @Test
    void aPlatformUserMustBeAnOperator() {
        fixture.givenNoPriorActivity()
                .when(new RegisterUser(USER, TenantScoped.PLATFORM, "ops@example.com", "Ops", "$2a$hash",
                        Set.of(Role.APPROVER), null, null))
                .expectException(DomainException.Invalid.class);
    }

    @Test
    void anAddressWithoutDomainIsRefused() {
        fixture.givenNoPriorActivity()
                .when(new RegisterUser(USER, TENANT, "ann", "Ann", "$2a$hash", Set.of(Role.REQUESTER), null, null))
                .expectException(DomainException.Invalid.class);
    }

    static UserRegistered registered() {
        return new UserRegistered(USER, TENANT, "ann@example.com", "Ann", "$2a$hash", Set.of(Role.REQUESTER), null, null);
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
}
