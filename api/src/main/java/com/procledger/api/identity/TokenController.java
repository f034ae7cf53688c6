package com.procledger.api.identity;

import com.procledger.infra.identity.TokenIssuer;
import com.procledger.infra.identity.Claims;
import com.procledger.infra.identity.LoginThrottle;
import com.procledger.infra.identity.Mfa;
import com.procledger.infra.identity.RefreshTokens;
import com.procledger.api.access.AccessContext;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.procledger.domain.TenantScoped;
import com.procledger.projections.identity.UserAccounts;
import com.procledger.projections.tenant.Tenants;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Sign-in: email and password for a short-lived bearer token. */
@RestController
@RequestMapping("/api/auth")
public class TokenController {

    private final UserAccounts users;
    private final BCryptPasswordEncoder passwords;
    private final TokenIssuer tokens;
    private final LoginThrottle throttle;
    private final RefreshTokens refreshTokens;
    private final Mfa mfa;
    private final Tenants tenants;
    /** Compared against when the email is unknown, so both failures take the same bcrypt time. */
    private final String decoyHash;
    private final com.procledger.infra.identity.Credentials credentials;

    public TokenController(UserAccounts users, BCryptPasswordEncoder passwords, TokenIssuer tokens,
                           LoginThrottle throttle, RefreshTokens refreshTokens, Mfa mfa, Tenants tenants,
                           com.procledger.infra.identity.Credentials credentials) {
        this.credentials = credentials;
        this.users = users;
        this.tenants = tenants;
        this.mfa = mfa;
        this.refreshTokens = refreshTokens;
        this.throttle = throttle;
        this.passwords = passwords;
        this.tokens = tokens;
        this.decoyHash = passwords.encode(UUID.randomUUID().toString());
    }

    /**
     * {@code tenantId} names the organisation to sign in to; needed only where the email has accounts in several
     * (an address is unique per tenant). The platform operator signs in without it.
     */
    public record TokenRequest(@NotNull @Size(max = 254) String email, @NotNull @Size(max = 1024) String password,
                               @Size(max = 16) String totp, UUID tenantId) {
    }

    /** More accounts than this under one email (in as many tenants) are not tried without a tenant. */
    private static final int MAX_ACCOUNTS_PER_EMAIL = 10;

    public record TokenResponse(@JsonProperty("access_token") String accessToken,
                                @JsonProperty("token_type") String tokenType,
                                @JsonProperty("expires_in") long expiresIn,
                                @JsonProperty("refresh_token") String refreshToken) {
    }

    public record RefreshRequest(@NotNull @Size(max = 200) @JsonProperty("refresh_token") String refreshToken) {
    }

    @PostMapping("/token")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", content = @io.swagger.v3.oas.annotations
            .media.Content(schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = TokenResponse.class)))
    public ResponseEntity<?> token(@Valid @RequestBody TokenRequest request, HttpServletRequest http) {
        String email = request.email().strip();
        List<UserAccounts.UserAccount> candidates = request.tenantId() != null
                ? users.findByEmail(request.tenantId(), email).stream().toList()
                : users.withEmail(email, MAX_ACCOUNTS_PER_EMAIL);
        var access = AccessContext.of(http);
        access.detail(email);
        if (candidates.size() == 1) {
            var account = candidates.getFirst();
            access.identify(account.id().toString(), account.tenantId(), null);
        }
        // counted before the password is checked, so simultaneous guesses cannot outrun the threshold
        var wait = throttle.reserve(request.email(), http.getRemoteAddr());
        if (wait.isPresent()) {
            io.micrometer.core.instrument.Metrics.counter(com.procledger.api.http.RateLimitFilter.DENIALS,
                    "reason", "sign_in_throttle").increment();
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            return problem(HttpStatus.TOO_MANY_REQUESTS, "too many failed sign-ins; try again in " + seconds + " s",
                    Long.toString(seconds));
        }
        // the password is checked against every account of the address (a decoy when there is none): only one it
        // opens may sign in; a deactivated account gets the same answer as a wrong password
        List<UserAccounts.UserAccount> opened = new ArrayList<>();
        if (candidates.isEmpty()) {
            passwords.matches(request.password(), decoyHash);
        }
        for (var candidate : candidates) {
            String hash = credentials.passwordHash(candidate.id()).orElse(decoyHash);
            if (passwords.matches(request.password(), hash) && candidate.active()) {
                opened.add(candidate);
            }
        }
        if (opened.isEmpty()) {
            throttle.failed(request.email(), http.getRemoteAddr());
            return unauthorized("invalid email or password");
        }
        if (opened.size() > 1) {
            // only the holder of the password learns that it opens accounts in several organisations
            throttle.released(request.email(), http.getRemoteAddr());
            return problem(HttpStatus.BAD_REQUEST, "this email and password open accounts in several organisations: "
                    + "send tenantId to choose one", null);
        }
        var user = opened.getFirst();
        access.identify(user.id().toString(), user.tenantId(), null);
        if (mfa.enabled(user.id())) {
            if (request.totp() == null || request.totp().isBlank()) {
                // the password was right: saying that a second factor is needed gives nothing away
                throttle.released(request.email(), http.getRemoteAddr());
                return unauthorized("a one-time code is required: send it as totp");
            }
            if (!mfa.verify(user.id(), request.totp())) {
                throttle.failed(request.email(), http.getRemoteAddr());
                return unauthorized("invalid or already used one-time code");
            }
        }
        throttle.succeeded(request.email(), http.getRemoteAddr());
        return ResponseEntity.ok(pair(user, refreshTokens.start(user.id()), access));
    }

    /** The idle time-out of the user's tenant, if it sets one. */
    private java.util.Optional<java.time.Duration> idleTimeout(UUID userId) {
        return users.find(userId).flatMap(user -> tenants.find(user.tenantId()))
                .map(tenant -> tenant.securityPolicy().idleTimeoutMinutes())
                .map(java.time.Duration::ofMinutes);
    }

    private static ResponseEntity<ProblemDetail> unauthorized(String detail) {
        return problem(HttpStatus.UNAUTHORIZED, detail, null);
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String detail, String retryAfter) {
        var answer = ResponseEntity.status(status).contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON);
        if (retryAfter != null) {
            answer.header("Retry-After", retryAfter);
        }
        return answer.body(ProblemDetail.forStatusAndDetail(status, detail));
    }

    private TokenResponse pair(UserAccounts.UserAccount user, RefreshTokens.Issued refresh, AccessContext access) {
        boolean enrolmentOnly = !TenantScoped.PLATFORM.equals(user.tenantId()) && !mfa.enabled(user.id())
                && tenants.find(user.tenantId()).map(t -> t.securityPolicy().mfaRequiredFor(user.roles())).orElse(false);
        var token = tokens.issue(user.id(), user.tenantId(), user.roles(), refresh.familyId(), enrolmentOnly);
        access.identify(user.id().toString(), user.tenantId(), token.id());
        return new TokenResponse(token.value(), "Bearer", token.expiresIn().toSeconds(), refresh.token());
    }

    /** A new pair for a refresh token, which is thereby used up; a reused one revokes its whole family. */
    @PostMapping("/refresh")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", content = @io.swagger.v3.oas.annotations
            .media.Content(schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = TokenResponse.class)))
    public ResponseEntity<?> refresh(@Valid @RequestBody RefreshRequest request, HttpServletRequest http) {
        var access = AccessContext.of(http);
        try {
            var rotated = refreshTokens.rotate(request.refreshToken(), this::idleTimeout);
            var user = users.find(rotated.userId()).filter(UserAccounts.UserAccount::active);
            if (user.isEmpty()) {
                throw new RefreshTokens.Refused("the account is gone", rotated.userId());
            }
            return ResponseEntity.ok(pair(user.get(), rotated.next(), access));
        } catch (RefreshTokens.Refused e) {
            if (e.userId() != null) {
                users.find(e.userId()).ifPresent(u -> access.identify(u.id().toString(), u.tenantId(), null));
            }
            return unauthorized("invalid refresh token");
        }
    }

    /** Revokes the caller's access token and its refresh family. */
    @PostMapping("/logout")
    public ResponseEntity<Void> logout(@AuthenticationPrincipal Jwt jwt) {
        String family = jwt.getClaimAsString(Claims.FAMILY);
        refreshTokens.logout(jwt.getId(), family == null ? null : UUID.fromString(family));
        return ResponseEntity.noContent().build();
    }
}
