package com.procledger.api.identity;

import com.procledger.api.ProcLedgerProperties;
import com.procledger.api.ledger.Commands;
import com.procledger.domain.identity.Role;
import com.procledger.domain.TenantScoped;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * On the first start, creates the platform operator {@value #EMAIL} with the password from
 * {@code PROCLEDGER_BOOTSTRAP_PASSWORD}, or a random one printed once in the log.
 */
@Component
public class BootstrapOperator implements ApplicationRunner {

    public static final String EMAIL = "operator@procledger.local";
    private static final Logger log = LoggerFactory.getLogger(BootstrapOperator.class);

    private final UserRegistration registration;
    private final Commands commands;
    private final String configuredPassword;

    public BootstrapOperator(UserRegistration registration, Commands commands, ProcLedgerProperties properties) {
        this.registration = registration;
        this.commands = commands;
        this.configuredPassword = properties.bootstrapPassword();
    }

    @Override
    public void run(ApplicationArguments args) {
        if (registration.isRegistered(com.procledger.domain.TenantScoped.PLATFORM, EMAIL)) {
            return;
        }
        boolean generated = configuredPassword == null || configuredPassword.isBlank();
        String password = generated ? randomPassword() : configuredPassword;
        registration.register(new UserRegistration.NewUser(TenantScoped.PLATFORM, EMAIL, "Platform operator", password,
                Set.of(Role.OPERATOR), null), null, Map.of("actor", "bootstrap"));
        commands.settle();
        if (generated) {
            log.warn("Created the platform operator {} with the generated password {} (shown only this once; set "
                    + "PROCLEDGER_BOOTSTRAP_PASSWORD to choose it)", EMAIL, password);
        } else {
            log.info("Created the platform operator {} with the password from PROCLEDGER_BOOTSTRAP_PASSWORD", EMAIL);
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
