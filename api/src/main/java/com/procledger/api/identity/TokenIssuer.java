package com.procledger.api.identity;

import com.procledger.api.http.Claims;
import com.procledger.api.ProcLedgerProperties;
import com.procledger.domain.identity.Role;
import com.procledger.projections.identity.UserAccounts.UserAccount;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/** Issues short-lived RS256 access tokens naming the user, their tenant and their roles. */
@Component
public class TokenIssuer {

    private final JwtEncoder encoder;
    private final Duration ttl;
    private final String issuer;
    private final Clock clock;

    public TokenIssuer(JwtEncoder encoder, ProcLedgerProperties properties, Clock clock) {
        this.encoder = encoder;
        this.ttl = properties.tokens().accessTtl();
        this.issuer = properties.tokens().issuer();
        this.clock = clock;
    }

    public record AccessToken(String value, String id, Duration expiresIn) {
    }

    public Duration ttl() {
        return ttl;
    }

    public AccessToken issue(UserAccount user, UUID family, boolean mfaEnrolmentOnly) {
        Instant now = clock.instant();
        String id = UUID.randomUUID().toString();
        var claims = JwtClaimsSet.builder()
                .issuer(issuer)
                .subject(user.id().toString())
                .id(id)
                .issuedAt(now)
                .expiresAt(now.plus(ttl))
                .claim(Claims.ROLES, user.roles().stream().map(Role::name).sorted().toList())
                .claim(Claims.FAMILY, family.toString())
                .claim(Claims.ISSUED_MS, now.toEpochMilli());
        if (mfaEnrolmentOnly) {
            claims.claim(Claims.MFA_ENROLMENT_ONLY, true);
        }
        if (!user.tenantId().equals(com.procledger.domain.TenantScoped.PLATFORM)) {
            claims.claim(Claims.TENANT, user.tenantId().toString());
        }
        String value = encoder.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).build(),
                claims.build())).getTokenValue();
        return new AccessToken(value, id, ttl);
    }
}
