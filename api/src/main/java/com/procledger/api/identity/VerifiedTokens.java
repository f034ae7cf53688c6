package com.procledger.api.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;

import java.time.Duration;

/**
 * Bearer tokens whose signature was verified once, kept so that a client's next requests with the same token do not
 * pay for another RSA verification (about an eighth of a request's CPU, docs/benchmarks.md). Only a token that
 * {@code verifier} accepted (its RS256 signature, its claims parsed) is kept, by its exact text; the validators
 * (time, issuer, revocation) still run on every request, so an expired or revoked token is refused as before.
 * Bounded in size and age (Caffeine); a miss only costs the verification again.
 */
public final class VerifiedTokens implements JwtDecoder {

    private final JwtDecoder verifier;
    private final OAuth2TokenValidator<Jwt> validator;
    private final Cache<String, Jwt> verified;

    /**
     * @param verifier  checks a token's signature and parses its claims, and validates nothing else
     * @param validator what every use of a token must pass (expiry, issuer, revocation)
     * @param maxTokens how many verified tokens are kept at most
     * @param keptFor   how long one is kept after its verification (at most a token's lifetime is useful)
     */
    public VerifiedTokens(JwtDecoder verifier, OAuth2TokenValidator<Jwt> validator, long maxTokens, Duration keptFor) {
        this.verifier = verifier;
        this.validator = validator;
        this.verified = Caffeine.newBuilder().maximumSize(maxTokens).expireAfterWrite(keptFor).build();
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        Jwt jwt = verified.getIfPresent(token);
        if (jwt == null) {
            jwt = verifier.decode(token); // throws for a bad signature or a malformed token: nothing is kept
            verified.put(token, jwt);
        }
        OAuth2TokenValidatorResult result = validator.validate(jwt);
        if (result.hasErrors()) {
            throw new JwtValidationException(message(result), result.getErrors());
        }
        return jwt;
    }

    /** As Spring's {@code NimbusJwtDecoder} words a failed validation. */
    private static String message(OAuth2TokenValidatorResult result) {
        for (OAuth2Error error : result.getErrors()) {
            if (error.getDescription() != null && !error.getDescription().isEmpty()) {
                return "An error occurred while attempting to decode the Jwt: " + error.getDescription();
            }
        }
        return "Unable to validate Jwt";
    }

    /** How many verified tokens are kept now (for tests). */
    long size() {
        verified.cleanUp();
        return verified.estimatedSize();
    }
}
