package com.procledger.api.analytics;

import com.procledger.api.http.Caller;
import com.procledger.projections.replay.TimeTravel;
import com.procledger.domain.identity.Role;
import com.procledger.projections.analytics.SpendAnalytics;
import com.procledger.projections.analytics.SpendAnalytics.GroupBy;
import com.procledger.projections.analytics.SpendAnalytics.SpendItem;
import com.procledger.projections.analytics.SpendAnalytics.SpendStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import static com.procledger.api.http.QueryParameters.requiredOption;
import static com.procledger.api.http.QueryParameters.time;

/** Spend, approval cycle times and approver workload of a tenant, for FINANCE and ANALYST users. */
@RestController
public class AnalyticsController {

    private final SpendAnalytics analytics;
    private final TimeTravel timeTravel;

    public AnalyticsController(SpendAnalytics analytics, TimeTravel timeTravel) {
        this.analytics = analytics;
        this.timeTravel = timeTravel;
    }

    public record Spend(String groupBy, String status, List<SpendItem> items) {
    }

    public record CycleTime(String step, String role, long decisions, String p50, String p90) {
    }

    public record CycleTimes(List<CycleTime> items) {
    }

    public record Approver(UUID approver, long decisions, long approved, long rejected, String p50) {
    }

    public record Waiting(String step, String role, long waiting, Instant oldestSince) {
    }

    public record Workload(List<Approver> approvers, List<Waiting> waiting) {
    }

    @GetMapping("/api/tenants/{tenantId}/analytics/spend")
    public ResponseEntity<Spend> spend(@PathVariable UUID tenantId, @RequestParam(defaultValue = "department") String groupBy,
                                       @RequestParam(defaultValue = "APPROVED") String status,
                                       @RequestParam(required = false) String from, @RequestParam(required = false) String to,
                                       @RequestParam(required = false) String department, @RequestParam(required = false) String category,
                                       @RequestParam(required = false) String vendor, @RequestParam(required = false) String asOf,
                                       Caller caller) {
        caller.requireMemberWithRole(tenantId, Role.FINANCE, Role.ANALYST);
        GroupBy by = requiredOption(GroupBy.class, "groupBy", groupBy);
        SpendStatus spendStatus = requiredOption(SpendStatus.class, "status", status);
        var filter = new SpendAnalytics.Filter(time("from", from), time("to", to), department, category, vendor);
        String key = by.name().toLowerCase(Locale.ROOT);
        if (asOf != null) {
            var then = timeTravel.asOf(tenantId, asOf, TimeTravel.View.SPEND, null,
                    () -> analytics.spend(tenantId, by, spendStatus, filter));
            return ResponseEntity.ok().header(TimeTravel.HEADER, String.valueOf(then.ledgerSeq()))
                    .body(new Spend(key, spendStatus.name(), then.value()));
        }
        return ResponseEntity.ok(new Spend(key, spendStatus.name(), analytics.spend(tenantId, by, spendStatus, filter)));
    }

    @GetMapping("/api/tenants/{tenantId}/analytics/cycle-times")
    public CycleTimes cycleTimes(@PathVariable UUID tenantId, @RequestParam(required = false) String from,
                                 @RequestParam(required = false) String to, Caller caller) {
        caller.requireMemberWithRole(tenantId, Role.FINANCE, Role.ANALYST);
        return new CycleTimes(analytics.cycleTimes(tenantId, time("from", from), time("to", to)).stream()
                .map(c -> new CycleTime(c.step(), c.role(), c.decisions(), iso(c.p50()), iso(c.p90()))).toList());
    }

    @GetMapping("/api/tenants/{tenantId}/analytics/approver-workload")
    public Workload workload(@PathVariable UUID tenantId, @RequestParam(required = false) String from,
                             @RequestParam(required = false) String to, Caller caller) {
        caller.requireMemberWithRole(tenantId, Role.FINANCE, Role.ANALYST);
        return new Workload(analytics.approverLoad(tenantId, time("from", from), time("to", to)).stream()
                .map(a -> new Approver(a.approver(), a.decisions(), a.approved(), a.rejected(), iso(a.p50()))).toList(),
                analytics.pending(tenantId).stream()
                        .map(p -> new Waiting(p.step(), p.role(), p.waiting(), p.oldestSince())).toList());
    }

    /** ISO-8601, whole seconds (cycle times are minutes to days; milliseconds would be noise). */
    private static String iso(Duration duration) {
        return Duration.ofSeconds(Math.round(duration.toMillis() / 1000.0)).toString();
    }
}
