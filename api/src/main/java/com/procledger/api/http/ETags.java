package com.procledger.api.http;

import com.procledger.domain.DomainException;

/**
 * Entity tags are the aggregate version (its last event's sequence number), quoted: {@code "3"}. A client sends
 * one back in {@code If-Match} to say which version its change is based on.
 */
public final class ETags {

    private ETags() {
    }

    public static String of(long version) {
        return "\"" + version + "\"";
    }

    /** The version an {@code If-Match} header names; null when absent or {@code *} (no check). */
    public static Long expectedVersion(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.strip().equals("*")) {
            return null;
        }
        String tag = ifMatch.strip();
        if (tag.startsWith("W/")) {
            tag = tag.substring(2);
        }
        if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
            tag = tag.substring(1, tag.length() - 1);
        }
        try {
            long version = Long.parseLong(tag);
            if (version < 0) {
                throw new NumberFormatException();
            }
            return version;
        } catch (NumberFormatException e) {
            throw new DomainException.Invalid("If-Match must be an ETag this API gave out, such as \"3\"");
        }
    }
}
