package com.procledger.api.http;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.Collections;
import java.util.Optional;

/**
 * Refuses, with a 400 naming it, a query parameter or header that PostgreSQL could not store or compare (U+0000, a
 * lone surrogate: {@link StorableValues}), before anything reads it: filters, the access recorder, SQL, the ledger.
 * Runs right after the security headers, so the refusal carries them.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 3)
public class UnstorableInputFilter extends OncePerRequestFilter {

    private final Problems problems;

    public UnstorableInputFilter(Problems problems) {
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<String> problem = problemWith(request);
        if (problem.isPresent()) {
            problems.write(response, HttpStatus.BAD_REQUEST, problem.get(), null);
            return;
        }
        chain.doFilter(request, response);
    }

    private static Optional<String> problemWith(HttpServletRequest request) {
        String path = request.getRequestURI();
        if (path != null) {
            var found = StorableValues.problemWith(path);
            if (found.isPresent()) {
                return Optional.of("the path " + found.get());
            }
        }
        if (request.getQueryString() != null) {
            for (var parameter : request.getParameterMap().entrySet()) {
                String name = parameter.getKey();
                var inName = StorableValues.problemWith(name);
                if (inName.isPresent()) {
                    return Optional.of("a query parameter's name " + inName.get());
                }
                for (String value : parameter.getValue()) {
                    var found = StorableValues.problemWith(value);
                    if (found.isPresent()) {
                        return Optional.of("query parameter '" + name + "' " + found.get());
                    }
                }
            }
        }
        for (String name : Collections.list(request.getHeaderNames())) {
            for (String value : Collections.list(request.getHeaders(name))) {
                var found = StorableValues.problemWith(value);
                if (found.isPresent()) {
                    return Optional.of("header '" + name + "' " + found.get());
                }
            }
        }
        return Optional.empty();
    }
}
