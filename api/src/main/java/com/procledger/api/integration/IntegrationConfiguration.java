package com.procledger.api.integration;

import com.procledger.api.ProcLedgerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class IntegrationConfiguration {

    @Bean
    SecretsKeyset secretsKeyset(ProcLedgerProperties properties) {
        var secrets = properties.secrets();
        return SecretsKeyset.open(properties.dataDir().toAbsolutePath().normalize().resolve("keys"),
                secrets.passphrase(), secrets.keyFile());
    }
}
