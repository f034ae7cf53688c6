package com.procledger.infra.identity;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The 100,000 most common passwords, as bundled (MIT licence) in the nbvcxz library's
 * {@code dictionaries/passwords.txt}. Only entries at least as long as the minimum length are kept: shorter ones
 * are refused anyway. Compared case-insensitively, so that "Password1234" does not slip through.
 */
public final class CommonPasswords {

    static final String RESOURCE = "dictionaries/passwords.txt";
    private final Set<String> passwords;

    private CommonPasswords(Set<String> passwords) {
        this.passwords = passwords;
    }

    public static CommonPasswords load(int minLength) {
        try (InputStream in = CommonPasswords.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the common-password list " + RESOURCE + " is not on the classpath");
            }
            var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            Set<String> kept = new HashSet<>();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String password = line.strip();
                if (password.length() >= minLength) {
                    kept.add(password.toLowerCase(Locale.ROOT));
                }
            }
            return new CommonPasswords(Set.copyOf(kept));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean contains(String password) {
        return passwords.contains(password.toLowerCase(Locale.ROOT));
    }

    public int size() {
        return passwords.size();
    }
}
