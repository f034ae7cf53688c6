package com.procledger.api.identity;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidationException;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VerifiedTokensTest {

    final AtomicInteger verifications = new AtomicInteger();
    final Set<String> revoked = new HashSet<>();

    final VerifiedTokens tokens = new VerifiedTokens(token -> {
        verifications.incrementAndGet();
        if (token.startsWith("forged")) {
            throw new BadJwtException("An error occurred while attempting to decode the Jwt: Invalid signature");
        }
        return Jwt.withTokenValue(token).header("alg", "RS256").jti(token).subject("ann")
                .issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(900)).build();
    }, jwt -> revoked.contains(jwt.getId())
            ? OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "the token was revoked", null))
            : OAuth2TokenValidatorResult.success(), 2, Duration.ofMinutes(15));

    @Test
    void aTokenIsVerifiedOnceAndValidatedOnEveryUse() {
        assertThat(tokens.decode("t1").getSubject()).isEqualTo("ann");
        assertThat(tokens.decode("t1").getId()).isEqualTo("t1");
        assertThat(tokens.decode("t1").getId()).isEqualTo("t1");
        assertThat(verifications).hasValue(1);

        revoked.add("t1");
        assertThatThrownBy(() -> tokens.decode("t1")).isInstanceOf(JwtValidationException.class)
                .hasMessage("An error occurred while attempting to decode the Jwt: the token was revoked");
        assertThat(verifications).as("refused by its validation, not by a new verification").hasValue(1);
    }

    @Test
    void aTokenThatFailsVerificationIsNotKept() {
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> tokens.decode("forged-1")).isInstanceOf(BadJwtException.class);
        }
        assertThat(verifications).as("verified, and refused, every time").hasValue(3);
        assertThat(tokens.size()).isZero();
    }

    @Test
    void keepsNoMoreThanItsBound() {
        for (int i = 0; i < 50; i++) {
            tokens.decode("t" + i);
        }
        assertThat(tokens.size()).isLessThanOrEqualTo(2);
    }
}
