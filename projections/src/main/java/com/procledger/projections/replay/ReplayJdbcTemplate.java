package com.procledger.projections.replay;

import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The service's {@link JdbcTemplate}, which the read models' handlers write through. Normally it is just that.
 * Inside {@link #deferring} (a replay applying a share of the ledger, ADR 0011) the updates a handler issues for an
 * aggregate are collected instead of sent, and sent later as JDBC batches: first every aggregate's first statement,
 * then every aggregate's second, and so on, each round grouped by SQL into one batch per statement. Each aggregate's
 * statements keep their order; statements of different aggregates are independent, because a handler only touches
 * rows of its own event's aggregate (the rule the parallel replay already rests on). Anything else (a query, a
 * statement outside an aggregate) first sends what was collected, so a handler always reads its own writes.
 * Handlers must not depend on the row counts updates return (inside a replay they get 1).
 */
public class ReplayJdbcTemplate extends JdbcTemplate {

    private static final ThreadLocal<Deferred> DEFERRED = new ThreadLocal<>();

    public ReplayJdbcTemplate(DataSource dataSource) {
        super(dataSource);
    }

    /** Runs {@code work} on this thread with updates deferred, and sends them all before returning. */
    public void deferring(Consumer<Deferred> work) {
        var deferred = new Deferred();
        DEFERRED.set(deferred);
        try {
            work.accept(deferred);
            send(deferred);
        } finally {
            DEFERRED.remove();
        }
    }

    /** The statements collected on this thread, and the aggregate the current event belongs to. */
    public static final class Deferred {
        private final Map<Object, List<Statement>> byAggregate = new LinkedHashMap<>();
        private Object aggregate;
        private int size;

        /** The aggregate of the event now handled; null: statements go out at once (after what was collected). */
        public void aggregate(Object aggregate) {
            this.aggregate = aggregate;
        }

        void add(String sql, Object[] args) {
            byAggregate.computeIfAbsent(aggregate, key -> new ArrayList<>()).add(new Statement(sql, args));
            size++;
        }
    }

    private record Statement(String sql, Object[] args) {
    }

    private static Deferred collecting() {
        Deferred deferred = DEFERRED.get();
        return deferred != null && deferred.aggregate != null ? deferred : null;
    }

    @Override
    public int update(String sql, Object... args) {
        Deferred deferred = collecting();
        if (deferred == null) {
            return super.update(sql, args);
        }
        deferred.add(sql, args);
        return 1;
    }

    @Override
    public int[] batchUpdate(String sql, List<? extends Object[]> batchArgs) {
        Deferred deferred = collecting();
        if (deferred == null) {
            return super.batchUpdate(sql, batchArgs);
        }
        batchArgs.forEach(args -> deferred.add(sql, args));
        int[] counts = new int[batchArgs.size()];
        java.util.Arrays.fill(counts, 1);
        return counts;
    }

    /**
     * Every statement this template runs takes its connection from here (Spring's private execute methods too):
     * what was collected goes out first, so a query or an immediate statement comes after it.
     */
    @Override
    protected DataSource obtainDataSource() {
        sendCollected();
        return super.obtainDataSource();
    }

    private void sendCollected() {
        Deferred deferred = DEFERRED.get();
        if (deferred != null && deferred.size > 0) {
            send(deferred);
        }
    }

    /** Sends the collected statements round by round (the k-th of each aggregate), one batch per SQL per round. */
    private void send(Deferred deferred) {
        List<List<Statement>> perAggregate = new ArrayList<>(deferred.byAggregate.values());
        deferred.byAggregate.clear(); // first: the batches below ask obtainDataSource(), which sends what is collected
        deferred.size = 0;
        for (int round = 0; ; round++) {
            Map<String, List<Object[]>> bySql = new LinkedHashMap<>();
            for (List<Statement> statements : perAggregate) {
                if (round < statements.size()) {
                    Statement statement = statements.get(round);
                    bySql.computeIfAbsent(statement.sql(), sql -> new ArrayList<>()).add(statement.args());
                }
            }
            if (bySql.isEmpty()) {
                return;
            }
            bySql.forEach(super::batchUpdate);
        }
    }
}
