package com.procledger.api.identity;

import com.procledger.infra.identity.Claims;
import com.procledger.infra.identity.TokenRevocations;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

import java.time.Instant;

/** Refuses a bearer token that {@link TokenRevocations} says was revoked: the token, its family, or its user's. */
public final class RevokedTokens implements OAuth2TokenValidator<Jwt> {

    private final TokenRevocations revocations;

    public RevokedTokens(TokenRevocations revocations) {
        this.revocations = revocations;
    }

    @Override
    public OAuth2TokenValidatorResult validate(Jwt jwt) {
        Object millis = jwt.getClaims().get(Claims.ISSUED_MS);
        Instant issued = millis instanceof Number ms ? Instant.ofEpochMilli(ms.longValue())
                : jwt.getIssuedAt() == null ? Instant.EPOCH : jwt.getIssuedAt();
        return revocations.revoked(jwt.getId(), jwt.getClaimAsString(Claims.FAMILY), jwt.getSubject(), issued)
                ? OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "the token was revoked", null))
                : OAuth2TokenValidatorResult.success();
    }
}
