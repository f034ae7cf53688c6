package com.procledger.api;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings, bound from {@code application.yml}, where the documented PROCLEDGER_* environment variables land.
 *
 * @param dataDir           embedded database and generated keys live here
 * @param db                an external PostgreSQL; when {@code url} is empty the embedded one is used
 * @param bootstrapPassword the first operator's password; random and logged once when empty
 */
@ConfigurationProperties("procledger")
public record ProcLedgerProperties(@DefaultValue("./data") Path dataDir,
                                   @DefaultValue Db db,
                                   @DefaultValue Tokens tokens,
                                   @DefaultValue Http http,
                                   @DefaultValue Passwords passwords,
                                   @DefaultValue("") String bootstrapPassword) {

    public record Db(@DefaultValue("") String url, @DefaultValue("") String user, @DefaultValue("") String password,
                     @DefaultValue("20") int maxPoolSize) {

        public boolean external() {
            return url != null && !url.isBlank();
        }
    }

    /** @param accessTtl how long an access token is valid */
    public record Tokens(@DefaultValue("15m") Duration accessTtl, @DefaultValue("procledger") String issuer) {
    }

    /**
     * @param maxBodyBytes     larger request bodies get 413
     * @param readModelTimeout how long a command's answer waits for the read models to show its change
     */
    public record Http(@DefaultValue("1048576") long maxBodyBytes, @DefaultValue("5s") Duration readModelTimeout) {
    }

    /** @param bcryptCost work factor of stored password hashes (2^cost rounds) */
    public record Passwords(@DefaultValue("12") int bcryptCost, @DefaultValue("12") int minLength) {
    }
}
