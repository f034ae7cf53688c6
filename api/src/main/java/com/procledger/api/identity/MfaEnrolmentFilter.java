package com.procledger.api.identity;

import com.procledger.infra.identity.Claims;
import com.procledger.api.http.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * A token marked {@code mfa_enrolment_only} (its tenant requires a second factor the user has not turned on yet)
 * may turn TOTP on and log out, nothing else: 403 with a problem saying what to do.
 */
public class MfaEnrolmentFilter extends OncePerRequestFilter {

    private final Problems problems;

    public MfaEnrolmentFilter(Problems problems) {
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (SecurityContextHolder.getContext().getAuthentication() instanceof JwtAuthenticationToken token
                && Boolean.TRUE.equals(token.getToken().getClaimAsBoolean(Claims.MFA_ENROLMENT_ONLY))) {
            String path = request.getRequestURI();
            if (!path.startsWith("/api/me/mfa/") && !path.equals("/api/auth/logout")) {
                problems.write(response, HttpStatus.FORBIDDEN, "your tenant requires two-factor sign-in: turn it on "
                        + "(POST /api/me/mfa/totp, then /api/me/mfa/totp/confirm) and sign in again", path);
                return;
            }
        }
        chain.doFilter(request, response);
    }
}
