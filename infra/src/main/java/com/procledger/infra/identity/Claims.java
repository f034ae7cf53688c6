package com.procledger.infra.identity;

/** The claims of a bearer token (ours, or an API key's principal) beyond the standard ones. */
public final class Claims {

    public static final String TENANT = "tenant";
    public static final String ROLES = "roles";
    /** On an API key's principal: the person the key acts for, its creator. */
    public static final String ACTS_FOR = "acts_for";
    /** The refresh-token family the access token was issued with; logging out revokes both. */
    public static final String FAMILY = "fam";
    /** Issue time in milliseconds: {@code iat} has whole seconds, too coarse to tell a token issued just after a revocation. */
    public static final String ISSUED_MS = "iat_ms";
    /** Set when the tenant requires a second factor the user has not turned on: the token can only turn it on. */
    public static final String MFA_ENROLMENT_ONLY = "mfa_enrolment_only";

    private Claims() {
    }
}
