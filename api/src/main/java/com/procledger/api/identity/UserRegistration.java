package com.procledger.api.identity;

import com.procledger.infra.identity.CommonPasswords;
import com.procledger.infra.identity.EmailClaims;
import com.procledger.api.ProcLedgerProperties;
import com.procledger.api.ledger.Commands;
import com.procledger.domain.DomainException;
import com.procledger.domain.identity.Role;
import com.procledger.domain.identity.UserCommands.RegisterUser;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Registers a user: checks the password rules, hashes it with bcrypt into the credential store (never the ledger),
 * makes the user's key for their personal data, and claims the email address, all in the same transaction as the
 * {@code UserRegistered} event, so an address can never belong to two accounts.
 */
@Component
public class UserRegistration {

    /** bcrypt reads at most 72 bytes of a password; longer ones would be silently cut. */
    public static final int MAX_PASSWORD_BYTES = 72;

    private final Commands commands;
    private final EmailClaims emailClaims;
    private final TransactionTemplate transaction;
    private final BCryptPasswordEncoder passwords;
    private final int minLength;
    private final CommonPasswords common;
    private final com.procledger.infra.identity.Credentials credentials;
    private final com.procledger.infra.privacy.SubjectKeys subjectKeys;

    public UserRegistration(Commands commands, EmailClaims emailClaims, TransactionTemplate transaction,
                            BCryptPasswordEncoder passwords, ProcLedgerProperties properties,
                            com.procledger.infra.identity.Credentials credentials,
                            com.procledger.infra.privacy.SubjectKeys subjectKeys) {
        this.credentials = credentials;
        this.subjectKeys = subjectKeys;
        this.commands = commands;
        this.emailClaims = emailClaims;
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
        String email = EmailClaims.normalized(user.email());
        transaction.executeWithoutResult(status -> {
            if (!emailClaims.claim(user.tenantId(), email, userId)) {
                throw new DomainException.IllegalTransition("the email address " + email
                        + " is already registered in this tenant");
            }
            subjectKeys.create(userId.toString());
            credentials.set(userId, hash);
            commands.send(new RegisterUser(userId, user.tenantId(), email, user.name(), user.roles(),
                    user.department(), registeredBy), metadata);
        });
        return userId;
    }

    public boolean isRegistered(UUID tenantId, String email) {
        return emailClaims.isClaimed(tenantId, email);
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
