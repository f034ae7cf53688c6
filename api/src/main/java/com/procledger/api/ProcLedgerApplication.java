package com.procledger.api;

import com.procledger.api.ledger.VerifyLedgerCommand;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Starts ProcLedger: on the embedded PostgreSQL under {@code ./data} unless an external database is configured. */
@SpringBootApplication(scanBasePackages = "com.procledger")
@ConfigurationPropertiesScan
public class ProcLedgerApplication {

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals(VerifyLedgerCommand.NAME)) {
            VerifyLedgerCommand.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        // A procurement ledger phones nobody: no usage reporting, no console advertisement.
        System.setProperty("axoniq.update-checker.disabled", "true");
        System.setProperty("disable-axoniq-console-message", "true");
        SpringApplication.run(ProcLedgerApplication.class, args);
    }
}
