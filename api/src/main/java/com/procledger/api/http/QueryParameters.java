package com.procledger.api.http;

import com.procledger.domain.DomainException;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;

/** Query parameters that are options or times, parsed into a 400 problem that says what was expected. */
public final class QueryParameters {

    private QueryParameters() {
    }

    /** One of {@code type}'s constants, named in any case; null when the parameter is absent. */
    public static <E extends Enum<E>> E option(Class<E> type, String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Enum.valueOf(type, value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new DomainException.Invalid(name + " must be one of " + Arrays.stream(type.getEnumConstants())
                    .map(c -> c.name().toLowerCase(Locale.ROOT)).toList());
        }
    }

    /** One of {@code type}'s constants, named in any case: a parameter that must name one (a blank is refused). */
    public static <E extends Enum<E>> E requiredOption(Class<E> type, String name, String value) {
        E option = option(type, name, value);
        if (option == null) {
            throw new DomainException.Invalid(name + " must be one of " + Arrays.stream(type.getEnumConstants())
                    .map(c -> c.name().toLowerCase(Locale.ROOT)).toList());
        }
        return option;
    }

    /** An ISO-8601 instant; null when the parameter is absent. */
    public static Instant time(String name, String value) {
        try {
            return value == null || value.isBlank() ? null
                    : StorableValues.requireStorable(name, Instant.parse(value.strip()));
        } catch (DateTimeParseException e) {
            throw new DomainException.Invalid(name + " must be an ISO-8601 time such as 2026-11-01T00:00:00Z");
        }
    }
}
