package com.procledger.api.http;

import com.procledger.domain.DomainException;
import com.procledger.domain.StorableTime;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.deser.std.DelegatingDeserializer;
import tools.jackson.databind.module.SimpleModule;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * Values that reach the ledger or SQL must be ones PostgreSQL can store, or they fail later, where nobody can
 * answer for them: a text with U+0000 (NUL), which no PostgreSQL text or jsonb holds; a lone UTF-16 surrogate,
 * which has no UTF-8 form; a date or time outside years 1 to 9999 (PostgreSQL's dates end in 5874897, Java's in
 * 999999999, and one read as a day count such as 2147483648 lands far beyond). They are refused at the edge with
 * a 400 naming the field: in JSON bodies by {@link #module()} (every string and time, however deep), in query
 * parameters and headers by {@link UnstorableInputFilter}, in parsed times by {@link #requireStorable}.
 */
public final class StorableValues {

    /** Starts the original message of a body value refused here; ProblemHandler puts it after the field's name. */
    static final String REFUSED = "unstorable: ";

    private StorableValues() {
    }

    /** Why this text cannot be stored, if it cannot. */
    public static Optional<String> problemWith(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                return Optional.of("contains U+0000 (NUL), which cannot be stored");
            }
            if (Character.isHighSurrogate(c) && (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1)))
                    || Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1)))) {
                return Optional.of("contains a lone UTF-16 surrogate, which is not a character");
            }
        }
        return Optional.empty();
    }

    /** Why this time or date cannot be stored, if it cannot. */
    public static Optional<String> problemWith(Object time) {
        boolean storable = switch (time) {
            case Instant i -> StorableTime.storable(i);
            case OffsetDateTime o -> StorableTime.storable(o.toInstant());
            case ZonedDateTime z -> StorableTime.storable(z.toInstant());
            case LocalDateTime l -> StorableTime.storable(l.toLocalDate());
            case LocalDate d -> StorableTime.storable(d);
            default -> true;
        };
        return storable ? Optional.empty() : Optional.of(StorableTime.RULE);
    }

    /** A parsed query parameter's time, refused with a 400 naming it when it cannot be stored. */
    public static <T> T requireStorable(String name, T time) {
        if (time != null) {
            problemWith((Object) time).ifPresent(problem -> {
                throw new DomainException.Invalid(name + " " + problem);
            });
        }
        return time;
    }

    /** Checks every string, date and time of a JSON body after Jackson read it, naming the field when refused. */
    public static SimpleModule module() {
        var module = new SimpleModule("storable-values");
        module.setDeserializerModifier(new ValueDeserializerModifier() {
            @Override
            public ValueDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription.Supplier description,
                                                           ValueDeserializer<?> deserializer) {
                Class<?> type = description.getBeanClass();
                boolean checked = type == String.class || type == Instant.class || type == LocalDate.class
                        || type == LocalDateTime.class || type == OffsetDateTime.class || type == ZonedDateTime.class;
                return checked ? new Checked(deserializer) : deserializer;
            }
        });
        return module;
    }

    private static final class Checked extends DelegatingDeserializer {

        Checked(ValueDeserializer<?> delegate) {
            super(delegate);
        }

        @Override
        protected ValueDeserializer<?> newDelegatingInstance(ValueDeserializer<?> delegate) {
            return new Checked(delegate);
        }

        @Override
        public Object deserialize(JsonParser parser, DeserializationContext context) {
            Object value = super.deserialize(parser, context);
            Optional<String> problem = value instanceof String text ? problemWith(text)
                    : value == null ? Optional.empty() : problemWith(value);
            if (problem.isPresent()) {
                return context.reportInputMismatch(this, REFUSED + problem.get());
            }
            return value;
        }
    }
}
