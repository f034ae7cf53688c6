package com.procledger.api.identity;

import com.procledger.infra.identity.RefreshTokens;
import com.procledger.infra.identity.TokenRevocations;
import com.procledger.api.HttpTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Refresh tokens against the real refresh_tokens table, with a clock the test moves. */
class RefreshTokensTest extends HttpTestSupport {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    PlatformTransactionManager transactions;

    /** A clock the test moves. */
    static final class TestClock extends java.time.Clock {
        java.time.Instant now = java.time.Instant.parse("2026-11-22T10:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    @Test
    void aSessionEndsTwelveHoursAfterSignInHoweverOftenItIsRefreshed() {
        var clock = new TestClock();
        var tokens = new RefreshTokens(jdbc, new TransactionTemplate(transactions), new TokenRevocations(jdbc, clock),
                Duration.ofHours(12), Duration.ofMinutes(15), clock);
        UUID user = UUID.randomUUID();
        var issued = tokens.start(user);
        // refreshed every 10 minutes: each refresh would have restarted the 12 hours
        for (int i = 0; i < 71; i++) {
            clock.advance(Duration.ofMinutes(10));
            issued = tokens.rotate(issued.token(), id -> java.util.Optional.empty()).next();
        }
        clock.advance(Duration.ofMinutes(10).plusSeconds(1)); // 12 h and a second after sign-in
        String last = issued.token();
        assertThatThrownBy(() -> tokens.rotate(last, id -> java.util.Optional.empty()))
                .isInstanceOf(RefreshTokens.Refused.class).hasMessageContaining("expired");
        assertThat(tokens.start(user)).as("a new sign-in starts a new session").isNotNull();
    }
}
