package com.procledger.infra.identity;

import com.procledger.infra.crypto.Sha256;
import com.procledger.infra.secrets.SecretsKeyset;
import com.procledger.domain.DomainException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * TOTP second factor: enrolment (a new secret, shown once as an {@code otpauth://} URI), confirmation with a code
 * (which also hands out ten single-use recovery codes), and the check at sign-in. Every code is accepted once:
 * the last accepted time step is kept, and a recovery code is marked used.
 */
public class Mfa {

    static final String ISSUER = "ProcLedger";
    private static final int RECOVERY_CODES = 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;
    /** TOTP secrets are stored sealed, bound to their user. */
    private final SecretsKeyset keyset;

    public Mfa(JdbcTemplate jdbc, TransactionTemplate transactions, Clock clock, SecretsKeyset keyset) {
        this.jdbc = jdbc;
        this.keyset = keyset;
        this.transactions = transactions;
        this.clock = clock;
    }

    public record Enrolment(String otpauthUri, String secret) {
    }

    public boolean enabled(UUID userId) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM mfa_totp WHERE user_id = ? AND confirmed_at IS NOT NULL)", Boolean.class, userId));
    }

    /** Starts (or restarts) enrolment with a new secret; refused once TOTP is confirmed. */
    public Enrolment begin(UUID userId, String accountName) {
        if (enabled(userId)) {
            throw new DomainException.IllegalTransition("TOTP is on already for this account");
        }
        byte[] secret = new byte[20];
        RANDOM.nextBytes(secret);
        jdbc.update("""
                INSERT INTO mfa_totp (user_id, secret, created_at) VALUES (?, ?, ?)
                ON CONFLICT (user_id) DO UPDATE SET secret = EXCLUDED.secret, created_at = EXCLUDED.created_at,
                    last_used_step = -1 WHERE mfa_totp.confirmed_at IS NULL""",
                userId, keyset.encrypt(secret, associatedData(userId)), Timestamp.from(clock.instant()));
        String base32 = Totp.base32(secret);
        String label = URLEncoder.encode(ISSUER + ":" + accountName, StandardCharsets.UTF_8).replace("+", "%20");
        return new Enrolment("otpauth://totp/" + label + "?secret=" + base32 + "&issuer=" + ISSUER
                + "&algorithm=SHA1&digits=" + Totp.DIGITS + "&period=" + Totp.STEP_SECONDS, base32);
    }

    /** Confirms enrolment with a current code; answers the recovery codes, which are never shown again. */
    public List<String> confirm(UUID userId, String code) {
        return transactions.execute(status -> {
            List<byte[]> pending = jdbc.queryForList(
                    "SELECT secret FROM mfa_totp WHERE user_id = ? AND confirmed_at IS NULL FOR UPDATE", byte[].class, userId);
            if (pending.isEmpty()) {
                throw new DomainException.IllegalTransition(enabled(userId) ? "TOTP is on already for this account"
                        : "start the enrolment first (POST /api/me/mfa/totp)");
            }
            long step = Totp.matchingStep(open(userId, pending.getFirst()), code, clock.instant())
                    .orElseThrow(() -> new DomainException.Invalid("the code does not match; check the device's clock"));
            jdbc.update("UPDATE mfa_totp SET confirmed_at = ?, last_used_step = ? WHERE user_id = ?",
                    Timestamp.from(clock.instant()), step, userId);
            jdbc.update("DELETE FROM mfa_recovery_codes WHERE user_id = ?", userId);
            List<String> codes = new ArrayList<>();
            for (int i = 0; i < RECOVERY_CODES; i++) {
                byte[] random = new byte[7];
                RANDOM.nextBytes(random);
                String recovery = Totp.base32(random).substring(0, 10);
                recovery = recovery.substring(0, 5) + "-" + recovery.substring(5);
                codes.add(recovery);
                jdbc.update("INSERT INTO mfa_recovery_codes (user_id, code_hash) VALUES (?, ?)", userId, Sha256.of(recovery));
            }
            return codes;
        });
    }

    /** A current TOTP code not used before, or an unused recovery code; either is used up by this check. */
    public boolean verify(UUID userId, String code) {
        if (code == null || code.isBlank()) {
            return false;
        }
        String given = code.strip();
        if (given.matches("\\d{" + Totp.DIGITS + "}")) {
            List<byte[]> secrets = jdbc.queryForList(
                    "SELECT secret FROM mfa_totp WHERE user_id = ? AND confirmed_at IS NOT NULL", byte[].class, userId);
            if (secrets.isEmpty()) {
                return false;
            }
            var step = Totp.matchingStep(open(userId, secrets.getFirst()), given, clock.instant());
            // the step only moves forward: a code (or an older one) presented again finds no row to update
            return step.isPresent() && jdbc.update(
                    "UPDATE mfa_totp SET last_used_step = ? WHERE user_id = ? AND last_used_step < ?",
                    step.getAsLong(), userId, step.getAsLong()) == 1;
        }
        return jdbc.update("""
                UPDATE mfa_recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL""",
                Timestamp.from(clock.instant()), userId, Sha256.of(given.toUpperCase(Locale.ROOT))) == 1;
    }

    private static byte[] associatedData(UUID userId) {
        return ("totp/" + userId).getBytes(StandardCharsets.UTF_8);
    }

    private byte[] open(UUID userId, byte[] sealed) {
        try {
            return keyset.decrypt(sealed, associatedData(userId));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("the TOTP secret of " + userId + " cannot be opened", e);
        }
    }


    /** Deletes the user's second factor: the TOTP secret and every recovery code (erasure). */
    public void forget(UUID userId) {
        jdbc.update("DELETE FROM mfa_recovery_codes WHERE user_id = ?", userId);
        jdbc.update("DELETE FROM mfa_totp WHERE user_id = ?", userId);
    }
}
