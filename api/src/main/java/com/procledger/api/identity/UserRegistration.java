package com.procledger.api.identity;

import com.procledger.infra.identity.CommonPasswords;
import com.procledger.api.ProcLedgerProperties;
import com.procledger.api.ledger.Commands;
import com.procledger.domain.DomainException;
import com.procledger.domain.identity.Role;
import com.procledger.domain.identity.UserCommands.RegisterUser;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Registers a user: checks the password rules, hashes it with bcrypt, and claims the email address in the same
 * transaction as the {@code UserRegistered} event, so an address can never belong to two accounts.
 */
@Component
public class UserRegistration {

    /** bcrypt reads at most 72 bytes of a password; longer ones would be silently cut. */
    public static final int MAX_PASSWORD_BYTES = 72;

    private final Commands commands;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final BCryptPasswordEncoder passwords;
    private final int minLength;
    private final CommonPasswords common;

    public UserRegistration(Commands commands, JdbcTemplate jdbc, TransactionTemplate transaction,
                            BCryptPasswordEncoder passwords, ProcLedgerProperties properties) {
        this.commands = commands;
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.passwords = passwords;
        this.minLength = properties.passwords().minLength();
        this.common = CommonPasswords.load(minLength);
    }

    public record NewUser(UUID tenantId, String email, String name, String password, Set<Role> roles, String department) {
    }

    /** Registers in the current transaction, or in a new one; returns the new user's id. */
    public UUID register(NewUser user, UUID registeredBy, Map<String, ?> metadata) {
        checkPassword(user.password());
        String hash = passwords.encode(user.password());
        UUID userId = com.procledger.api.http.RequestIds.next();
        String email = user.email() == null ? "" : user.email().strip().toLowerCase(Locale.ROOT);
        transaction.executeWithoutResult(status -> {
            int claimed = jdbc.update("""
                    INSERT INTO identity_email_claims (email, user_id, tenant_id) VALUES (?, ?, ?)
                    ON CONFLICT (tenant_id, email) DO NOTHING""", email, userId, user.tenantId());
            // the same user claiming again is a retried request that died after its commit, not a second account
            if (claimed == 0 && !userId.equals(jdbc.query(
                    "SELECT user_id FROM identity_email_claims WHERE tenant_id = ? AND email = ?",
                    rs -> rs.next() ? rs.getObject(1, UUID.class) : null, user.tenantId(), email))) {
                throw new DomainException.IllegalTransition("the email address " + email
                        + " is already registered in this tenant");
            }
            commands.send(new RegisterUser(userId, user.tenantId(), email, user.name(), hash, user.roles(),
                    user.department(), registeredBy), metadata);
        });
        return userId;
    }

    public boolean isRegistered(UUID tenantId, String email) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM identity_email_claims WHERE tenant_id = ? AND email = ?)",
                Boolean.class, tenantId, email.toLowerCase(Locale.ROOT)));
    }

    public void checkPassword(String password) {
        if (password == null || password.length() < minLength) {
            throw new DomainException.Invalid("password must be at least " + minLength + " characters");
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            throw new DomainException.Invalid("password must be at most " + MAX_PASSWORD_BYTES + " bytes");
        }
        if (common.contains(password)) {
            throw new DomainException.Invalid("password is one of the most common passwords; choose another");
        }
    }
}
