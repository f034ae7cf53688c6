package com.procledger.domain.privacy;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an event field as personal data of one data subject: the ledger seals it with that subject's key before the
 * event is hashed, and erasing the subject destroys the key (docs/privacy.md). {@link #subject()} names the field of
 * the same event that holds the subject's user id; when that field is null (a request nobody signed in for), the
 * value is sealed under a key that expires after the retention period for unauthenticated requests.
 * <p>
 * Free text is personal data of its author: a comment or reason is sealed under the key of whoever typed it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
public @interface PersonalData {

    /** The name of the field holding the data subject's user id. */
    String subject();
}
