package com.procledger.api.privacy;

import com.procledger.api.http.Caller;
import com.procledger.api.identity.UserRegistration;
import com.procledger.api.ledger.Commands;
import com.procledger.domain.DomainException;
import com.procledger.domain.identity.Role;
import com.procledger.domain.identity.UserCommands.ChangeConsent;
import com.procledger.domain.tenant.TenantCommands.ChangeConsentDefault;
import com.procledger.infra.identity.Claims;
import com.procledger.infra.identity.Credentials;
import com.procledger.infra.identity.LoginThrottle;
import com.procledger.infra.identity.RefreshTokens;
import com.procledger.infra.ledger.LedgerHashing;
import com.procledger.projections.identity.UserAccounts;
import com.procledger.projections.tenant.Tenants;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.util.UUID;

/**
 * A person's rights over their data: changing their password, their consent to AI processing (with the tenant's
 * default), and erasure by a tenant admin. Every request is an access event, as all are.
 */
@RestController
public class PrivacyController {

    private final SubjectErasure erasure;
    private final Commands commands;
    private final UserAccounts users;
    private final Tenants tenants;
    private final Credentials credentials;
    private final BCryptPasswordEncoder passwords;
    private final UserRegistration registration;
    private final RefreshTokens refreshTokens;
    private final LoginThrottle throttle;

    public PrivacyController(SubjectErasure erasure, Commands commands, UserAccounts users, Tenants tenants,
                             Credentials credentials, BCryptPasswordEncoder passwords, UserRegistration registration,
                             RefreshTokens refreshTokens, LoginThrottle throttle) {
        this.erasure = erasure;
        this.commands = commands;
        this.users = users;
        this.tenants = tenants;
        this.credentials = credentials;
        this.passwords = passwords;
        this.registration = registration;
        this.refreshTokens = refreshTokens;
        this.throttle = throttle;
    }

    public record ErasureRequest(@NotBlank @Size(max = 2000) String reason) {
    }

    /** The checkpoint signed after the erasure: the ledger up to it verifies, erasure included. */
    public record CheckpointRef(long ledgerSeq, String headHash, Instant signedAt, String keyId) {
    }

    /** The contract's {@code userId}, {@code erasedAt}, {@code ledgerSeq}; and the label and checkpoint. */
    public record ErasureResponse(UUID userId, Instant erasedAt, long ledgerSeq, String label, CheckpointRef checkpoint) {
    }

    @PostMapping("/api/tenants/{tenantId}/users/{userId}/erasure")
    public ErasureResponse erase(@PathVariable UUID tenantId, @PathVariable UUID userId,
                                 @Valid @RequestBody ErasureRequest request, Caller caller) {
        caller.requireMemberWithRole(tenantId, Role.TENANT_ADMIN);
        var erased = erasure.erase(tenantId, userId, caller.personId(), request.reason(), caller.commandMetadata());
        var checkpoint = erased.checkpoint();
        return new ErasureResponse(erased.userId(), erased.erasedAt(), erased.ledgerSeq(), erased.label(),
                checkpoint == null ? null
                : new CheckpointRef(checkpoint.ledgerSeq(), LedgerHashing.hex(checkpoint.headHash()),
                checkpoint.signedAt(), checkpoint.keyId()));
    }

    public record PasswordChange(@NotNull @Size(max = 1024) String currentPassword,
                                 @NotNull @Size(max = 1024) String newPassword) {
    }

    /**
     * Changes the caller's password: the current one is required (wrong guesses are throttled as sign-ins are), the
     * hash is replaced in place, and every other session ends.
     */
    @PostMapping("/api/me/password")
    public ResponseEntity<?> changePassword(@Valid @RequestBody PasswordChange request, Caller caller,
                                            @AuthenticationPrincipal Jwt jwt, HttpServletRequest http) {
        var user = signedInUser(caller);
        String account = "password-change:" + user.id();
        var wait = throttle.reserve(account, http.getRemoteAddr());
        if (wait.isPresent()) {
            io.micrometer.core.instrument.Metrics.counter(com.procledger.api.http.RateLimitFilter.DENIALS,
                    "reason", "password_change_throttle").increment();
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).header(HttpHeaders.RETRY_AFTER, Long.toString(seconds))
                    .body(ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS,
                            "too many wrong passwords; try again in " + seconds + " s"));
        }
        String current = credentials.passwordHash(user.id()).orElseThrow(
                () -> new DomainException.NotFound("no such account"));
        if (!passwords.matches(request.currentPassword(), current)) {
            throttle.failed(account, http.getRemoteAddr());
            throw new DomainException.NotPermitted("the current password is wrong");
        }
        throttle.released(account, http.getRemoteAddr());
        registration.checkPassword(request.newPassword());
        if (!credentials.replace(user.id(), current, passwords.encode(request.newPassword()))) {
            throw new DomainException.IllegalTransition("the password was changed meanwhile; sign in again");
        }
        String family = jwt == null ? null : jwt.getClaimAsString(Claims.FAMILY);
        refreshTokens.revokeOtherSessions(user.id(), family == null ? null : UUID.fromString(family));
        return ResponseEntity.noContent().build();
    }

    /** @param source {@code USER} when the person said so, {@code TENANT_DEFAULT} when the tenant's default applies */
    public record Consents(boolean aiProcessing, String source) {
    }

    public record ConsentRequest(@NotNull Boolean aiProcessing) {
    }

    @GetMapping("/api/me/consents")
    public Consents consents(Caller caller) {
        return consentsOf(signedInUser(caller));
    }

    @PutMapping("/api/me/consents")
    public Consents changeConsents(@Valid @RequestBody ConsentRequest request, Caller caller) {
        var user = signedInUser(caller);
        commands.sendAndSettle(new ChangeConsent(user.id(), user.tenantId(), request.aiProcessing(), user.id()),
                caller.commandMetadata());
        return consentsOf(users.find(user.id()).orElseThrow());
    }

    /** The tenant's privacy settings: whether members who have not said consent to AI processing. */
    public record PrivacySettings(@NotNull Boolean aiProcessingDefault) {
    }

    @PutMapping("/api/tenants/{tenantId}/privacy-settings")
    public PrivacySettings changePrivacySettings(@PathVariable UUID tenantId, @Valid @RequestBody PrivacySettings request,
                                                 Caller caller) {
        caller.requireMemberWithRole(tenantId, Role.TENANT_ADMIN);
        commands.sendAndSettle(new ChangeConsentDefault(tenantId, request.aiProcessingDefault(), caller.personId()),
                caller.commandMetadata());
        return new PrivacySettings(tenants.get(tenantId).aiProcessingDefault());
    }

    private Consents consentsOf(UserAccounts.UserAccount user) {
        if (user.aiProcessing() != null) {
            return new Consents(user.aiProcessing(), "USER");
        }
        boolean byDefault = tenants.find(user.tenantId()).map(Tenants.TenantView::aiProcessingDefault).orElse(false);
        return new Consents(byDefault, "TENANT_DEFAULT");
    }

    /** The person behind a user's token; an API key has no password or consents of its own. */
    private UserAccounts.UserAccount signedInUser(Caller caller) {
        return users.find(caller.userId()).filter(UserAccounts.UserAccount::active)
                .orElseThrow(() -> new DomainException.NotPermitted("only a signed-in user has a password and consents"));
    }
}
