package com.procledger.api.http;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code Idempotency-Key} on a POST: the first request with a key runs and its answer is kept; a repeat of the same
 * request gets that answer again and changes nothing. The key is scoped to the caller and the path. Reusing a key
 * for a different body answers 422; a repeat while the first is still running answers 409 with {@code Retry-After}.
 * Answers of 5xx are not kept, so such a request can be retried with the same key.
 *
 * <p>A crash can end a request between its command's commit and the keeping of its answer. So the key is carried
 * into the ledger: every command the request sends has it (hashed, numbered) in its metadata
 * ({@link #LEDGER_KEY}), and new aggregates get ids derived from it ({@link RequestIds}). A key still pending
 * after the lease belonged to a request that died; a retry takes it over and runs the request again in recovery
 * ({@link #RECOVERING}): commands the ledger already holds under the key are not sent again
 * ({@code Commands}), the rest are, and the answer is made as the first one would have been.
 */
public class IdempotencyFilter extends OncePerRequestFilter {

    public static final String HEADER = "Idempotency-Key";
    /** Request attribute: SHA-256 (hex) of the key and its scope, as the ledger's events carry it. */
    public static final String LEDGER_KEY = IdempotencyFilter.class.getName() + ".ledgerKey";
    /** Request attribute, present when this request retries one that died: send only what did not commit. */
    public static final String RECOVERING = IdempotencyFilter.class.getName() + ".recovering";
    /**
     * POSTs whose answers hold a secret — tokens, a TOTP secret, recovery codes, an API key — which must never be
     * stored: a kept answer would sit in plaintext in the database and be handed out again. They refuse the header.
     */
    private static final java.util.regex.Pattern SECRET_ANSWERS = java.util.regex.Pattern.compile(
            "/api/auth/.*|/api/me/mfa/.*|/api/tenants/[^/]+/api-keys/?");
    private static final List<String> KEPT_HEADERS = List.of(HttpHeaders.LOCATION, HttpHeaders.ETAG, HttpHeaders.CONTENT_TYPE);

    private final com.procledger.infra.idempotency.IdempotencyKeys keys;
    private final JsonMapper json;
    private final Problems problems;

    private final java.time.Duration lease;

    public IdempotencyFilter(com.procledger.infra.idempotency.IdempotencyKeys keys, JsonMapper json, Problems problems,
                             java.time.Duration lease) {
        this.keys = keys;
        this.json = json;
        this.problems = problems;
        this.lease = lease;
    }

    /** Whether a POST to this path answers a secret, and so takes no {@value #HEADER}. */
    public static boolean answersASecret(String path) {
        return SECRET_ANSWERS.matcher(path).matches();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod()) || request.getHeader(HEADER) == null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String key = request.getHeader(HEADER);
        if (answersASecret(request.getRequestURI())) {
            problems.write(response, HttpStatus.BAD_REQUEST, HEADER + " is not taken here: the answer holds a secret, "
                    + "which is never stored to be answered again; send the request without it", request.getRequestURI());
            return;
        }
        if (key.isBlank() || key.length() > 200 || !key.chars().allMatch(c -> c > 32 && c < 127)) {
            problems.write(response, HttpStatus.BAD_REQUEST,
                    HEADER + " must be 1 to 200 visible ASCII characters", request.getRequestURI());
            return;
        }
        byte[] body;
        try {
            body = request.getInputStream().readAllBytes();
        } catch (RequestSizeLimitFilter.BodyTooLarge tooLarge) {
            problems.write(response, HttpStatus.CONTENT_TOO_LARGE, tooLarge.getMessage(), request.getRequestURI());
            return;
        }
        String scope = callerOf() + " " + request.getRequestURI();
        String hash = sha256(body);
        boolean claimed = keys.claim(scope, key, hash);
        request.setAttribute(LEDGER_KEY, sha256((scope + "\n" + key).getBytes(StandardCharsets.UTF_8)));
        if (!claimed) {
            // a key pending for longer than the lease lost its request: this retry takes it over
            if (!keys.takeOverAbandoned(scope, key, hash, lease)) {
                replay(scope, key, hash, request, response);
                return;
            }
            request.setAttribute(RECOVERING, Boolean.TRUE);
        }
        var wrapped = new ContentCachingResponseWrapper(response);
        boolean kept = false;
        try {
            chain.doFilter(new CachedBody(request, body), wrapped);
            if (wrapped.getStatus() < 500) {
                Map<String, String> headers = new LinkedHashMap<>();
                for (String name : KEPT_HEADERS) {
                    String value = wrapped.getHeader(name);
                    if (value != null) {
                        headers.put(name, value);
                    }
                }
                keys.keep(scope, key, wrapped.getStatus(), json.writeValueAsString(headers), wrapped.getContentAsByteArray());
                kept = true;
            }
        } finally {
            if (!kept) {
                keys.release(scope, key);
            }
            wrapped.copyBodyToResponse();
        }
    }

    private void replay(String scope, String key, String hash, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        var found = keys.find(scope, key);
        if (found.isEmpty()) {
            problems.write(response, HttpStatus.CONFLICT, "a request with this " + HEADER
                    + " has just failed; retry", request.getRequestURI());
            return;
        }
        var row = found.get();
        if (!hash.equals(row.requestHash())) {
            problems.write(response, HttpStatus.UNPROCESSABLE_CONTENT, "this " + HEADER
                    + " was used for a different request", request.getRequestURI());
            return;
        }
        if (row.pending()) {
            response.setHeader(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, lease.toSeconds())));
            problems.write(response, HttpStatus.CONFLICT, "a request with this " + HEADER
                    + " is still being processed", request.getRequestURI());
            return;
        }
        response.setStatus(row.status());
        Map<String, String> headers = json.readValue(row.headersJson(), new TypeReference<Map<String, String>>() {
        });
        headers.forEach(response::setHeader);
        response.setHeader("Idempotent-Replayed", "true");
        byte[] body = row.body();
        if (body != null) {
            response.getOutputStream().write(body);
        }
    }

    private static String callerOf() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication == null ? "anonymous" : authentication.getName();
    }

    private static String sha256(byte[] body) {
        return com.procledger.infra.crypto.Sha256.hexOf(body);
    }

    /** The request with its body already read (to hash it), readable again by the controller. */
    private static final class CachedBody extends HttpServletRequestWrapper {
        private final byte[] body;

        CachedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            var in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("synchronous reads only");
                }
            };
        }

        @Override
        public java.io.BufferedReader getReader() {
            return new java.io.BufferedReader(new java.io.InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }
    }
}
