package com.procledger.api.http;

import com.procledger.api.ProcLedgerProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.OptionalLong;

/**
 * 429 with {@code Retry-After} for a client over its limit. Two of these sit in the security chain, inside access
 * recording (so every 429 is recorded as a denial): one by client address before the bearer token is looked at
 * (so that floods of bad tokens are limited too), one by token right after it was verified.
 */
public class RateLimitFilter extends OncePerRequestFilter {

    private final RateLimiter limiter;
    private final ProcLedgerProperties.RateLimit limits;
    private final Problems problems;
    private final boolean byToken;

    private RateLimitFilter(RateLimiter limiter, ProcLedgerProperties.RateLimit limits, Problems problems,
                            boolean byToken) {
        this.limiter = limiter;
        this.limits = limits;
        this.problems = problems;
        this.byToken = byToken;
    }

    public static RateLimitFilter byAddress(RateLimiter limiter, ProcLedgerProperties.RateLimit limits, Problems problems) {
        return new RateLimitFilter(limiter, limits, problems, false);
    }

    public static RateLimitFilter byToken(RateLimiter limiter, ProcLedgerProperties.RateLimit limits, Problems problems) {
        return new RateLimitFilter(limiter, limits, problems, true);
    }

    /** Requests refused to protect the service, by reason (docs/operations.md). */
    public static final String DENIALS = "procledger.denials";

    /** Two instances of this class run in one chain: each needs its own "already filtered" mark. */
    @Override
    protected String getAlreadyFilteredAttributeName() {
        return RateLimitFilter.class.getName() + (byToken ? ".token" : ".address") + ".FILTERED";
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        OptionalLong wait = OptionalLong.empty();
        if (!byToken) {
            wait = limiter.take("ip:" + request.getRemoteAddr(), limits.perIp(), limits.period());
        } else if (SecurityContextHolder.getContext().getAuthentication() instanceof JwtAuthenticationToken token) {
            wait = limiter.take("token:" + token.getToken().getId(), limits.perToken(), limits.period());
        }
        if (wait.isPresent()) {
            io.micrometer.core.instrument.Metrics.counter(DENIALS, "reason", byToken ? "rate_limit_token" : "rate_limit_address")
                    .increment();
            response.setHeader("Retry-After", Long.toString(wait.getAsLong()));
            problems.write(response, HttpStatus.TOO_MANY_REQUESTS, "too many requests; retry after "
                    + wait.getAsLong() + " s", request.getRequestURI());
            return;
        }
        chain.doFilter(request, response);
    }
}
