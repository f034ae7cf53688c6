package com.procledger.api.investigation;

import com.procledger.api.ProcLedgerProperties;
import com.procledger.api.database.TenantScopedDataSource;
import com.procledger.api.http.Unavailable;
import com.procledger.infra.ledger.LedgerSearch;
import com.procledger.infra.ledger.LedgerSearch.Criteria;
import com.procledger.infra.ledger.LedgerSearch.Hit;
import com.procledger.infra.ledger.LedgerSearch.Summary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Runs investigations as jobs on worker threads of their own (ADR 0012), so that a big window never holds a
 * request thread: the request waits a little for its job ({@code procledger.investigations.answer-within}) and
 * answers in full when it is done by then, else 202 with the job to poll. A job goes over its window in slices
 * ({@link LedgerSearch#scan}) and reports after each how many of the window's events are behind it; it searches
 * the ledger up to the position it had when the job started, so its summary, its first events and a timeline
 * streamed later all agree. Jobs live in memory on the instance that runs them, for
 * {@code procledger.investigations.keep-for} after they finish, at most {@code max-kept} finished ones.
 */
@Component
public class InvestigationJobs implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(InvestigationJobs.class);

    /** The most events (and tenants, users, records) a job's JSON answer lists; the streamed timeline has them all. */
    public static final int LIST_LIMIT = 10_000;

    public enum State { QUEUED, RUNNING, DONE, FAILED }

    /** Who and what the matching events touch: the first {@value #LIST_LIMIT} of each, sorted, and how many in all. */
    public record Affected(List<UUID> tenants, List<String> users, List<String> records, long tenantCount,
                           long userCount, long recordCount) {
    }

    /** A finished investigation: its first events, how many match, and what they touch. */
    public record Timeline(UUID id, List<Hit> events, long total, boolean truncated, Affected affected) {
    }

    /**
     * A job's progress: events of the window gone over ({@code processed}) of {@code total} (unknown while
     * queued), matches so far, rate and time left while running; its timeline once done.
     */
    public record Status(UUID id, State status, long processed, Long total, long matched, double ratePerSecond,
                         Long secondsLeft, Instant startedAt, Instant finishedAt, String error, Timeline result) {
    }

    /** One investigation; {@code tenantId} is the tenant it was run in, null for one across tenants. */
    public final class Job {
        private final UUID id = UUID.randomUUID();
        private final UUID tenantId;
        private final Criteria criteria;
        private final CompletableFuture<Void> finished = new CompletableFuture<>();
        private volatile State state = State.QUEUED;
        private volatile long ceiling;
        private volatile LedgerSearch.Slices slices;
        private volatile long processed;
        private volatile Long total;
        private volatile long matched;
        private volatile Instant startedAt;
        private volatile Instant finishedAt;
        private volatile String error;
        private volatile Timeline result;

        private Job(UUID tenantId, Criteria criteria) {
            this.tenantId = tenantId;
            this.criteria = criteria;
        }

        public UUID id() {
            return id;
        }

        public Criteria criteria() {
            return criteria;
        }

        /** The ledger position the job searched up to (set when it starts). */
        public long ceiling() {
            return ceiling;
        }

        public State state() {
            return state;
        }

        public Timeline result() {
            return result;
        }

        /** Waits at most {@code timeout} for the job to finish; whether it has. */
        public boolean await(Duration timeout) {
            try {
                finished.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return true;
            } catch (TimeoutException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException e) {
                return true;
            }
        }

        public Status status() {
            Instant started = startedAt;
            Instant end = finishedAt;
            double seconds = started == null ? 0 : Duration.between(started, end == null ? clock.instant() : end).toMillis() / 1000.0;
            double rate = seconds > 0 ? processed / seconds : 0;
            Long left = state == State.RUNNING && total != null && rate > 0 ? Math.round((total - processed) / rate) : null;
            return new Status(id, state, processed, total, matched, Math.round(rate), left, started, end, error, result);
        }

        private void run() {
            startedAt = clock.instant();
            state = State.RUNNING;
            try {
                var events = new ArrayList<Hit>();
                var tally = new LedgerSearch.Tally(LIST_LIMIT);
                Consumer<Hit> hits = hit -> {
                    tally.accept(hit);
                    if (events.size() < LIST_LIMIT) {
                        events.add(hit.withIp(sealer.open(hit.ip()))); // shown: opened
                    }
                };
                TenantScopedDataSource.runAs(tenantId, () -> {
                    readOnly.executeWithoutResult(status -> {
                        ceiling = search.ceiling();
                        slices = search.slices(criteria, ceiling, sliceEvents);
                        search.scan(criteria, ceiling, slices, hits, (scanned, of, matches) -> {
                            processed = scanned;
                            total = of;
                            matched = matches;
                        });
                    });
                    return null;
                });
                Summary summary = tally.summary();
                result = new Timeline(id, List.copyOf(events), summary.events(), summary.events() > events.size(),
                        new Affected(summary.tenants(), summary.users(), summary.records(), summary.tenantCount(),
                                summary.userCount(), summary.recordCount()));
                state = State.DONE;
            } catch (Exception | OutOfMemoryError e) {
                log.error("investigation {} failed", id, e);
                error = "the investigation failed; run it again, with a smaller window if it keeps failing";
                state = State.FAILED;
            } finally {
                finishedAt = clock.instant();
                finished.complete(null);
            }
        }
    }

    private final Map<UUID, Job> jobs = new ConcurrentHashMap<>();
    private final LedgerSearch search;
    private final com.procledger.infra.privacy.Sealer sealer;
    private final TransactionTemplate readOnly;
    private final ThreadPoolExecutor workers;
    private final ProcLedgerProperties.Investigations settings;
    private final int sliceEvents;
    private final Clock clock = Clock.systemUTC();

    @Autowired
    public InvestigationJobs(DataSource dataSource, PlatformTransactionManager transactions, ProcLedgerProperties properties,
                             com.procledger.infra.privacy.Sealer sealer) {
        this(dataSource, transactions, properties.investigations(), sealer);
    }

    public InvestigationJobs(DataSource dataSource, PlatformTransactionManager transactions,
                             ProcLedgerProperties.Investigations settings, com.procledger.infra.privacy.Sealer sealer) {
        this.search = new LedgerSearch(dataSource, sealer::open);
        this.sealer = sealer;
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
        // one snapshot for the whole job: its slices see the same ledger
        this.readOnly.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        this.settings = settings;
        this.sliceEvents = settings.sliceEvents();
        this.workers = new ThreadPoolExecutor(settings.workers(), settings.workers(), 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(settings.queue()),
                Thread.ofPlatform().name("investigation-", 1).daemon().factory());
    }

    /** Whether {@code ip} is an address or a CIDR range PostgreSQL understands. */
    /**
     * Jobs under way and how far they are, for metrics: {running jobs, events they have scanned, events they will
     * scan in all (of those whose total is known)}.
     */
    public long[] progress() {
        long running = 0;
        long processed = 0;
        long total = 0;
        for (Job job : jobs.values()) {
            Status status = job.status();
            if (status.status() == State.RUNNING) {
                running++;
                processed += status.processed();
                total += status.total() == null ? 0 : status.total();
            }
        }
        return new long[]{running, processed, total};
    }

    public boolean validAddress(String ip) {
        return search.validAddress(ip);
    }

    /** Queues an investigation; {@link Unavailable} when every worker is busy and the queue is full. */
    public Job submit(UUID tenantId, Criteria criteria) {
        forgetOld();
        var job = new Job(tenantId, criteria);
        jobs.put(job.id, job);
        try {
            workers.execute(job::run);
        } catch (RejectedExecutionException e) {
            jobs.remove(job.id);
            throw new Unavailable("too many investigations are running; try again in a minute", Duration.ofSeconds(60));
        }
        return job;
    }

    /** The job {@code id} when it was run in {@code tenantId} (null: across tenants), else none. */
    public Optional<Job> find(UUID id, UUID tenantId) {
        forgetOld();
        return Optional.ofNullable(jobs.get(id)).filter(job -> Objects.equals(job.tenantId, tenantId));
    }

    /**
     * Drops the jobs that could hold a tenant's data (its own, and those across tenants), finished or not (erasure:
     * their answers may name the erased subject's addresses); a running one finishes unseen.
     */
    public int forgetTenant(UUID tenantId) {
        int before = jobs.size();
        jobs.values().removeIf(job -> job.tenantId == null || job.tenantId.equals(tenantId));
        return before - jobs.size();
    }

    /** Drops finished jobs older than {@code keep-for}, and the oldest finished ones beyond {@code max-kept}. */
    private void forgetOld() {
        Instant cutoff = clock.instant().minus(settings.keepFor());
        jobs.values().removeIf(job -> job.finishedAt != null && job.finishedAt.isBefore(cutoff));
        List<Job> finished = jobs.values().stream().filter(job -> job.finishedAt != null)
                .sorted(Comparator.comparing(job -> job.finishedAt)).toList();
        for (int i = 0; i < finished.size() - settings.maxKept(); i++) {
            jobs.remove(finished.get(i).id);
        }
    }

    /** How long a request waits for its job before answering 202. */
    public Duration answerWithin() {
        return settings.answerWithin();
    }

    /**
     * Streams the matches of a finished job up to the ledger position it searched (call inside a transaction). In
     * the job's own slices: each slice is sorted on its own, so the first rows leave at once, where one query over
     * a whole big window would sort all of it first.
     */
    /** Every event of the job's timeline, in order, with its address opened. */
    public void forEach(Job job, Consumer<Hit> hit) {
        search.scan(job.criteria, job.ceiling, job.slices, found -> hit.accept(found.withIp(sealer.open(found.ip()))),
                (scanned, total, matched) -> {
                });
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
