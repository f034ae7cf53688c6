package com.procledger.api.database;

import com.procledger.api.HttpTestSupport;
import com.procledger.api.database.TenantScopedDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The database's own tenant wall, behind the application's checks (V13, TenantScopedDataSource). */
class RowLevelSecurityHttpTest extends HttpTestSupport {

    @Autowired
    JdbcTemplate jdbc;

    static final List<String> TABLES = List.of("tenant_view", "user_account", "requisition_view", "approval_inbox",
            "requisition_history", "requisition_history_state", "spend_line", "approval_step_timing",
            "approval_policy_version");
    /** The access log is a view of the ledger (V20, ADR 0014) that carries the wall in its definition. */
    static final List<String> READ_MODELS = Stream.concat(TABLES.stream(), Stream.of("access_log")).toList();

    @Test
    void theServiceRunsAsARoleThatRowLevelSecurityBinds() {
        Map<String, Object> role = jdbc.queryForMap(
                "SELECT current_user AS name, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user");
        assertThat(role).containsEntry("name", "procledger_app").containsEntry("rolsuper", false)
                .containsEntry("rolbypassrls", false);
        for (String table : TABLES) {
            assertThat(jdbc.queryForObject("SELECT relrowsecurity AND relforcerowsecurity FROM pg_class WHERE relname = ?",
                    Boolean.class, table)).as(table).isTrue();
        }
        assertThat(jdbc.queryForObject("SELECT relkind::text FROM pg_class WHERE relname = 'access_log'", String.class))
                .isEqualTo("v");
    }

    @Test
    void aQueryThatForgetsItsTenantStillSeesOnlyTheTenantOfItsRequest() throws Exception {
        TestTenant mine = newTenant();
        TestTenant theirs = newTenant();
        mine.raiseAndSubmit("10.00");
        theirs.raiseAndSubmit("20.00");
        get(theirs.path("/requisitions"), theirs.requester);

        // unscoped (the processors, the service's own lookups): both tenants are there
        assertThat(jdbc.queryForList("SELECT DISTINCT tenant_id FROM requisition_view WHERE tenant_id IN (?, ?)",
                UUID.class, mine.id, theirs.id)).containsExactlyInAnyOrder(mine.id, theirs.id);

        TenantScopedDataSource.runAs(mine.id, () -> {
            for (String table : READ_MODELS) {
                // deliberately no WHERE tenant_id
                List<UUID> tenants = jdbc.queryForList("SELECT DISTINCT tenant_id FROM " + table, UUID.class);
                assertThat(tenants).as(table).containsOnly(mine.id);
                assertThat(jdbc.queryForObject("SELECT count(*) FROM " + table + " WHERE tenant_id = ?", Long.class,
                        theirs.id)).as(table).isZero();
            }
            // writes are walled too: another tenant's rows cannot be changed from here
            assertThat(jdbc.update("UPDATE requisition_view SET title = 'x' WHERE tenant_id = ?", theirs.id)).isZero();
            return null;
        });
        // and the scope ends with the work: the connection went back to the pool clean
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT tenant_id) FROM requisition_view WHERE tenant_id IN (?, ?)",
                Long.class, mine.id, theirs.id)).isEqualTo(2);
    }
}
