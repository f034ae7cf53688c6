package com.procledger.api.access;

import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The names under which requests are recorded ({@code requisition.read}), one per endpoint: the vocabulary of the
 * access log's {@code action} filter and of docs/security.md. {@code AccessActionsTest} fails when an endpoint has
 * no name here, so that a new endpoint cannot go unrecorded under a vague name.
 */
public final class AccessActions {

    public static final String UNKNOWN = "unknown";

    /** An endpoint and its action name. */
    public record Endpoint(String method, String pattern, String action) {
        PathPattern parsed() {
            return PathPatternParser.defaultInstance.parse(pattern);
        }
    }

    /** A request matched to its endpoint, with the path's variables ({@code tenantId}, {@code id}). */
    public record Match(String action, Map<String, String> variables) {
    }

    private static final String T = "/api/tenants/{tenantId}";
    public static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("POST", "/api/auth/token", "auth.token"),
            new Endpoint("POST", "/api/auth/refresh", "auth.refresh"),
            new Endpoint("POST", "/api/auth/logout", "auth.logout"),
            new Endpoint("POST", "/api/me/mfa/totp", "mfa.enrol"),
            new Endpoint("POST", "/api/me/mfa/totp/confirm", "mfa.confirm"),
            new Endpoint("POST", "/api/me/password", "password.change"),
            new Endpoint("GET", "/api/me/consents", "consent.read"),
            new Endpoint("PUT", "/api/me/consents", "consent.change"),
            new Endpoint("GET", "/api/me/personal-data", "personal-data.export-own"),
            new Endpoint("POST", "/api/tenants", "tenant.create"),
            new Endpoint("GET", T, "tenant.read"),
            new Endpoint("POST", T + "/users", "user.create"),
            new Endpoint("GET", T + "/users", "user.list"),
            new Endpoint("POST", T + "/users/{userId}/revoke-tokens", "user.revoke-tokens"),
            new Endpoint("POST", T + "/users/{userId}/deactivate", "user.deactivate"),
            new Endpoint("POST", T + "/users/{userId}/erasure", "user.erase"),
            new Endpoint("GET", T + "/users/{userId}/personal-data", "personal-data.export"),
            new Endpoint("PUT", T + "/privacy-settings", "privacy-settings.change"),
            new Endpoint("PUT", T + "/approval-policy", "policy.change"),
            new Endpoint("GET", T + "/approval-policy/versions", "policy.versions.read"),
            new Endpoint("PUT", T + "/security-policy", "security-policy.change"),
            new Endpoint("POST", T + "/requisitions", "requisition.raise"),
            new Endpoint("GET", T + "/requisitions", "requisition.list"),
            new Endpoint("GET", T + "/requisitions/{id}", "requisition.read"),
            new Endpoint("GET", T + "/requisitions/{id}/history", "requisition.history"),
            new Endpoint("POST", T + "/requisitions/{id}/submit", "requisition.submit"),
            new Endpoint("POST", T + "/requisitions/{id}/approve", "requisition.approve"),
            new Endpoint("POST", T + "/requisitions/{id}/reject", "requisition.reject"),
            new Endpoint("POST", T + "/requisitions/{id}/cancel", "requisition.cancel"),
            new Endpoint("GET", T + "/approvals/inbox", "inbox.read"),
            new Endpoint("GET", T + "/access-events", "access.read"),
            new Endpoint("POST", T + "/api-keys", "api-key.create"),
            new Endpoint("GET", T + "/api-keys", "api-key.list"),
            new Endpoint("DELETE", T + "/api-keys/{keyId}", "api-key.revoke"),
            new Endpoint("PUT", T + "/secrets/{name}", "secret.put"),
            new Endpoint("GET", T + "/secrets", "secret.list"),
            new Endpoint("DELETE", T + "/secrets/{name}", "secret.delete"),
            new Endpoint("GET", T + "/ledger/events", "ledger.read"),
            new Endpoint("GET", T + "/ledger/verify", "ledger.verify"),
            new Endpoint("POST", T + "/ledger/checkpoints", "ledger.checkpoint"),
            new Endpoint("GET", T + "/ledger/checkpoints", "ledger.checkpoints.read"),
            new Endpoint("GET", T + "/ledger/checkpoints/latest", "ledger.checkpoints.read"),
            new Endpoint("GET", T + "/ledger/export", "ledger.export"),
            new Endpoint("GET", T + "/exports/requisitions.csv", "export.requisitions"),
            new Endpoint("GET", T + "/exports/requisitions.ndjson", "export.requisitions"),
            new Endpoint("GET", T + "/exports/spend.csv", "export.spend"),
            new Endpoint("GET", T + "/exports/spend.ndjson", "export.spend"),
            new Endpoint("GET", T + "/analytics/spend", "analytics.spend"),
            new Endpoint("GET", T + "/analytics/cycle-times", "analytics.cycle-times"),
            new Endpoint("GET", T + "/analytics/approver-workload", "analytics.approver-workload"),
            new Endpoint("POST", T + "/investigations", "investigation.run"),
            new Endpoint("POST", "/api/investigations", "investigation.run-across-tenants"),
            new Endpoint("GET", T + "/investigations/{jobId}", "investigation.read"),
            new Endpoint("GET", T + "/investigations/{jobId}/timeline", "investigation.timeline"),
            new Endpoint("GET", "/api/investigations/{jobId}", "investigation.read-across-tenants"),
            new Endpoint("GET", "/api/investigations/{jobId}/timeline", "investigation.timeline-across-tenants"),
            new Endpoint("POST", "/api/admin/projections/{name}/rebuild", "read-model.rebuild"),
            new Endpoint("GET", "/api/admin/projections/{name}", "read-model.rebuild-status"),
            new Endpoint("GET", "/api/admin/dead-letters", "read-model.dead-letters"),
            new Endpoint("POST", "/api/admin/dead-letters/{name}/retry", "read-model.dead-letters-retry"));

    /** Paths that are public and hold no tenant data: not recorded. */
    public static final List<String> NOT_RECORDED = List.of("/api/ledger/public-key", "/api/ledger/keys");

    private static final List<Map.Entry<Endpoint, PathPattern>> PARSED = ENDPOINTS.stream()
            .map(endpoint -> Map.entry(endpoint, endpoint.parsed())).toList();
    private static final PathPattern ANY_TENANT = PathPatternParser.defaultInstance.parse(T + "/**");

    private AccessActions() {
    }

    /** Whether a request to this path is recorded in the ledger. */
    public static boolean recorded(String path) {
        return path.startsWith("/api/") && !NOT_RECORDED.contains(path);
    }

    public static Match match(String method, String path) {
        PathContainer container = PathContainer.parsePath(path);
        for (var entry : PARSED) {
            if (entry.getKey().method().equals(method)) {
                var info = entry.getValue().matchAndExtract(container);
                if (info != null) {
                    return new Match(entry.getKey().action(), info.getUriVariables());
                }
            }
        }
        var tenant = Optional.ofNullable(ANY_TENANT.matchAndExtract(container));
        return new Match(UNKNOWN, tenant.map(PathPattern.PathMatchInfo::getUriVariables).orElse(Map.of()));
    }
}
