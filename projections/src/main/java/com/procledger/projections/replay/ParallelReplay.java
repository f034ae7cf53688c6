package com.procledger.projections.replay;

import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;

/**
 * Replays ledger rows through a projection's own handlers into tables of a given schema, in parallel (ADR 0011):
 * the caller's thread reads the rows from a cursor and keeps the events the projection handles; each chunk of
 * {@value #CHUNK} rows is split by aggregate over {@code 2 × cores} partition threads, which deserialize and apply
 * their share in ledger order, in a transaction (search path: the schema first) and an Axon unit of work of their
 * own. The next chunk is read while one is applied, and starts once every share of the previous one has committed.
 * Only events of one aggregate keep their relative order: the read models' rows each belong to one aggregate.
 * Used by rebuilds and by whole-tenant time travel.
 */
@Component
public class ParallelReplay implements AutoCloseable {

    /** Ledger rows read per round. */
    static final int CHUNK = 8000;
    /** Threads (and connections) replaying at once: the work is half database round trips, so twice the cores. */
    static final int PARTITIONS = Math.max(2, Runtime.getRuntime().availableProcessors() * 2);

    private final ExecutorService partitions = Executors.newFixedThreadPool(PARTITIONS,
            Thread.ofPlatform().name("ledger-replay-", 1).daemon().factory());
    private final ReplayJdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final LedgerReplay replay;

    public ParallelReplay(ReplayJdbcTemplate jdbc, PlatformTransactionManager transactions,
                          @Qualifier("eventSerializer") Serializer serializer) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactions);
        this.replay = new LedgerReplay(serializer);
    }

    /**
     * Replays every row of {@code rows} (a cursor over {@link LedgerReplay#COLUMNS} plus {@code positionColumn},
     * in ledger order) into {@code schema}; {@code chunkDone} gets the position reached after each committed chunk.
     * Events in {@code parked} (ids of events the live read model parked, ADR 0016) are left out, as the live read
     * model leaves them out. Returns the position of the last row read, or -1 for none.
     */
    long replay(ResultSet rows, String positionColumn, AnnotationEventHandlerAdapter projection, String schema,
                java.util.Set<String> parked, LongConsumer chunkDone) throws SQLException {
        Map<String, Boolean> handled = new HashMap<>();
        List<List<LedgerReplay.Row>> shares = new ArrayList<>();
        for (int i = 0; i < PARTITIONS; i++) {
            shares.add(new ArrayList<>());
        }
        int read = 0;
        long position = -1;
        Chunk applying = Chunk.NONE;
        while (rows.next()) {
            var row = LedgerReplay.Row.of(rows);
            position = rows.getLong(positionColumn);
            if (!parked.contains(row.eventId()) && replay.handles(projection, handled, row)) {
                int share = row.aggregateId() == null ? (int) (row.ledgerSeq() % PARTITIONS)
                        : Math.floorMod(row.aggregateId().hashCode(), PARTITIONS);
                shares.get(share).add(row);
            }
            if (++read == CHUNK) {
                // the next chunk is read while this one is applied; it starts when this one is done
                applying.awaitThen(chunkDone);
                applying = apply(projection, schema, shares, position);
                read = 0;
            }
        }
        applying.awaitThen(chunkDone);
        apply(projection, schema, shares, position).awaitThen(chunkDone);
        return position;
    }

    /** Starts applying each share on a partition thread, in a transaction of its own. */
    private Chunk apply(AnnotationEventHandlerAdapter projection, String schema, List<List<LedgerReplay.Row>> shares,
                        long upTo) {
        List<Future<?>> running = new ArrayList<>();
        for (List<LedgerReplay.Row> share : shares) {
            if (share.isEmpty()) {
                continue;
            }
            List<LedgerReplay.Row> rows = List.copyOf(share);
            share.clear();
            running.add(partitions.submit(() -> transactions.executeWithoutResult(status -> {
                jdbc.execute("SET LOCAL search_path TO " + schema + ", public");
                jdbc.execute("SET LOCAL synchronous_commit TO OFF"); // replays write unlogged tables
                // one unit of work for the share, as a processor's batch has: projections that collect their
                // writes per unit of work (requisition history) write them in a few statements
                // and the handlers' updates collected per aggregate and sent as JDBC batches (ReplayJdbcTemplate)
                List<EventMessage<?>> messages = rows.stream().<EventMessage<?>>map(replay::message).toList();
                jdbc.deferring(deferred -> {
                    var unit = DefaultUnitOfWork.startAndGet(messages.getFirst());
                    try {
                        for (EventMessage<?> message : messages) {
                            deferred.aggregate(message instanceof DomainEventMessage<?> domain
                                    ? domain.getAggregateIdentifier() : null);
                            LedgerReplay.apply(projection, message);
                        }
                        deferred.aggregate(null);
                        unit.commit();
                    } catch (RuntimeException e) {
                        unit.rollback(e);
                        throw e;
                    }
                });
            })));
        }
        return new Chunk(running, upTo);
    }

    /** A chunk being applied: its shares, and the position it reaches. */
    private record Chunk(List<Future<?>> shares, long upTo) {

        static final Chunk NONE = new Chunk(List.of(), -1);

        /** Waits until every share is committed (or one failed: then throws), then reports the position reached. */
        void awaitThen(LongConsumer chunkDone) {
            RuntimeException failure = null;
            for (var share : shares) {
                try {
                    share.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure = new IllegalStateException("interrupted while replaying", e);
                } catch (ExecutionException e) {
                    failure = e.getCause() instanceof RuntimeException cause ? cause
                            : new IllegalStateException(e.getCause());
                }
            }
            if (failure != null) {
                throw failure;
            }
            if (upTo >= 0) {
                chunkDone.accept(upTo);
            }
        }
    }

    @Override
    public void close() {
        partitions.shutdownNow();
    }
}
