package com.procledger.projections.replay;

import com.procledger.domain.DomainException;
import com.procledger.projections.analytics.SpendAnalytics;
import com.procledger.projections.approval.ApprovalInbox;
import com.procledger.projections.identity.UserAccounts;
import com.procledger.projections.requisition.RequisitionHistory;
import com.procledger.projections.requisition.RequisitionViews;
import com.procledger.projections.tenant.ApprovalPolicyHistory;
import com.procledger.projections.tenant.Tenants;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;

/**
 * Rebuilds a read model from the ledger while the old one keeps serving (ADR 0011). Its tables are copied empty
 * into schema {@code procledger_rebuild}; the ledger is replayed through the projection's own handlers into the
 * copies, in parallel ({@link ParallelReplay}; each share's transaction puts that schema first in its search
 * path), up to where the live processor stands, then again until it is close behind; then the live processor is
 * paused, the last events are replayed, and in one transaction the live tables are made equal to the rebuilt
 * ones, writing only the rows that differ (readers see the old rows until the commit, never an empty table); then
 * the processor goes on from where it was paused. The access log is not among them: it is a view of the ledger
 * (ADR 0014), with nothing to rebuild.
 * One rebuild at a time, on a thread of its own; progress is kept for {@link #status} and logged every 5 s.
 */
@Component
public class Rebuilds implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Rebuilds.class);
    private static final String SCHEMA = "procledger_rebuild";

    /** A rebuildable read model: its processing group, its projection and the tables it writes. */
    /** A read model and the handler object that writes it. */
    private record ReadModel(String name, Object projection, List<String> tables) {
        ReadModel(com.procledger.projections.ReadModel model, Object projection) {
            this(model.name(), projection, model.tables());
        }
    }

    public enum State { RUNNING, DONE, FAILED }

    /** Progress of a rebuild: ledger events gone over (of {@code total}), rate and time left while running. */
    public record Status(UUID id, String name, State status, long processed, long total, double ratePerSecond,
                         Long secondsLeft, Instant startedAt, Instant finishedAt, String error) {
    }

    private final Map<String, ReadModel> readModels = new java.util.LinkedHashMap<>();
    private final Map<String, Progress> progress = new ConcurrentHashMap<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().name("read-model-rebuild").daemon().unstarted(r));
    private final DataSource dataSource;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final EventProcessingConfiguration processing;
    private final TokenStore tokens;
    private final ParallelReplay parallel;
    private final ParkedEvents parked;

    public Rebuilds(DataSource dataSource, JdbcTemplate jdbc, PlatformTransactionManager transactions,
                    EventProcessingConfiguration processing, TokenStore tokens,
                    ParallelReplay parallel, Tenants tenants, UserAccounts users,
                    RequisitionViews requisitions, RequisitionHistory history, ApprovalInbox inbox,
                    SpendAnalytics spend, ApprovalPolicyHistory policies, ParkedEvents parked) {
        this.dataSource = dataSource;
        this.parked = parked;
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactions);
        this.processing = processing;
        this.tokens = tokens;
        this.parallel = parallel;
        for (ReadModel model : List.of(
                new ReadModel(Tenants.READ_MODEL, tenants),
                new ReadModel(UserAccounts.READ_MODEL, users),
                new ReadModel(RequisitionViews.READ_MODEL, requisitions),
                new ReadModel(RequisitionHistory.READ_MODEL, history),
                new ReadModel(ApprovalInbox.READ_MODEL, inbox),
                new ReadModel(SpendAnalytics.READ_MODEL, spend),
                new ReadModel(ApprovalPolicyHistory.READ_MODEL, policies))) {
            readModels.put(model.name(), model);
        }
    }

    public List<String> names() {
        return List.copyOf(readModels.keySet());
    }

    /** Starts rebuilding {@code name}; the answer is at once, the work on the rebuild thread. */
    public Status start(String name) {
        ReadModel model = readModel(name);
        synchronized (progress) {
            if (progress.values().stream().anyMatch(p -> p.state == State.RUNNING)) {
                throw new DomainException.IllegalTransition("a rebuild is running; one at a time");
            }
            var run = new Progress(UUID.randomUUID(), name);
            progress.put(name, run);
            worker.execute(() -> run(model, run));
            return run.status();
        }
    }

    /** The latest rebuild of {@code name}, or none. */
    public java.util.Optional<Status> status(String name) {
        readModel(name);
        return java.util.Optional.ofNullable(progress.get(name)).map(Progress::status);
    }

    private ReadModel readModel(String name) {
        ReadModel model = readModels.get(name);
        if (model == null) {
            throw new DomainException.NotFound("no read model " + name + "; there are " + names());
        }
        return model;
    }

    private void run(ReadModel model, Progress run) {
        var projection = new AnnotationEventHandlerAdapter(model.projection());
        StreamingEventProcessor processor = processing.eventProcessor(model.name(), StreamingEventProcessor.class)
                .orElseThrow(() -> new IllegalStateException("no streaming processor " + model.name()));
        boolean paused = false;
        try {
            log.info("Rebuilding read model {} ({}) from the ledger", model.name(), model.tables());
            prepareCopies(model);
            // 1. up to where the live processor stands, then again while it moves on
            long done = replayUntilClose(projection, () -> position(processor), run);
            // 2. pause it, replay the last events, swap, go on
            long pausing = System.nanoTime();
            processor.shutDown();
            paused = true;
            long pausedAt = position(processor);
            run.total = Math.max(run.total, pausedAt);
            done = replay(projection, done, pausedAt, run);
            long swapping = System.nanoTime();
            swap(model);
            run.state = State.DONE;
            run.finishedAt = Instant.now();
            log.info("Rebuilt read model {}: {} ledger events in {} ms; swapped in (processor paused for {} ms, "
                    + "of which the swap {} ms)", model.name(), done,
                    Duration.between(run.startedAt, run.finishedAt).toMillis(), (System.nanoTime() - pausing) / 1_000_000,
                    (System.nanoTime() - swapping) / 1_000_000);
        } catch (RuntimeException | SQLException e) {
            run.failed(e);
        } finally {
            if (paused) {
                processor.start();
            }
        }
    }

    /**
     * Replays up to {@code target}, then again up to where it has moved meanwhile, until it is less than a chunk
     * ahead (or after 20 rounds); returns the position replayed to.
     */
    private long replayUntilClose(AnnotationEventHandlerAdapter projection, LongSupplier target, Progress run)
            throws SQLException {
        long done = 0;
        for (int round = 0; round < 20; round++) {
            long to = target.getAsLong();
            run.total = Math.max(run.total, to);
            done = replay(projection, done, to, run);
            if (target.getAsLong() - done < ParallelReplay.CHUNK) {
                break;
            }
        }
        return done;
    }

    /** Where the processor stands (the global position it has handled), from its stored token. */
    private long position(StreamingEventProcessor processor) {
        TrackingToken token = transactions.execute(status -> tokens.fetchToken(processor.getName(), 0));
        return token == null ? 0 : token.position().orElse(0);
    }

    /**
     * Empty copies of the model's tables: unlogged (a crash loses only the rebuild, which starts again), with only
     * their unique indexes; the live tables keep every index, and the swap fills them.
     */
    private void prepareCopies(ReadModel model) {
        transactions.executeWithoutResult(status -> {
            for (String table : model.tables()) {
                jdbc.execute("DROP TABLE IF EXISTS " + SCHEMA + "." + table);
                LedgerReplay.createCopy(jdbc, table, SCHEMA + "." + table, "CREATE UNLOGGED TABLE", "");
            }
        });
    }

    /** Replays ledger positions ({@code from}, {@code to}] into the copies, in parallel; returns {@code to}. */
    private long replay(AnnotationEventHandlerAdapter projection, long from, long to, Progress run) throws SQLException {
        if (to <= from) {
            return from;
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false); // a cursor: memory stays flat
            try (PreparedStatement statement = connection.prepareStatement("SELECT global_position, "
                    + LedgerReplay.COLUMNS + " FROM ledger_events WHERE global_position > ? AND global_position <= ? "
                    + "ORDER BY global_position")) {
                statement.setFetchSize(ParallelReplay.CHUNK);
                statement.setLong(1, from);
                statement.setLong(2, to);
                try (ResultSet rs = statement.executeQuery()) {
                    parallel.replay(rs, "global_position", projection, SCHEMA, parked.eventIds(run.name), run::processed);
                    run.processed(to);
                }
            } finally {
                connection.rollback();
            }
        }
        return to;
    }

    /**
     * Makes the live rows equal to the rebuilt ones in one transaction (DELETE and INSERT, not TRUNCATE: readers
     * never wait, and see the old rows until the commit).
     */
    private void swap(ReadModel model) {
        transactions.executeWithoutResult(status -> {
            jdbc.execute("SET LOCAL work_mem TO '256MB'"); // the comparisons hash a million keys without spilling
            for (String table : model.tables()) {
                String live = "public." + table;
                String copy = SCHEMA + "." + table;
                List<String> key = jdbc.queryForList("""
                        SELECT a.attname FROM pg_index i
                        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
                        WHERE i.indrelid = ?::regclass AND i.indisprimary
                        ORDER BY array_position(i.indkey::int2[], a.attnum)""", String.class, live);
                if (key.isEmpty()) { // no key to compare rows by: replace them all
                    jdbc.execute("DELETE FROM " + live);
                    jdbc.execute("INSERT INTO " + live + " SELECT * FROM " + copy);
                } else {
                    // only what differs: rows that are not in the copy exactly as they are go, rows of the copy that
                    // are then missing come (a rebuild mostly confirms the live rows; rewriting them all would cost
                    // the time of a full write, WAL and index entries included, and leave the table half dead rows)
                    String sameKey = String.join(" AND ", key.stream().map(c -> "c." + c + " = l." + c).toList());
                    jdbc.execute("DELETE FROM " + live + " l WHERE NOT EXISTS (SELECT 1 FROM " + copy + " c WHERE "
                            + sameKey + " AND ROW(c.*) IS NOT DISTINCT FROM ROW(l.*))");
                    jdbc.execute("INSERT INTO " + live + " SELECT c.* FROM " + copy + " c WHERE NOT EXISTS "
                            + "(SELECT 1 FROM " + live + " l WHERE " + sameKey + ")");
                }
                jdbc.execute("DROP TABLE " + copy);
            }
        });
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }

    private static final class Progress {
        final UUID id;
        final String name;
        final Instant startedAt = Instant.now();
        volatile State state = State.RUNNING;
        volatile long processed;
        volatile long total;
        volatile Instant finishedAt;
        volatile String error;
        private volatile long lastLog = System.nanoTime();

        Progress(UUID id, String name) {
            this.id = id;
            this.name = name;
        }

        void failed(Exception e) {
            state = State.FAILED;
            error = e.getMessage();
            finishedAt = Instant.now();
            log.error("Rebuilding read model {} failed; the live one is unchanged", name, e);
        }

        void processed(long position) {
            processed = Math.max(processed, position);
            if (System.nanoTime() - lastLog > 5_000_000_000L) {
                lastLog = System.nanoTime();
                Status status = status();
                log.info("Rebuilding {}: {} of {} ledger positions, {} per second, about {} s left", name,
                        status.processed(), status.total(), Math.round(status.ratePerSecond()), status.secondsLeft());
            }
        }

        Status status() {
            Instant end = finishedAt != null ? finishedAt : Instant.now();
            double seconds = Math.max(0.001, Duration.between(startedAt, end).toMillis() / 1000.0);
            double rate = processed / seconds;
            Long left = state == State.RUNNING && rate > 0 ? Math.round((total - processed) / rate) : null;
            return new Status(id, name, state, processed, total, rate, left, startedAt, finishedAt, error);
        }
    }
}
