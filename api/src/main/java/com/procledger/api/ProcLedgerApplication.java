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
        if (args.length > 0 && args[0].equals(com.procledger.api.ledger.RebuildCommand.NAME)) {
            com.procledger.api.ledger.RebuildCommand.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("rotate-secrets-key")) {
            // with the service stopped: the running service holds the keyset it read at start
            var dataDir = java.nio.file.Path.of(System.getenv().getOrDefault("PROCLEDGER_DATA_DIR", "./data"));
            var keyset = com.procledger.infra.secrets.SecretsKeyset.open(dataDir.toAbsolutePath().normalize().resolve("keys"),
                    System.getenv().getOrDefault("PROCLEDGER_SECRETS_PASSPHRASE", ""),
                    System.getenv().getOrDefault("PROCLEDGER_SECRETS_KEY_FILE", ""));
            System.out.println("secrets keyset now has " + keyset.rotate() + " keys; the newest seals from now on");
            return;
        }
        if (args.length > 0 && args[0].equals("rotate-ledger-key")) {
            // with the service stopped: the next start publishes the new key and retires the old one
            var dataDir = java.nio.file.Path.of(System.getenv().getOrDefault("PROCLEDGER_DATA_DIR", "./data"));
            String configured = System.getenv().getOrDefault("PROCLEDGER_LEDGER_SIGNING_KEY_FILE", "");
            var file = configured.isBlank()
                    ? dataDir.toAbsolutePath().normalize().resolve("keys").resolve("ledger-signing-ed25519.pem")
                    : java.nio.file.Path.of(configured);
            String keyId = com.procledger.infra.ledger.LedgerSigner.rotate(file);
            System.out.println("checkpoints will be signed with the new ledger key " + keyId + " (" + file + ") once the "
                    + "service starts; the old key is kept beside it and stays published, so its checkpoints verify");
            return;
        }
        // A procurement ledger phones nobody: no usage reporting, no console advertisement.
        System.setProperty("axoniq.update-checker.disabled", "true");
        System.setProperty("disable-axoniq-console-message", "true");
        SpringApplication.run(ProcLedgerApplication.class, args);
    }
}
