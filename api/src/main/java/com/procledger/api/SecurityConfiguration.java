package com.procledger.api;

import com.procledger.infra.identity.TokenIssuer;
import com.procledger.api.identity.RevokedTokens;
import com.procledger.api.identity.MfaEnrolmentFilter;
import com.procledger.api.http.CallerArgumentResolver;
import com.procledger.infra.identity.Claims;
import com.procledger.infra.identity.LoginThrottle;
import com.procledger.infra.identity.RefreshTokens;
import com.procledger.infra.identity.TokenKeys;
import com.procledger.infra.identity.TokenRevocations;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.procledger.api.http.IdempotencyFilter;
import com.procledger.api.http.Problems;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.MappedJwtClaimSetConverter;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.databind.json.JsonMapper;

import com.procledger.api.access.AccessIdentityFilter;
import com.procledger.api.integration.ApiKeyAuthenticationFilter;
import com.procledger.infra.identity.ApiKeys;
import com.procledger.api.http.RateLimitFilter;
import com.procledger.api.http.RateLimiter;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;

import java.security.KeyPair;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Stateless bearer-token security. Open: the token endpoint, health, the OpenAPI document and the ledger's public
 * key. Everything else needs a valid, unexpired RS256 token from this service; failures answer problem+json.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration implements WebMvcConfigurer {

    @Bean
    SecurityFilterChain api(HttpSecurity http, JwtDecoder decoder, Problems problems, JsonMapper json,
                            ProcLedgerProperties properties, ApiKeys apiKeys,
                            com.procledger.infra.idempotency.IdempotencyKeys idempotencyKeys)
            throws Exception {
        var authorities = new JwtGrantedAuthoritiesConverter();
        authorities.setAuthoritiesClaimName(Claims.ROLES);
        authorities.setAuthorityPrefix("ROLE_");
        var limiter = new RateLimiter(System::nanoTime);
        var converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(authorities);

        http.csrf(csrf -> csrf.disable())
                .headers(headers -> headers.disable()) // SecurityHeadersFilter sets them on every answer
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(HttpMethod.POST, "/api/auth/token", "/api/auth/refresh").permitAll()
                        .requestMatchers(HttpMethod.GET, "/actuator/health", "/actuator/health/**", "/v3/api-docs",
                                "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**", "/api/ledger/public-key",
                                "/api/ledger/keys")
                        .permitAll()
                        .requestMatchers("/error").permitAll()
                        .requestMatchers("/actuator/prometheus").hasRole("OPERATOR")
                        .anyRequest().authenticated())
                .oauth2ResourceServer(resource -> resource
                        .bearerTokenResolver(new com.procledger.api.identity.BearerTokens())
                        .jwt(jwt -> jwt.decoder(decoder).jwtAuthenticationConverter(converter))
                        .authenticationEntryPoint((request, response, e) -> problems.write(response,
                                HttpStatus.UNAUTHORIZED, "a valid bearer token is required", request.getRequestURI())))
                .exceptionHandling(exceptions -> exceptions
                        .authenticationEntryPoint((request, response, e) -> problems.write(response,
                                HttpStatus.UNAUTHORIZED, "a valid bearer token is required", request.getRequestURI()))
                        .accessDeniedHandler((request, response, e) -> problems.write(response,
                                HttpStatus.FORBIDDEN, "your roles do not allow this", request.getRequestURI())))
                .addFilterBefore(RateLimitFilter.byAddress(limiter, properties.rateLimit(), problems),
                        BearerTokenAuthenticationFilter.class)
                .addFilterBefore(new ApiKeyAuthenticationFilter(apiKeys, problems), BearerTokenAuthenticationFilter.class)
                .addFilterAfter(new AccessIdentityFilter(), BearerTokenAuthenticationFilter.class)
                .addFilterAfter(RateLimitFilter.byToken(limiter, properties.rateLimit(), problems), AccessIdentityFilter.class)
                .addFilterAfter(new MfaEnrolmentFilter(problems), AccessIdentityFilter.class)
                .addFilterAfter(new com.procledger.api.tenant.TenantScopeFilter(), AccessIdentityFilter.class)
                .addFilterAfter(new IdempotencyFilter(idempotencyKeys, json, problems,
                        properties.http().idempotencyLease()), AuthorizationFilter.class);
        return http.build();
    }

    /** Spring's strict firewall (Spring Security uses this bean), its header values checked without a regex. */
    @Bean
    org.springframework.security.web.firewall.HttpFirewall httpFirewall() {
        return com.procledger.api.http.HeaderValues.firewall();
    }

    @Bean
    KeyPair tokenSigningKeys(ProcLedgerProperties properties) {
        return TokenKeys.loadOrCreate(properties.dataDir());
    }

    @Bean
    JwtEncoder jwtEncoder(KeyPair keys) {
        var key = new RSAKey.Builder((RSAPublicKey) keys.getPublic()).privateKey((RSAPrivateKey) keys.getPrivate()).build();
        return new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(key)));
    }

    @Bean
    com.procledger.infra.idempotency.IdempotencyKeys idempotencyKeys(javax.sql.DataSource dataSource) {
        return new com.procledger.infra.idempotency.IdempotencyKeys(dataSource);
    }

    @Bean
    com.procledger.infra.identity.Mfa mfa(JdbcTemplate jdbc, org.springframework.transaction.PlatformTransactionManager transactions,
                                          Clock clock, com.procledger.infra.secrets.SecretsKeyset keyset) {
        return new com.procledger.infra.identity.Mfa(jdbc,
                new org.springframework.transaction.support.TransactionTemplate(transactions), clock, keyset);
    }

    @Bean
    TokenIssuer tokenIssuer(org.springframework.security.oauth2.jwt.JwtEncoder encoder, ProcLedgerProperties properties,
                            Clock clock) {
        return new TokenIssuer(encoder, properties.tokens().accessTtl(), properties.tokens().issuer(), clock);
    }

    @Bean
    com.procledger.infra.identity.EmailClaims emailClaims(JdbcTemplate jdbc) {
        return new com.procledger.infra.identity.EmailClaims(jdbc);
    }

    @Bean
    TokenRevocations tokenRevocations(JdbcTemplate jdbc, Clock clock) {
        return new TokenRevocations(jdbc, clock);
    }

    @Bean
    RefreshTokens refreshTokens(JdbcTemplate jdbc, org.springframework.transaction.PlatformTransactionManager transactions,
                                TokenRevocations revocations, ProcLedgerProperties properties, Clock clock) {
        return new RefreshTokens(jdbc, new org.springframework.transaction.support.TransactionTemplate(transactions),
                revocations, properties.tokens().refreshTtl(), properties.tokens().accessTtl(), clock);
    }

    @Bean
    JwtDecoder jwtDecoder(KeyPair keys, ProcLedgerProperties properties, Clock clock, TokenRevocations revocations) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withPublicKey((RSAPublicKey) keys.getPublic())
                .signatureAlgorithm(SignatureAlgorithm.RS256).build();
        // Our issuer is a name, not a URL: Spring's default converter would try (and fail, with an exception) to
        // make a URL of it on every request.
        decoder.setClaimSetConverter(MappedJwtClaimSetConverter.withDefaults(
                Map.of(JwtClaimNames.ISS, issuer -> issuer == null ? null : issuer.toString())));
        // the signature is verified once per token (VerifiedTokens keeps it); the validators run on every use
        decoder.setJwtValidator(jwt -> org.springframework.security.oauth2.core.OAuth2TokenValidatorResult.success());
        var timestamps = new JwtTimestampValidator(Duration.ofSeconds(5));
        timestamps.setClock(clock);
        var validators = new DelegatingOAuth2TokenValidator<>(timestamps,
                new JwtIssuerValidator(properties.tokens().issuer()), new RevokedTokens(revocations));
        return new com.procledger.api.identity.VerifiedTokens(decoder, validators, 10_000, properties.tokens().accessTtl());
    }

    /**
     * No observations of Spring Security's own filters, authentication and authorization: they wrapped each of the
     * chain's two dozen filters in a timed observation on every request (about a tenth of a request's CPU,
     * docs/benchmarks.md) and fed no metric we publish; {@code http_server_requests_seconds} is kept.
     */
    @Bean
    org.springframework.security.config.observation.SecurityObservationSettings noSecurityObservations() {
        return org.springframework.security.config.observation.SecurityObservationSettings.noObservations();
    }

    @Bean
    BCryptPasswordEncoder passwordEncoder(ProcLedgerProperties properties) {
        int cost = properties.passwords().bcryptCost();
        if (cost < 12 && !properties.passwords().allowCostBelow12ForTests()) {
            throw new IllegalStateException("procledger.passwords.bcrypt-cost is " + cost + "; it must be 12 or more");
        }
        return new BCryptPasswordEncoder(cost);
    }

    @Bean
    LoginThrottle loginThrottle(ProcLedgerProperties properties, Clock clock) {
        var passwords = properties.passwords();
        return new LoginThrottle(passwords.throttleAfterAccountFailures(), passwords.throttleAfterIpFailures(),
                passwords.throttleFirstDelay(), passwords.throttleMaxDelay(), clock);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new CallerArgumentResolver());
    }
}
