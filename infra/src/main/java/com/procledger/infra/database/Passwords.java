package com.procledger.infra.database;

import java.security.SecureRandom;
import java.util.Base64;

/** Generated passwords: 192 random bits, base64url, so they need no quoting in a URL or a SQL literal. */
final class Passwords {

    private static final SecureRandom random = new SecureRandom();

    private Passwords() {
    }

    static String generate() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
