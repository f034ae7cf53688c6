package com.procledger.domain.identity;

import com.procledger.domain.TenantScoped;
import com.procledger.domain.privacy.PersonalData;
import org.axonframework.serialization.Revision;

import java.util.Set;
import java.util.UUID;

/**
 * Facts about a user account. Type names are stored in the ledger forever. No secret is ever part of an event: the
 * password hash lives in the credential store, which can be changed and deleted (docs/privacy.md).
 */
public sealed interface UserEvent extends TenantScoped {

    UUID userId();

    @Revision("2")
    record UserRegistered(UUID userId, UUID tenantId, @PersonalData(subject = "userId") String email,
                          @PersonalData(subject = "userId") String name, Set<Role> roles, String department,
                          UUID registeredBy) implements UserEvent {
    }

    @Revision("2")
    record UserDeactivated(UUID userId, UUID tenantId, UUID deactivatedBy,
                           @PersonalData(subject = "deactivatedBy") String reason) implements UserEvent {
    }

    /**
     * The user's personal data was erased: their key is destroyed, so every value sealed under it reads as
     * {@link com.procledger.domain.privacy.ErasedSubjects#label}; the account is stopped for good. The reason is
     * the erasing administrator's text, sealed under their key.
     */
    record SubjectErased(UUID userId, UUID tenantId, UUID erasedBy,
                         @PersonalData(subject = "erasedBy") String reason) implements UserEvent {
    }

    /** The user gave or withdrew consent to AI processing of their data. */
    record ConsentChanged(UUID userId, UUID tenantId, boolean aiProcessing, UUID changedBy) implements UserEvent {
    }
}
