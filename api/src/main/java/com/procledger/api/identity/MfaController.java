package com.procledger.api.identity;

import com.procledger.api.http.Caller;
import com.procledger.infra.identity.Claims;
import com.procledger.infra.identity.Mfa;
import com.procledger.infra.identity.RefreshTokens;
import com.procledger.domain.DomainException;
import com.procledger.projections.identity.UserAccounts;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.UUID;

/** The signed-in user turns on TOTP: start with a new secret, confirm with a code from the app. */
@RestController
public class MfaController {

    private final Mfa mfa;
    private final UserAccounts users;
    private final RefreshTokens refreshTokens;

    public MfaController(Mfa mfa, UserAccounts users, RefreshTokens refreshTokens) {
        this.mfa = mfa;
        this.users = users;
        this.refreshTokens = refreshTokens;
    }

    public record Confirmation(@NotNull @Size(max = 16) String code) {
    }

    public record RecoveryCodes(List<String> recoveryCodes) {
    }

    @PostMapping("/api/me/mfa/totp")
    public Mfa.Enrolment begin(Caller caller) {
        var user = users.find(caller.userId()).orElseThrow(() -> new DomainException.NotFound("no such account"));
        return mfa.begin(user.id(), user.email());
    }

    @PostMapping("/api/me/mfa/totp/confirm")
    public RecoveryCodes confirm(@Valid @RequestBody Confirmation body, Caller caller, @AuthenticationPrincipal Jwt jwt) {
        var codes = mfa.confirm(caller.userId(), body.code());
        // sessions opened with the password alone would outlive the second factor: only this one goes on
        String family = jwt.getClaimAsString(Claims.FAMILY);
        refreshTokens.revokeOtherSessions(caller.userId(), family == null ? null : UUID.fromString(family));
        return new RecoveryCodes(codes);
    }
}
