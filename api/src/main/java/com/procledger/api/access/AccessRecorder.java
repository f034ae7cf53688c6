package com.procledger.api.access;

import com.procledger.api.database.TenantScopedDataSource;
import com.procledger.domain.access.AccessEvent.AccessOutcome;
import com.procledger.domain.access.AccessEvent.AccessRecorded;
import com.procledger.domain.TenantScoped;
import com.procledger.infra.ledger.GroupCommit;
import com.procledger.projections.requisition.RequisitionViews;
import com.procledger.projections.tenant.Tenants;
import jakarta.servlet.http.HttpServletRequest;
import org.axonframework.eventhandling.GenericEventMessage;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Turns a request and its answer into an {@link AccessRecorded} event and appends it durably (group commit),
 * returning only when it is committed. The event goes into the ledger of the tenant whose data was aimed at: the
 * tenant in the path, or the owner of a requisition id that another tenant's user probed; else the caller's
 * tenant; else the platform's.
 */
public class AccessRecorder {

    private static final Set<Integer> DENIALS = Set.of(401, 403, 429);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final GroupCommit ledger;
    private final Underway underway;
    private final Tenants tenants;
    private final RequisitionViews requisitions;
    private final Set<UUID> knownTenants = ConcurrentHashMap.newKeySet();

    public AccessRecorder(GroupCommit ledger, Underway underway, Tenants tenants, RequisitionViews requisitions) {
        this.ledger = ledger;
        this.underway = underway;
        this.tenants = tenants;
        this.requisitions = requisitions;
    }

    /**
     * Requests under way whose access event is not handed in yet: the group commit waits a little for their events
     * while there are any.
     */
    public static final class Underway {
        private final AtomicInteger count = new AtomicInteger();

        public int count() {
            return count.get();
        }
    }

    /** A request began: its access event will come. */
    void started() {
        underway.count.incrementAndGet();
    }

    /** Thrown when an access could not be recorded: the answer must then not go out. */
    public static final class NotRecorded extends RuntimeException {
        NotRecorded(Throwable cause) {
            super("the access could not be recorded in the ledger", cause);
        }
    }

    /** Records the access of a request that {@link #started}; called once per request. */
    void record(HttpServletRequest request, AccessContext context, int status) {
        underway.count.decrementAndGet();
        append(request, context, status);
    }

    /** Appends the access event of a finished request (the request is no longer counted as under way). */
    protected void append(HttpServletRequest request, AccessContext context, int status) {
        if (com.procledger.api.http.DatabaseOutage.seenJustNow()) {
            // a request found the database gone a moment ago: waiting for it again only to fail would double every
            // answer's wait; the answer becomes a 503 either way (nothing is shown that is not recorded)
            throw new NotRecorded(new com.procledger.api.http.DatabaseOutage.Assumed());
        }
        String path = request.getRequestURI();
        AccessActions.Match match = AccessActions.match(request.getMethod(), path);
        UUID pathTenant = uuid(match.variables().get("tenantId"));
        UUID caller = context.callerTenant();
        UUID aimedAt = pathTenant != null && known(pathTenant) ? pathTenant : null;
        boolean probe = false;
        if (status == 404) {
            UUID owner = ownerOf(match);
            if (owner != null && !owner.equals(caller)) {
                aimedAt = owner;
                probe = true;
            } else if (aimedAt != null && !aimedAt.equals(caller)) {
                probe = true;
            }
        }
        UUID tenant = aimedAt != null ? aimedAt : caller != null ? caller : TenantScoped.PLATFORM;
        AccessOutcome outcome = DENIALS.contains(status) || probe ? AccessOutcome.DENIED : AccessOutcome.ALLOWED;
        // only a caller who proved who they are (a token) owns the request's address and agent; a sign-in that
        // failed names the account it tried, but its address is an unknown caller's
        String dataSubject = context.tokenId() != null ? context.actor() : null;
        var event = new AccessRecorded(tenant, context.actor(), dataSubject, match.action(),
                truncate(Objects.requireNonNullElse(context.resource(), path), 2000), truncate(context.detail(), 4000),
                outcome, status,
                request.getRemoteAddr(), truncate(request.getHeader("User-Agent"), 256), context.correlationId(),
                context.tokenId());
        try {
            ledger.append(GenericEventMessage.asEventMessage(event)
                            .andMetaData(Map.of("actor", context.actor() == null ? "anonymous" : context.actor())), WAIT)
                    .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotRecorded(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new NotRecorded(e);
        }
    }

    private boolean known(UUID tenant) {
        if (knownTenants.contains(tenant)) {
            return true;
        }
        boolean exists = TenantScopedDataSource.unscoped(() -> tenants.find(tenant).isPresent());
        if (exists) {
            knownTenants.add(tenant); // tenants are never deleted while the service runs; unknown ids are not cached
        }
        return exists;
    }

    private UUID ownerOf(AccessActions.Match match) {
        UUID id = uuid(match.variables().get("id"));
        // across tenants on purpose: a probe of another tenant's id is recorded in that tenant's ledger
        return id != null && match.action().startsWith("requisition.")
                ? TenantScopedDataSource.unscoped(() -> requisitions.ownerOf(id).orElse(null)) : null;
    }

    private static UUID uuid(String text) {
        if (text == null) {
            return null;
        }
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}
