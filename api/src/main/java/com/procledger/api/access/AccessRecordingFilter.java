package com.procledger.api.access;

import com.procledger.api.http.Problems;
import com.procledger.api.http.SecurityHeadersFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Records every request to {@code /api/**} as an access event, durably, before any byte of its answer leaves:
 * the response is wrapped so that the first attempt to write a body (or to send an error, or to flush) waits
 * until the event is committed; an answer without a body is recorded when the request ends. If the event cannot
 * be recorded, the caller gets 503 instead of the answer. Runs before Spring Security, so refusals of missing or
 * bad tokens are recorded as well.
 */
public class AccessRecordingFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(AccessRecordingFilter.class);
    public static final String CORRELATION_HEADER = "X-Correlation-Id";
    private static final Pattern SAFE_CORRELATION_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    private final AccessRecorder recorder;
    private final Problems problems;

    public AccessRecordingFilter(AccessRecorder recorder, Problems problems) {
        this.recorder = recorder;
        this.problems = problems;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !AccessActions.recorded(request.getRequestURI());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String given = request.getHeader(CORRELATION_HEADER);
        String correlationId = given != null && SAFE_CORRELATION_ID.matcher(given).matches()
                ? given : UUID.randomUUID().toString();
        response.setHeader(CORRELATION_HEADER, correlationId);
        var context = new AccessContext(correlationId);
        context.attachTo(request);
        var recording = new RecordingResponse(request, response, context);
        // every log line of this request carries its correlation id (and, once known, tenant and user ids)
        org.slf4j.MDC.put(AccessContext.MDC_CORRELATION_ID, correlationId);
        recorder.started();
        boolean failed = true;
        try {
            chain.doFilter(request, recording);
            failed = false;
        } finally {
            try {
                // a failure that escaped every handler becomes a 500 from the container
                recording.ensureRecorded(failed ? HttpStatus.INTERNAL_SERVER_ERROR.value() : recording.getStatus());
            } finally {
                AccessContext.clearLogContext();
            }
        }
    }

    /** Holds the answer back until its access event is committed. */
    private final class RecordingResponse extends HttpServletResponseWrapper {
        private final HttpServletRequest request;
        private final AccessContext context;
        private boolean recorded;
        private boolean refused;

        RecordingResponse(HttpServletRequest request, HttpServletResponse response, AccessContext context) {
            super(response);
            this.request = request;
            this.context = context;
        }

        /** Records once (the filter's thread and an async writer may both get here); later calls wait for it. */
        synchronized void ensureRecorded(int status) throws IOException {
            if (recorded) {
                return;
            }
            recorded = true;
            try {
                recorder.record(request, context, status);
            } catch (AccessRecorder.NotRecorded e) {
                if (com.procledger.api.http.DatabaseOutage.isCause(e)) {
                    com.procledger.api.http.DatabaseOutage.noted(e);
                } else {
                    log.error("refusing an answer whose access event could not be recorded", e);
                }
                refused = true;
                if (!super.isCommitted()) {
                    super.reset();
                    SecurityHeadersFilter.apply((HttpServletResponse) getResponse());
                    ((HttpServletResponse) getResponse()).setHeader("Retry-After",
                            String.valueOf(com.procledger.api.http.DatabaseOutage.RETRY_AFTER.toSeconds()));
                    problems.write((HttpServletResponse) getResponse(), HttpStatus.SERVICE_UNAVAILABLE,
                            "the service cannot record this access right now; try again later", null);
                    super.flushBuffer();
                }
            }
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            ensureRecorded(getStatus());
            return refused ? DISCARD : super.getOutputStream();
        }

        @Override
        public PrintWriter getWriter() throws IOException {
            ensureRecorded(getStatus());
            return refused ? new PrintWriter(DISCARD) : super.getWriter();
        }

        @Override
        public void flushBuffer() throws IOException {
            ensureRecorded(getStatus());
            if (!refused) {
                super.flushBuffer();
            }
        }

        @Override
        public void sendError(int sc, String msg) throws IOException {
            ensureRecorded(sc);
            if (!refused) {
                super.sendError(sc, msg);
            }
        }

        @Override
        public void sendError(int sc) throws IOException {
            ensureRecorded(sc);
            if (!refused) {
                super.sendError(sc);
            }
        }

        @Override
        public void sendRedirect(String location) throws IOException {
            ensureRecorded(HttpStatus.FOUND.value());
            if (!refused) {
                super.sendRedirect(location);
            }
        }

        @Override
        public void setStatus(int sc) {
            if (!refused) {
                super.setStatus(sc);
            }
        }

        @Override
        public void setHeader(String name, String value) {
            if (!refused) {
                super.setHeader(name, value);
            }
        }

        @Override
        public void addHeader(String name, String value) {
            if (!refused) {
                super.addHeader(name, value);
            }
        }
    }

    private static final ServletOutputStream DISCARD = new ServletOutputStream() {
        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setWriteListener(WriteListener listener) {
        }

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    };
}
