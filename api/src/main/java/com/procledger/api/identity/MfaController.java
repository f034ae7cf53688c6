package com.procledger.api.identity;

import com.procledger.domain.DomainException;
import com.procledger.projections.identity.UserAccounts;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/** The signed-in user turns on TOTP: start with a new secret, confirm with a code from the app. */
@RestController
public class MfaController {

    private final Mfa mfa;
    private final UserAccounts users;

    public MfaController(Mfa mfa, UserAccounts users) {
        this.mfa = mfa;
        this.users = users;
    }

    public record Confirmation(@NotNull @Size(max = 16) String code) {
    }

    public record RecoveryCodes(List<String> recoveryCodes) {
    }

    @PostMapping("/api/me/mfa/totp")
    public Mfa.Enrolment begin(Caller caller) {
        var user = users.find(caller.userId()).orElseThrow(() -> new DomainException.NotFound("no such account"));
        return mfa.begin(user.id(), user.email());
    }

    @PostMapping("/api/me/mfa/totp/confirm")
    public RecoveryCodes confirm(@Valid @RequestBody Confirmation body, Caller caller) {
        return new RecoveryCodes(mfa.confirm(caller.userId(), body.code()));
    }
}
