package com.procledger.projections.replay;

import com.procledger.domain.DomainException;
import com.procledger.projections.analytics.SpendAnalytics;
import com.procledger.projections.approval.ApprovalInbox;
import com.procledger.projections.requisition.RequisitionViews;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.annotation.Qualifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.PreparedStatementCreator;
import org.springframework.jdbc.core.ResultSetExtractor;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;

/**
 * Tenant views "as of" a point in the ledger, answered by replaying the tenant's ledger up to that point through
 * the very read models that serve the present: copies of the view's tables, named like them, hide the real ones
 * (temporary tables, which PostgreSQL looks up first, or a replay schema put first in the search path), the
 * tenant's events up to the point go through the projections' own event handlers, the usual query runs on the
 * result, and the copies are dropped. No second implementation of any view, and nothing the present serves is
 * touched.
 */
@Component
public class TimeTravel {

    /** The answer header that says which ledger_seq a view "as of" reflects. */
    public static final String HEADER = "X-Ledger-As-Of";

    /** Which view to replay: only its projection runs, into copies of only its tables. */
    public enum View {
        REQUISITIONS(RequisitionViews.READ_MODEL),
        APPROVAL_INBOX(ApprovalInbox.READ_MODEL),
        SPEND(SpendAnalytics.READ_MODEL);

        private final String readModel;
        private final List<String> tables;

        View(com.procledger.projections.ReadModel model) {
            this.readModel = model.name();
            this.tables = model.tables();
        }
    }

    /** A view as it stood just after {@code ledgerSeq}, the tenant's last event at or before the point asked for. */
    public record AsOf<T>(long ledgerSeq, T value) {
    }

    /** Schemas (V18) a whole-tenant replay may fill, one replay each at a time. */
    static final List<String> SLOTS = List.of("procledger_asof_1", "procledger_asof_2", "procledger_asof_3",
            "procledger_asof_4");

    private static final Logger log = LoggerFactory.getLogger(TimeTravel.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final LedgerReplay replay;
    private final ParallelReplay parallel;
    private final ParkedEvents parked;
    private final Map<View, AnnotationEventHandlerAdapter> projections;
    private final BlockingQueue<String> freeSlots = new LinkedBlockingQueue<>(SLOTS);

    public TimeTravel(JdbcTemplate jdbc, PlatformTransactionManager transactions,
                      @Qualifier("eventSerializer") Serializer serializer, ParallelReplay parallel,
                      RequisitionViews requisitions, ApprovalInbox inbox, SpendAnalytics spend,
                      ParkedEvents parked) {
        this.jdbc = jdbc;
        this.parked = parked;
        this.transactions = new TransactionTemplate(transactions);
        this.replay = new LedgerReplay(serializer);
        this.parallel = parallel;
        this.projections = Map.of(View.REQUISITIONS, new AnnotationEventHandlerAdapter(requisitions),
                View.APPROVAL_INBOX, new AnnotationEventHandlerAdapter(inbox),
                View.SPEND, new AnnotationEventHandlerAdapter(spend));
    }

    /**
     * Runs {@code query} on the tenant's {@code view} as of {@code asOf}: a {@code ledger_seq} (digits) or an ISO-8601
     * time (the tenant's last event at or before it). With an {@code aggregateId}, only that aggregate's events are
     * replayed (enough for one requisition's detail), into temporary tables. A whole tenant's view is replayed in
     * parallel ({@link ParallelReplay}) into unlogged copies in a schema of its own (one of {@link #SLOTS}), or,
     * when all of those are busy, into temporary tables like a single requisition.
     */
    public <T> AsOf<T> asOf(UUID tenantId, String asOf, View view, UUID aggregateId, Supplier<T> query) {
        Long seq = null;
        Instant time = null;
        if (asOf.matches("\\d{1,18}")) {
            seq = Long.parseLong(asOf);
        } else {
            try {
                time = Instant.parse(asOf);
                if (!com.procledger.domain.StorableTime.storable(time)) {
                    throw new DomainException.Invalid("asOf " + com.procledger.domain.StorableTime.RULE);
                }
            } catch (DateTimeParseException e) {
                throw new DomainException.Invalid("asOf must be a ledger_seq (a whole number) or an ISO-8601 time such as 2026-11-01T00:00:00Z");
            }
        }
        // what the live view parked (ADR 0016) it never showed: time travel leaves it out too
        java.util.Set<String> parkedIds = parked.eventIds(view.readModel);
        Long askedSeq = seq;
        Instant askedTime = time;
        String slot = aggregateId == null ? freeSlots.poll() : null;
        if (slot == null) {
            return transactions.execute(status -> {
                status.setRollbackOnly(); // the replayed tables never outlive the question
                long until = until(tenantId, askedSeq, askedTime);
                for (String table : view.tables) {
                    LedgerReplay.createCopy(jdbc, table, "pg_temp." + table, "CREATE TEMP TABLE", " ON COMMIT DROP");
                }
                long[] last = {0};
                AnnotationEventHandlerAdapter projection = projections.get(view);
                Map<String, Boolean> handled = new java.util.HashMap<>();
                jdbc.query(events(tenantId, until, aggregateId, 1000), (RowCallbackHandler) rs -> {
                    var row = LedgerReplay.Row.of(rs);
                    last[0] = row.ledgerSeq();
                    if (!parkedIds.contains(row.eventId()) && replay.handles(projection, handled, row)) {
                        LedgerReplay.apply(projection, replay.message(row));
                    }
                });
                return new AsOf<>(last[0], query.get());
            });
        }
        try {
            transactions.executeWithoutResult(status -> {
                for (String table : view.tables) {
                    jdbc.execute("DROP TABLE IF EXISTS " + slot + "." + table);
                    LedgerReplay.createCopy(jdbc, table, slot + "." + table, "CREATE UNLOGGED TABLE", "");
                }
            });
            Long last = transactions.execute(status -> jdbc.query(
                    events(tenantId, until(tenantId, askedSeq, askedTime), null, ParallelReplay.CHUNK),
                    (ResultSetExtractor<Long>) rs -> parallel.replay(rs, "ledger_seq", projections.get(view), slot,
                            parkedIds, position -> {
                            })));
            return transactions.execute(status -> {
                status.setRollbackOnly(); // the question only reads
                jdbc.execute("SET LOCAL search_path TO " + slot + ", public");
                return new AsOf<>(Math.max(0, last == null ? 0 : last), query.get());
            });
        } finally {
            try {
                transactions.executeWithoutResult(status -> view.tables.forEach(
                        table -> jdbc.execute("DROP TABLE IF EXISTS " + slot + "." + table)));
            } catch (RuntimeException e) {
                log.warn("Could not drop the replayed tables in {}; the next replay there drops them", slot, e);
            }
            freeSlots.add(slot);
        }
    }

    /** The ledger_seq asked for: as given, or the tenant's last event at or before the time given. */
    private long until(UUID tenantId, Long seq, Instant time) {
        // times to the millisecond, as the API shows them: a time copied from a history includes its event
        return seq != null ? seq : jdbc.queryForObject(
                "SELECT coalesce(max(ledger_seq), 0) FROM ledger_events WHERE tenant_id = ? AND occurred_at < ?",
                Long.class, tenantId, java.sql.Timestamp.from(time.truncatedTo(ChronoUnit.MILLIS).plusMillis(1)));
    }

    /** The tenant's business events up to {@code until}, in order, through a cursor (inside a transaction). */
    private static PreparedStatementCreator events(UUID tenantId, long until, UUID aggregateId, int fetchSize) {
        return connection -> {
            PreparedStatement statement = connection.prepareStatement("SELECT " + LedgerReplay.COLUMNS
                    + " FROM ledger_events WHERE tenant_id = ? AND ledger_seq <= ? AND aggregate_id IS NOT NULL "
                    + (aggregateId == null ? "" : "AND aggregate_id = ? ") + "ORDER BY ledger_seq");
            statement.setFetchSize(fetchSize);
            statement.setObject(1, tenantId);
            statement.setLong(2, until);
            if (aggregateId != null) {
                statement.setString(3, aggregateId.toString());
            }
            return statement;
        };
    }
}
