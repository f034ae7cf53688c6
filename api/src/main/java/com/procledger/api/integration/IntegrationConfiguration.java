package com.procledger.api.integration;

import com.procledger.infra.secrets.SecretsKeyset;
import com.procledger.api.ProcLedgerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class IntegrationConfiguration {

    @Bean
    com.procledger.infra.identity.ApiKeys apiKeys(org.springframework.jdbc.core.JdbcTemplate jdbc, java.time.Clock clock) {
        return new com.procledger.infra.identity.ApiKeys(jdbc, clock);
    }

    @Bean
    com.procledger.infra.secrets.TenantSecrets tenantSecrets(org.springframework.jdbc.core.JdbcTemplate jdbc,
                                                             SecretsKeyset keyset, java.time.Clock clock) {
        return new com.procledger.infra.secrets.TenantSecrets(jdbc, keyset, clock);
    }

    @Bean
    SecretsKeyset secretsKeyset(ProcLedgerProperties properties) {
        var secrets = properties.secrets();
        return SecretsKeyset.open(properties.dataDir().toAbsolutePath().normalize().resolve("keys"),
                secrets.passphrase(), secrets.keyFile());
    }
}
