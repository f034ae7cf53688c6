package com.procledger.infra.identity;

import com.procledger.domain.identity.Role;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** Issues short-lived RS256 access tokens naming the user, their tenant and their roles. */
public class TokenIssuer {

    private final JwtEncoder encoder;
    private final Duration ttl;
    private final String issuer;
    private final Clock clock;

    public TokenIssuer(JwtEncoder encoder, Duration ttl, String issuer, Clock clock) {
        this.encoder = encoder;
        this.ttl = ttl;
        this.issuer = issuer;
        this.clock = clock;
    }

    public record AccessToken(String value, String id, Duration expiresIn) {
    }

    public Duration ttl() {
        return ttl;
    }

    /** A token for the user of this tenant (none for the platform) with these roles, of a refresh-token family. */
    public AccessToken issue(UUID userId, UUID tenantId, Set<Role> roles, UUID family, boolean mfaEnrolmentOnly) {
        Instant now = clock.instant();
        String id = UUID.randomUUID().toString();
        var claims = JwtClaimsSet.builder()
                .issuer(issuer)
                .subject(userId.toString())
                .id(id)
                .issuedAt(now)
                .expiresAt(now.plus(ttl))
                .claim(Claims.ROLES, roles.stream().map(Role::name).sorted().toList())
                .claim(Claims.FAMILY, family.toString())
                .claim(Claims.ISSUED_MS, now.toEpochMilli());
        if (mfaEnrolmentOnly) {
            claims.claim(Claims.MFA_ENROLMENT_ONLY, true);
        }
        if (!tenantId.equals(com.procledger.domain.TenantScoped.PLATFORM)) {
            claims.claim(Claims.TENANT, tenantId.toString());
        }
        String value = encoder.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).build(),
                claims.build())).getTokenValue();
        return new AccessToken(value, id, ttl);
    }
}
