package com.procledger.api.access;

import com.procledger.infra.identity.Claims;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.UUID;

/**
 * Inside the security chain, right after the bearer token was verified: tells the request's access event who the
 * caller is. Only verified tokens name an actor; a refused token leaves the actor unknown.
 */
public class AccessIdentityFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (SecurityContextHolder.getContext().getAuthentication() instanceof JwtAuthenticationToken token) {
            var jwt = token.getToken();
            String tenant = jwt.getClaimAsString(Claims.TENANT);
            AccessContext.of(request).identify(jwt.getSubject(), tenant == null ? null : UUID.fromString(tenant),
                    jwt.getId());
        }
        chain.doFilter(request, response);
    }
}
