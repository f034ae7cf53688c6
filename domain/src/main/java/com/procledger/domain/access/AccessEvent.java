package com.procledger.domain.access;

import com.procledger.domain.TenantScoped;
import com.procledger.domain.privacy.PersonalData;
import org.axonframework.serialization.Revision;

import java.util.UUID;

/**
 * Facts about access to customer data. They go into the same ledger as the business events (DESIGN.md: the audit
 * log is the system of record), in the ledger of the tenant whose data was aimed at. Type names are stored forever.
 */
public sealed interface AccessEvent extends TenantScoped {

    /**
     * One request, as it was answered. {@code actor} is the user id, or null when the caller could not be
     * identified (a sign-in names the account it tried, whether or not the password was right);
     * {@code dataSubject} is the user who proved who they are (a valid token, a successful sign-in), or null;
     * {@code action} names what was attempted ({@code requisition.read}); {@code resource} is the path
     * ({@code /api/tenants/…/requisitions/…}); {@code detail} is what the request named that may be personal (the email
     * a sign-in tried, an investigation's criteria), if anything; {@code status} is the HTTP status the caller got.
     * The detail, client address and user agent are personal data of the data subject, or, for requests nobody
     * proved who they are for, of someone unknown: then sealed under a key that expires.
     */
    @Revision("2")
    record AccessRecorded(UUID tenantId, String actor, String dataSubject, String action, String resource,
                          @PersonalData(subject = "dataSubject") String detail, AccessOutcome outcome, int status,
                          @PersonalData(subject = "dataSubject") String clientIp,
                          @PersonalData(subject = "dataSubject") String userAgent, String correlationId, String tokenId)
            implements AccessEvent {
    }

    enum AccessOutcome {
        ALLOWED, DENIED
    }
}
