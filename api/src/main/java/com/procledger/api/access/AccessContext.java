package com.procledger.api.access;

import jakarta.servlet.ServletRequest;

import java.util.UUID;

/**
 * What is known about a request's caller while it runs, for its access event: filled in by the security chain
 * (from a valid bearer token) or by the token endpoint (the account a login aimed at). One per request, as a
 * request attribute; absent for requests that are not recorded.
 */
public final class AccessContext {

    private static final String ATTRIBUTE = AccessContext.class.getName();

    private volatile String actor;
    private volatile UUID callerTenant;
    private volatile String tokenId;
    private volatile String resource;
    private volatile String detail;
    private final String correlationId;

    AccessContext(String correlationId) {
        this.correlationId = correlationId;
    }

    void attachTo(ServletRequest request) {
        request.setAttribute(ATTRIBUTE, this);
    }

    /** The request's context; a detached one (whose details go nowhere) when the request is not recorded. */
    public static AccessContext of(ServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof AccessContext context ? context : new AccessContext(null);
    }

    /** The caller, as a verified token or a login names them. */
    public void identify(String actor, UUID tenant, String tokenId) {
        this.actor = actor;
        this.callerTenant = tenant;
        this.tokenId = tokenId;
        if (correlationId != null) { // a recorded request, on its own thread: its log lines say who, by ids only
            if (tenant != null) {
                org.slf4j.MDC.put(MDC_TENANT_ID, tenant.toString());
            }
            if (actor != null && UUID_TEXT.matcher(actor).matches()) { // never the email a sign-in tried
                org.slf4j.MDC.put(MDC_USER_ID, actor);
            }
        }
    }

    /** Names of the log context's fields (structured logs, README): ids only, never personal data. */
    public static final String MDC_CORRELATION_ID = "correlationId";
    public static final String MDC_TENANT_ID = "tenantId";
    public static final String MDC_USER_ID = "userId";

    private static final java.util.regex.Pattern UUID_TEXT =
            java.util.regex.Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** Ends a request's log context. */
    static void clearLogContext() {
        org.slf4j.MDC.remove(MDC_CORRELATION_ID);
        org.slf4j.MDC.remove(MDC_TENANT_ID);
        org.slf4j.MDC.remove(MDC_USER_ID);
    }

    /** What was aimed at, where the path does not say it; never personal data (see {@link #detail}). */
    public void resource(String resource) {
        this.resource = resource;
    }

    /**
     * What the request named that may be personal data (the email a sign-in tried, an investigation's criteria):
     * recorded sealed under the actor's key, never in the resource.
     */
    public void detail(String detail) {
        this.detail = detail;
    }

    String detail() {
        return detail;
    }

    String actor() {
        return actor;
    }

    UUID callerTenant() {
        return callerTenant;
    }

    String tokenId() {
        return tokenId;
    }

    String resource() {
        return resource;
    }

    public String correlationId() {
        return correlationId;
    }
}
