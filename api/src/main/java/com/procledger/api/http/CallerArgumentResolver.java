package com.procledger.api.http;

import com.procledger.infra.identity.Claims;
import com.procledger.domain.identity.Role;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.MethodParameter;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

import java.util.EnumSet;
import java.util.List;
import java.util.UUID;

/** Turns the verified bearer token of the current request into a {@link Caller} controller parameter. */
public class CallerArgumentResolver implements HandlerMethodArgumentResolver {

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType().equals(Caller.class);
    }

    @Override
    public Caller resolveArgument(MethodParameter parameter, ModelAndViewContainer mavContainer,
                                  NativeWebRequest webRequest, WebDataBinderFactory binderFactory) {
        if (!(SecurityContextHolder.getContext().getAuthentication() instanceof JwtAuthenticationToken token)) {
            throw new IllegalStateException("no bearer token on a request that needs a caller");
        }
        var jwt = token.getToken();
        var roles = EnumSet.noneOf(Role.class);
        List<String> names = jwt.getClaimAsStringList(Claims.ROLES);
        if (names != null) {
            names.forEach(name -> roles.add(Role.valueOf(name)));
        }
        String tenant = jwt.getClaimAsString(Claims.TENANT);
        HttpServletRequest request = webRequest.getNativeRequest(HttpServletRequest.class);
        return new Caller(UUID.fromString(jwt.getSubject()), tenant == null ? null : UUID.fromString(tenant), roles,
                jwt.getId(), request == null ? null : request.getRemoteAddr(),
                request == null ? null : request.getHeader("User-Agent"),
                jwt.hasClaim(Claims.ACTS_FOR) ? UUID.fromString(jwt.getClaimAsString(Claims.ACTS_FOR)) : null);
    }
}
