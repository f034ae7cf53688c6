package com.procledger.projections;

import com.procledger.domain.approval.ApprovalStep;
import com.procledger.domain.identity.Role;
import com.procledger.domain.identity.UserEvent.UserDeactivated;
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
import com.procledger.infra.database.EmbeddedDatabase;
import com.procledger.projections.analytics.SpendAnalytics;
import com.procledger.projections.approval.ApprovalInbox;
import com.procledger.projections.identity.UserAccounts;
import com.procledger.projections.requisition.RequisitionHistory;
import com.procledger.projections.requisition.RequisitionViews;
import com.procledger.projections.tenant.ApprovalPolicyHistory;
import com.procledger.projections.tenant.Tenants;
import com.zaxxer.hikari.HikariDataSource;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.JdbcTemplate;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each read model, fed a tenant's events on the embedded PostgreSQL, writes the rows it should; fed the same events
 * again (as a replay or a processor that retries a batch does), it changes nothing: replay safety, tested directly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadModelsReplaySafetyTest {

    @TempDir
    static Path dataDir;
    static EmbeddedDatabase database;
    static HikariDataSource dataSource;
    static JdbcTemplate jdbc;

    static final UUID TENANT = UUID.randomUUID();
    static final UUID ADMIN = UUID.randomUUID();
    static final UUID REQUESTER = UUID.randomUUID();
    static final UUID APPROVER = UUID.randomUUID();
    static final UUID CFO = UUID.randomUUID();
    static final UUID APPROVED = UUID.randomUUID();
    static final UUID REJECTED = UUID.randomUUID();
    static final UUID CANCELLED = UUID.randomUUID();
    static final UUID WAITING = UUID.randomUUID();

    @BeforeAll
    static void start() {
        database = EmbeddedDatabase.start(dataDir);
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(database.jdbcUrl());
        Flyway.configure().dataSource(dataSource).placeholders(Map.of("app_role", "")).load().migrate();
        jdbc = new JdbcTemplate(dataSource);
    }

    @AfterAll
    static void stop() {
        dataSource.close();
        database.close();
    }

    /** A tenant's history: a two-step policy, users, and requisitions approved, rejected, cancelled and waiting. */
    static List<EventMessage<?>> history() {
        var steps = List.of(new ApprovalStep("Manager", Role.APPROVER, BigDecimal.ZERO),
                new ApprovalStep("Finance", Role.FINANCE, new BigDecimal("1000")));
        var lines = List.of(new RequisitionLine("Laptop", "IT", new BigDecimal("2"), new BigDecimal("650.00")));
        var cheap = List.of(new RequisitionLine("Chair", "Furniture", BigDecimal.ONE, new BigDecimal("80.00")));
        List<EventMessage<?>> out = new ArrayList<>();
        var seq = new long[]{0};
        Function<Object[], EventMessage<?>> event = args -> new GenericDomainEventMessage<>((String) args[0],
                args[1].toString(), (Long) args[2], args[3], Map.of("ledgerSeq", ++seq[0], "actor", ADMIN.toString()),
                UUID.randomUUID().toString(), Instant.parse("2026-11-01T10:00:00Z").plusSeconds(seq[0] * 60));
        out.add(event.apply(new Object[]{"Tenant", TENANT, 0L, new TenantCreated(TENANT, "Acme", "EUR", ADMIN)}));
        out.add(event.apply(new Object[]{"Tenant", TENANT, 1L, new ApprovalPolicyChanged(TENANT, 1, steps, ADMIN)}));
        for (var user : List.of(Map.entry(REQUESTER, Role.REQUESTER), Map.entry(APPROVER, Role.APPROVER),
                Map.entry(CFO, Role.FINANCE))) {
            out.add(event.apply(new Object[]{"User", user.getKey(), 0L, new UserRegistered(user.getKey(), TENANT,
                    user.getValue().name().toLowerCase() + "@acme.test", user.getValue().name(),
                    Set.of(user.getValue()), "Engineering", ADMIN)}));
        }
        out.add(event.apply(new Object[]{"User", CFO, 1L, new UserDeactivated(CFO, TENANT, ADMIN, "left")}));
        for (UUID id : List.of(APPROVED, REJECTED, CANCELLED, WAITING)) {
            var items = id == APPROVED ? lines : cheap;
            var total = id == APPROVED ? new BigDecimal("1300.00") : new BigDecimal("80.00");
            out.add(event.apply(new Object[]{"Requisition", id, 0L, new RequisitionRaised(id, TENANT, REQUESTER,
                    "Req " + id, "Engineering", "ACME", "EUR", null, null, items, total)}));
            if (id == CANCELLED) {
                out.add(event.apply(new Object[]{"Requisition", id, 1L, new RequisitionCancelled(id, TENANT, REQUESTER, "no")}));
                continue;
            }
            var route = id == APPROVED ? steps : steps.subList(0, 1);
            out.add(event.apply(new Object[]{"Requisition", id, 1L, new RequisitionSubmitted(id, TENANT, REQUESTER, 1, route)}));
            if (id == APPROVED) {
                out.add(event.apply(new Object[]{"Requisition", id, 2L, new ApprovalStepApproved(id, TENANT, 0, "Manager",
                        Role.APPROVER, APPROVER, "fine")}));
                out.add(event.apply(new Object[]{"Requisition", id, 3L, new ApprovalStepApproved(id, TENANT, 1, "Finance",
                        Role.FINANCE, CFO, null)}));
                out.add(event.apply(new Object[]{"Requisition", id, 4L, new RequisitionApproved(id, TENANT, total, "EUR")}));
            } else if (id == REJECTED) {
                out.add(event.apply(new Object[]{"Requisition", id, 2L, new RequisitionRejected(id, TENANT, 0, "Manager",
                        Role.APPROVER, APPROVER, "too dear")}));
            }
        }
        out.add(event.apply(new Object[]{"User", REQUESTER, 1L, new com.procledger.domain.identity.UserEvent.ConsentChanged(
                REQUESTER, TENANT, true, REQUESTER)}));
        out.add(event.apply(new Object[]{"Tenant", TENANT, 2L, new com.procledger.domain.tenant.TenantEvent.ConsentDefaultChanged(
                TENANT, true, ADMIN)}));
        // the approver's data is erased: the events before still say what was written (as a replay after the
        // erasure would not: there the ledger's sealed values open as the label), the read models must forget it
        out.add(event.apply(new Object[]{"User", APPROVER, 1L, new com.procledger.domain.identity.UserEvent.SubjectErased(
                APPROVER, TENANT, ADMIN, "asked")}));
        return out;
    }

    Stream<ReadModel> readModels() {
        return Stream.of(Tenants.READ_MODEL, UserAccounts.READ_MODEL, RequisitionViews.READ_MODEL,
                RequisitionHistory.READ_MODEL, ApprovalInbox.READ_MODEL, SpendAnalytics.READ_MODEL,
                ApprovalPolicyHistory.READ_MODEL);
    }

    private Object projection(ReadModel model) {
        return switch (model.name()) {
            case Tenants.PROCESSING_GROUP -> new Tenants(jdbc);
            case UserAccounts.PROCESSING_GROUP -> new UserAccounts(jdbc);
            case RequisitionViews.PROCESSING_GROUP -> new RequisitionViews(jdbc);
            case RequisitionHistory.PROCESSING_GROUP -> new RequisitionHistory(jdbc);
            case ApprovalInbox.PROCESSING_GROUP -> new ApprovalInbox(jdbc);
            case SpendAnalytics.PROCESSING_GROUP -> new SpendAnalytics(jdbc);
            case ApprovalPolicyHistory.PROCESSING_GROUP -> new ApprovalPolicyHistory(jdbc);
            default -> throw new IllegalArgumentException(model.name());
        };
    }

    @ParameterizedTest
    @MethodSource("readModels")
    void fedTheSameEventsTwiceAReadModelChangesNothing(ReadModel model) {
        var adapter = new AnnotationEventHandlerAdapter(projection(model));
        List<EventMessage<?>> events = history();
        feed(adapter, events);
        String once = rows(model);
        assertThat(once).as("%s wrote rows", model.name()).isNotBlank();
        feed(adapter, events);
        assertThat(rows(model)).as("%s after the same events again", model.name()).isEqualTo(once);

        // from empty again, each event twice in a row, as a processor retrying each batch would
        jdbc.execute("TRUNCATE " + String.join(", ", model.tables()));
        for (EventMessage<?> event : events) {
            feed(adapter, List.of(event, event));
        }
        assertThat(rows(model)).as("%s with each event applied twice in a row", model.name()).isEqualTo(once);
    }

    @ParameterizedTest
    @MethodSource("readModels")
    void eachReadModelDeclaresTablesThatExist(ReadModel model) {
        for (String table : model.tables()) {
            assertThat(jdbc.queryForObject("SELECT to_regclass(?) IS NOT NULL", Boolean.class, "public." + table))
                    .as(table).isTrue();
        }
    }

    @org.junit.jupiter.api.Test
    void theRequisitionViewShowsEachRequisitionInTheStateItsEventsLeftIt() {
        var adapter = new AnnotationEventHandlerAdapter(new RequisitionViews(jdbc));
        feed(adapter, history());
        Map<UUID, String> statuses = new java.util.HashMap<>();
        jdbc.query("SELECT requisition_id, status FROM requisition_view WHERE tenant_id = ?",
                (org.springframework.jdbc.core.RowCallbackHandler) rs -> statuses.put(rs.getObject(1, UUID.class),
                        rs.getString(2)), TENANT);
        assertThat(statuses).containsEntry(APPROVED, "APPROVED").containsEntry(REJECTED, "REJECTED")
                .containsEntry(CANCELLED, "CANCELLED").containsEntry(WAITING, "SUBMITTED");
    }

    @ParameterizedTest
    @MethodSource("readModels")
    void anErasedSubjectsTextsAndAddressAreInNoRowAfterwards(ReadModel model) {
        var adapter = new AnnotationEventHandlerAdapter(projection(model));
        jdbc.execute("TRUNCATE " + String.join(", ", model.tables()));
        // all in one unit of work: a processor's batch holding the erasure and what it erases
        List<EventMessage<?>> events = history();
        var unit = DefaultUnitOfWork.startAndGet(events.getFirst());
        unit.execute(() -> {
            for (EventMessage<?> event : events) {
                if (adapter.canHandle(event)) {
                    try {
                        adapter.handle(event);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        });
        String rows = rows(model);
        assertThat(rows).as("%s rows", model.name()).doesNotContain("fine", "too dear", "approver@acme.test");
        if (model.name().equals(UserAccounts.PROCESSING_GROUP)) {
            assertThat(rows).contains(com.procledger.domain.privacy.ErasedSubjects.label(APPROVER))
                    .contains("requester@acme.test");
        }
    }

    /** Each event in a unit of work of its own, as a processor's batch of one. */
    private static void feed(AnnotationEventHandlerAdapter adapter, List<EventMessage<?>> events) {
        for (EventMessage<?> event : events) {
            if (!adapter.canHandle(event)) {
                continue;
            }
            var unit = DefaultUnitOfWork.startAndGet(event);
            try {
                adapter.handle(event);
                unit.commit();
            } catch (Exception e) {
                unit.rollback(e);
                throw new IllegalStateException("handling " + event.getPayloadType().getSimpleName(), e);
            }
        }
    }

    /** The read model's rows of this tenant, as text, in a stable order. */
    private static String rows(ReadModel model) {
        var out = new StringBuilder();
        for (String table : model.tables()) {
            out.append(table).append('\n');
            jdbc.query("SELECT t::text FROM " + table + " t ORDER BY t::text",
                    (org.springframework.jdbc.core.RowCallbackHandler) rs -> out.append(rs.getString(1)).append('\n'));
        }
        return out.toString().lines().count() > model.tables().size() ? out.toString() : "";
    }
}
