package com.procledger.api.tenant;

import com.procledger.infra.identity.Claims;
import com.procledger.api.database.TenantScopedDataSource;
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
 * The second wall: a request of a tenant's user (or API key) runs with its database connections scoped to that
 * tenant, so row-level security hides every other tenant's read-model rows even from a query that forgot its
 * {@code WHERE tenant_id}. Operators have no tenant and run unscoped.
 */
public class TenantScopeFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String tenant = SecurityContextHolder.getContext().getAuthentication() instanceof JwtAuthenticationToken token
                ? token.getToken().getClaimAsString(Claims.TENANT) : null;
        if (tenant == null) {
            chain.doFilter(request, response);
            return;
        }
        try {
            TenantScopedDataSource.runAs(UUID.fromString(tenant), () -> {
                chain.doFilter(request, response);
                return null;
            });
        } catch (IOException | ServletException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ServletException(e);
        }
    }
}
