package com.procledger.api;

import com.procledger.infra.ledger.GroupCommit;
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
                                   @DefaultValue Ledger ledger,
                                   @DefaultValue Access access,
                                   @DefaultValue RateLimit rateLimit,
                                   @DefaultValue Secrets secrets,
                                   @DefaultValue Investigations investigations,
                                   @DefaultValue Privacy privacy,
                                   @DefaultValue("") String bootstrapPassword) {

    /**
     * @param anonymousRetention how long the personal data of requests nobody signed in for (the address and the
     *                           email a failed sign-in named) can be read: their day's key is deleted this long
     *                           after the day ends (docs/privacy.md)
     */
    public record Privacy(@DefaultValue("30d") Duration anonymousRetention) {
    }

    /**
     * @param ownerUser when set, schema migrations run as this role (the tables' owner) and the service as
     *                  {@code user}, which then holds only the privileges V5__application_role.sql grants it
     */
    /**
     * @param connectTimeout   how long a request waits for a connection (from the pool, or a new one) before it
     *                         is answered 503: the database is gone or overloaded
     * @param statementTimeout the longest any statement of the service may run, and how long a read from the
     *                         database socket may wait
     */
    public record Db(@DefaultValue("") String url, @DefaultValue("") String user, @DefaultValue("") String password,
                     @DefaultValue("") String ownerUser, @DefaultValue("") String ownerPassword,
                     @DefaultValue("20") int maxPoolSize, @DefaultValue("1s") Duration connectTimeout,
                     @DefaultValue("2m") Duration statementTimeout) {

        public boolean external() {
            return url != null && !url.isBlank();
        }
    }

    /**
     * @param accessTtl  how long an access token is valid
     * @param refreshTtl how long a refresh token may be used (each use hands out a new one)
     */
    public record Tokens(@DefaultValue("15m") Duration accessTtl, @DefaultValue("procledger") String issuer,
                         @DefaultValue("12h") Duration refreshTtl) {
    }

    /**
     * @param maxBodyBytes     larger request bodies get 413
     * @param readModelTimeout how long a command's answer waits for the read models to show its change
     * @param idempotencyLease how long a request with an Idempotency-Key holds it; a key still pending after that
     *                         belonged to a request that died (a crash), and a retry takes it over
     */
    public record Http(@DefaultValue("1048576") long maxBodyBytes, @DefaultValue("5s") Duration readModelTimeout,
                       @DefaultValue Tls tls, @DefaultValue("30s") Duration idempotencyLease) {
    }

    /**
     * @param plain       serve plain HTTP instead of HTTPS: for local use only, and only when asked for
     * @param certificate PEM certificate (chain) to serve; with {@code privateKey}. Empty: a self-signed one is
     *                    generated on the first start into {@code <data dir>/tls/}
     * @param privateKey  its PEM private key (PKCS#8)
     */
    public record Tls(@DefaultValue("false") boolean plain, @DefaultValue("") String certificate,
                      @DefaultValue("") String privateKey) {
    }

    /**
     * @param signingKeyFile        Ed25519 PKCS#8 PEM key that signs checkpoints; generated under the data
     *                              directory when not given
     * @param checkpointEveryEvents a tenant gets a checkpoint once its ledger grew by this many events...
     * @param checkpointEvery       ...or once this much time passed since its last checkpoint and it grew at all
     * @param checkpointCheckInterval how often the scheduler looks
     */
    public record Ledger(@DefaultValue("") String signingKeyFile, @DefaultValue("1000") long checkpointEveryEvents,
                         @DefaultValue("5m") Duration checkpointEvery,
                         @DefaultValue("1s") Duration checkpointCheckInterval) {
    }

    /**
     * @param bcryptCost                  work factor of stored password hashes (2^cost rounds), at least 12
     * @param throttleAfterAccountFailures failed sign-ins for one account before each further one must wait
     * @param throttleAfterIpFailures     failed sign-ins from one address before each further one must wait
     * @param throttleFirstDelay          the wait after the threshold is reached...
     * @param throttleMaxDelay            ...doubles per failure up to this
     * @param allowCostBelow12ForTests    a cost below 12 is refused unless this is set (tests hash with 4)
     */
    public record Passwords(@DefaultValue("12") int bcryptCost, @DefaultValue("12") int minLength,
                            @DefaultValue("5") int throttleAfterAccountFailures,
                            @DefaultValue("20") int throttleAfterIpFailures,
                            @DefaultValue("1s") Duration throttleFirstDelay,
                            @DefaultValue("15m") Duration throttleMaxDelay,
                            @DefaultValue("false") boolean allowCostBelow12ForTests) {
    }

    /**
     * @param maxBatch      at most this many access events are committed in one transaction
     * @param queueCapacity access events waiting for their commit; when full, requests wait, then get 503
     * @param commitLinger  while other requests are under way, a commit waits up to this long for their events...
     * @param commitLingerBelow ...as long as it has fewer events than this...
     * @param commitLingerWhileUnderway ...and at least this many requests are under way that have not handed in
     *                      theirs (unset: as many as the machine has cores, which they keep busy meanwhile)
     */
    public record Access(@DefaultValue("500") int maxBatch, @DefaultValue("10000") int queueCapacity,
                         @DefaultValue("2ms") Duration commitLinger, @DefaultValue("32") int commitLingerBelow,
                         Integer commitLingerWhileUnderway) {

        /** The group commit's linger, with the cores of this machine where no threshold is set. */
        public GroupCommit.Linger linger() {
            return new GroupCommit.Linger(commitLinger, commitLingerBelow, commitLingerWhileUnderway != null
                    ? commitLingerWhileUnderway : Runtime.getRuntime().availableProcessors());
        }
    }

    /**
     * @param perToken requests one bearer token may make per {@code period} (and its burst)
     * @param perIp    requests one client address may make per {@code period}, with or without a token
     */
    public record RateLimit(@DefaultValue("600") long perToken, @DefaultValue("1200") long perIp,
                            @DefaultValue("1m") java.time.Duration period) {
    }

    /**
     * Where the key-encryption key of the secrets keyset comes from: a passphrase (PBKDF2), or a key file (32
     * random bytes, base64). With neither, a key file is generated under the data directory (fine for trying it
     * out; in production keep the passphrase or the key file away from the database and its backups).
     */
    public record Secrets(@DefaultValue("") String passphrase, @DefaultValue("") String keyFile) {
    }

    /**
     * Breach investigations run as jobs (ADR 0012).
     *
     * @param answerWithin a request waits this long for its investigation, then answers 202 with the job to poll
     * @param workers      investigations that run at once; more wait in a queue...
     * @param queue        ...of this many, beyond which a new one gets 503
     * @param keepFor      a finished job (and its answer) can be fetched for this long...
     * @param maxKept      ...and at most this many finished jobs are kept (the oldest go first)
     * @param sliceEvents  a job reports its progress after every slice of about this many events of its window
     */
    public record Investigations(@DefaultValue("2s") Duration answerWithin, @DefaultValue("2") int workers,
                                 @DefaultValue("8") int queue, @DefaultValue("1h") Duration keepFor,
                                 @DefaultValue("32") int maxKept, @DefaultValue("50000") int sliceEvents) {
    }
}
