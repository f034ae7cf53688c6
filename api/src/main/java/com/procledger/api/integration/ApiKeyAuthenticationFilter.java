package com.procledger.api.integration;

import com.procledger.infra.identity.Claims;
import com.procledger.infra.identity.ApiKeys;
import com.procledger.api.http.Problems;
import com.procledger.infra.identity.TokenIssuer;
import com.procledger.domain.identity.Role;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.time.Instant;

/**
 * Authenticates {@code X-Api-Key: plk_...}: a live key becomes a caller of its tenant with the key's roles, named
 * by the key id (as {@code sub} and, prefixed {@code apikey:}, as the token id in access events), so that the same
 * role checks, rate limits and recording apply as for people. A bad key answers 401 at once. It acts for the person
 * who created it ({@link Claims#ACTS_FOR}): a decision made with it counts as theirs for separation of duties.
 */
public class ApiKeyAuthenticationFilter extends OncePerRequestFilter {

    public static final String HEADER = "X-Api-Key";

    private final ApiKeys keys;
    private final Problems problems;

    public ApiKeyAuthenticationFilter(ApiKeys keys, Problems problems) {
        this.keys = keys;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String presented = request.getHeader(HEADER);
        if (presented == null) {
            chain.doFilter(request, response);
            return;
        }
        var principal = keys.verify(presented.strip());
        if (principal.isEmpty()) {
            problems.write(response, HttpStatus.UNAUTHORIZED, "invalid, expired or revoked API key", request.getRequestURI());
            return;
        }
        var key = principal.get();
        Jwt jwt = Jwt.withTokenValue("api-key")
                .header("alg", "none")
                .subject(key.keyId().toString())
                .jti("apikey:" + key.keyId())
                .issuedAt(Instant.now())
                .expiresAt(key.expiresAt())
                .claim(Claims.TENANT, key.tenantId().toString())
                .claim(Claims.ROLES, key.roles().stream().map(Role::name).sorted().toList())
                .claim(Claims.ACTS_FOR, key.createdBy().toString())
                .build();
        var authorities = key.roles().stream().map(role -> new SimpleGrantedAuthority("ROLE_" + role.name())).toList();
        var context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(new JwtAuthenticationToken(jwt, authorities, key.keyId().toString()));
        SecurityContextHolder.setContext(context);
        chain.doFilter(request, response);
    }
}
