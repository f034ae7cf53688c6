package com.procledger.api.http;

import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Ids for what a request creates. Random, except in a request with an {@code Idempotency-Key}: there the n-th id is
 * derived from the key (and its scope), so that a retry of a request that died after its commit names the same
 * tenant, user or requisition, and finds it in the ledger instead of creating a second one.
 */
public final class RequestIds {

    private static final String COUNTER = RequestIds.class.getName() + ".counter";

    private RequestIds() {
    }

    public static UUID next() {
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        Object key = request == null ? null : request.getAttribute(IdempotencyFilter.LEDGER_KEY, RequestAttributes.SCOPE_REQUEST);
        if (key == null) {
            return UUID.randomUUID();
        }
        int n = count(request, COUNTER);
        return UUID.nameUUIDFromBytes((key + "/id/" + n).getBytes(StandardCharsets.UTF_8));
    }

    /** The request's ledger key of its n-th command, or null outside an idempotent request. */
    public static String nextCommandKey() {
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        Object key = request == null ? null : request.getAttribute(IdempotencyFilter.LEDGER_KEY, RequestAttributes.SCOPE_REQUEST);
        if (key == null) {
            return null;
        }
        return key + "/" + count(request, COUNTER + ".commands");
    }

    /** Whether this request retries one that died (see {@link IdempotencyFilter#RECOVERING}). */
    public static boolean recovering() {
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        return request != null
                && request.getAttribute(IdempotencyFilter.RECOVERING, RequestAttributes.SCOPE_REQUEST) != null;
    }

    private static int count(RequestAttributes request, String name) {
        Object seen = request.getAttribute(name, RequestAttributes.SCOPE_REQUEST);
        int n = seen == null ? 0 : (Integer) seen;
        request.setAttribute(name, n + 1, RequestAttributes.SCOPE_REQUEST);
        return n;
    }
}
