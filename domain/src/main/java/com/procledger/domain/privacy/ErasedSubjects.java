package com.procledger.domain.privacy;

import java.util.UUID;

/**
 * What is shown in place of a data subject's personal data once it cannot be read any more: a stable label per
 * subject, the same in every read model, rebuild, time travel and export.
 */
public final class ErasedSubjects {

    /** Subjects of requests nobody signed in for are named by this prefix and the day their key was made for. */
    public static final String ANONYMOUS_PREFIX = "anonymous-";
    public static final String EXPIRED = "expired (unauthenticated request)";

    private ErasedSubjects() {
    }

    /** {@code erased subject 3f2a9c1d} for a user, or {@link #EXPIRED} for an unauthenticated request. */
    public static String label(String subject) {
        if (subject == null || subject.startsWith(ANONYMOUS_PREFIX)) {
            return EXPIRED;
        }
        return "erased subject " + subject.substring(0, Math.min(8, subject.length()));
    }

    public static String label(UUID subject) {
        return label(subject.toString());
    }
}
