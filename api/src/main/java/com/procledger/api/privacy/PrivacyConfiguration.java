package com.procledger.api.privacy;

import com.procledger.api.ProcLedgerProperties;
import com.procledger.infra.identity.Credentials;
import com.procledger.infra.privacy.Sealer;
import com.procledger.infra.privacy.SubjectKeys;
import com.procledger.infra.secrets.SecretsKeyset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;

import javax.sql.DataSource;
import java.time.Clock;

/** The keys of data subjects, the sealer the ledger's serializer uses, and the credential store. */
@Configuration(proxyBeanMethods = false)
public class PrivacyConfiguration {

    private static final Logger log = LoggerFactory.getLogger(PrivacyConfiguration.class);

    @Bean
    SubjectKeys subjectKeys(DataSource dataSource, SecretsKeyset keyset, Clock clock, ProcLedgerProperties properties) {
        return new SubjectKeys(dataSource, keyset, clock, properties.privacy().anonymousRetention());
    }

    @Bean
    Sealer sealer(SubjectKeys keys) {
        return new Sealer(keys);
    }

    @Bean
    Credentials credentials(JdbcTemplate jdbc, Clock clock) {
        return new Credentials(jdbc, clock);
    }

    @Bean
    AnonymousKeyRoller anonymousKeyRoller(SubjectKeys keys) {
        return new AnonymousKeyRoller(keys);
    }

    /**
     * Keeps the keys of unauthenticated requests rolling: today's and tomorrow's exist before any request needs
     * them, and those past the retention period are deleted (their data then reads as expired).
     */
    public static class AnonymousKeyRoller {
        private final SubjectKeys keys;

        AnonymousKeyRoller(SubjectKeys keys) {
            this.keys = keys;
        }

        @Scheduled(initialDelay = 0, fixedDelayString = "PT1H")
        public void roll() {
            try {
                int deleted = keys.rollAnonymousKeys();
                if (deleted > 0) {
                    log.info("Deleted {} keys of unauthenticated requests past their retention of {}", deleted,
                            keys.anonymousRetention());
                }
            } catch (RuntimeException e) {
                log.warn("Could not roll the keys of unauthenticated requests: {}", e.toString());
            }
        }
    }
}
