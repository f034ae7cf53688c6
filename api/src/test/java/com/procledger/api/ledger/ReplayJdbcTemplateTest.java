package com.procledger.api.ledger;

import com.procledger.api.HttpTestSupport;
import com.procledger.projections.replay.ReplayJdbcTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The replays' statement batching, on the real database: each aggregate's statements keep their order. */
class ReplayJdbcTemplateTest extends HttpTestSupport {

    @Autowired
    ReplayJdbcTemplate jdbc;

    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void eachAggregatesStatementsKeepTheirOrderAndQueriesSeeThemFirst() {
        List<Map<String, Object>> seen = new TransactionTemplate(transactions).execute(status -> {
            jdbc.execute("CREATE TEMP TABLE deferred_rows (id TEXT PRIMARY KEY, trail TEXT NOT NULL) ON COMMIT DROP");
            var midway = new java.util.ArrayList<Map<String, Object>>();
            jdbc.deferring(deferred -> {
                for (String id : List.of("a", "b", "c")) { // as a replay interleaves aggregates
                    deferred.aggregate(id);
                    jdbc.update("INSERT INTO deferred_rows (id, trail) VALUES (?, ?)", id, "raised");
                }
                deferred.aggregate("a");
                jdbc.update("UPDATE deferred_rows SET trail = trail || ? WHERE id = ?", ">submitted", "a");
                deferred.aggregate("b");
                jdbc.batchUpdate("UPDATE deferred_rows SET trail = trail || ? WHERE id = ?",
                        List.of(new Object[] {">x", "b"}, new Object[] {">y", "b"}));
                deferred.aggregate("a");
                jdbc.update("UPDATE deferred_rows SET trail = trail || ? WHERE id = ?", ">approved", "a");
                // collected so far, nothing sent: a query sends it first and sees it
                midway.addAll(jdbc.queryForList("SELECT id, trail FROM deferred_rows ORDER BY id"));
                jdbc.update("UPDATE deferred_rows SET trail = trail || ? WHERE id = ?", ">closed", "a");
                deferred.aggregate(null);
                jdbc.update("UPDATE deferred_rows SET trail = trail || ? WHERE id = ?", ">now", "c"); // at once
            });
            midway.addAll(jdbc.queryForList("SELECT id, trail FROM deferred_rows ORDER BY id"));
            return midway;
        });
        assertThat(seen).extracting(row -> row.get("id") + ":" + row.get("trail")).containsExactly(
                "a:raised>submitted>approved", "b:raised>x>y", "c:raised",
                "a:raised>submitted>approved>closed", "b:raised>x>y", "c:raised>now");
    }
}
