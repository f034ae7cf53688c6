package com.procledger.api.privacy;

import com.procledger.api.investigation.InvestigationJobs;
import com.procledger.api.ledger.Commands;
import com.procledger.domain.DomainException;
import com.procledger.domain.identity.UserCommands.EraseSubject;
import com.procledger.domain.privacy.ErasedSubjects;
import com.procledger.infra.idempotency.IdempotencyKeys;
import com.procledger.infra.identity.Credentials;
import com.procledger.infra.identity.EmailClaims;
import com.procledger.infra.identity.Mfa;
import com.procledger.infra.identity.RefreshTokens;
import com.procledger.infra.ledger.Checkpoint;
import com.procledger.infra.ledger.LedgerCheckpoints;
import com.procledger.infra.privacy.SubjectKeys;
import com.procledger.projections.identity.UserAccounts;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.Map;
import java.util.UUID;

/**
 * Erases a user's personal data (docs/privacy.md). In one transaction: the {@code SubjectErased} event, the
 * destruction of the user's key (so every value sealed under it, in the ledger and in any backup of it, reads as
 * the user's label from now on), and the deletion of their credentials, second factor, email claim and sessions.
 * Then the read models replace the user's plaintext with the label (they apply the event before this answers), the
 * kept answers of idempotent requests, the investigation jobs that may quote it and the sign-in throttle's memory of
 * the address are dropped, and a signed
 * checkpoint covers the erasure.
 */
@Component
public class SubjectErasure {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SubjectErasure.class);

    private final Commands commands;
    private final TransactionTemplate transaction;
    private final SubjectKeys keys;
    private final Credentials credentials;
    private final Mfa mfa;
    private final EmailClaims emailClaims;
    private final RefreshTokens refreshTokens;
    private final IdempotencyKeys idempotencyKeys;
    private final InvestigationJobs investigations;
    private final LedgerCheckpoints checkpoints;
    private final UserAccounts users;
    private final com.procledger.infra.ledger.LedgerReader ledger;
    private final com.procledger.infra.identity.LoginThrottle throttle;

    public SubjectErasure(Commands commands, TransactionTemplate transaction, SubjectKeys keys, Credentials credentials,
                          Mfa mfa, EmailClaims emailClaims, RefreshTokens refreshTokens, IdempotencyKeys idempotencyKeys,
                          InvestigationJobs investigations, LedgerCheckpoints checkpoints, UserAccounts users,
                          com.procledger.infra.ledger.LedgerReader ledger,
                          com.procledger.infra.identity.LoginThrottle throttle) {
        this.ledger = ledger;
        this.throttle = throttle;
        this.commands = commands;
        this.transaction = transaction;
        this.keys = keys;
        this.credentials = credentials;
        this.mfa = mfa;
        this.emailClaims = emailClaims;
        this.refreshTokens = refreshTokens;
        this.idempotencyKeys = idempotencyKeys;
        this.investigations = investigations;
        this.checkpoints = checkpoints;
        this.users = users;
    }

    /**
     * @param ledgerSeq  where the {@code SubjectErased} event is in the tenant's ledger
     * @param checkpoint the signed checkpoint taken after the erasure (null if the ledger had none to take)
     */
    public record Erased(UUID userId, java.time.Instant erasedAt, long ledgerSeq, String label, Checkpoint checkpoint) {
    }

    public Erased erase(UUID tenantId, UUID userId, UUID erasedBy, String reason, Map<String, ?> metadata) {
        if (userId.equals(erasedBy)) {
            throw new DomainException.IllegalTransition("an administrator cannot erase themselves; ask another");
        }
        var user = users.find(userId).filter(found -> found.tenantId().equals(tenantId))
                .orElseThrow(() -> new DomainException.NotFound("no user " + userId));
        try {
            transaction.executeWithoutResult(status -> {
                commands.send(new EraseSubject(userId, tenantId, erasedBy, reason), metadata);
                keys.destroy(userId.toString());
                credentials.delete(userId);
                mfa.forget(userId);
                emailClaims.release(userId);
                refreshTokens.revokeUser(userId);
                idempotencyKeys.forgetAnswers(tenantId);
            });
        } finally {
            // rolled back: the key is still there; committed: a request that loaded it meanwhile must not keep it
            keys.evict(userId.toString());
        }
        log.info("Erased data subject {} of tenant {} (by {})", userId, tenantId, erasedBy);
        investigations.forgetTenant(tenantId);
        if (!user.erased()) {
            throttle.forgetAccount(user.email()); // the sign-in throttle's memory of the address
        }
        commands.settle();
        Checkpoint checkpoint = checkpoints.take(tenantId).map(LedgerCheckpoints.Taken::checkpoint).orElse(null);
        var event = ledger.lastOf(userId.toString(), "SubjectErased").orElseThrow();
        return new Erased(userId, event.at(), event.ledgerSeq(), ErasedSubjects.label(userId), checkpoint);
    }
}
