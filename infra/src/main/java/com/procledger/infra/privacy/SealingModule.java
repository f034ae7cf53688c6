package com.procledger.infra.privacy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.procledger.domain.privacy.PersonalData;

import java.io.IOException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Teaches the ledger's Jackson 2 mapper the {@link PersonalData} fields of events: each is written sealed under the
 * key of the subject its annotation names (read from the same event), and read back opened, or as the subject's
 * label once the key is gone. Projections, aggregates, rebuilds and time travel therefore see plaintext or labels,
 * never ciphertext, and never fail on a destroyed key; the stored JSON, and so the hash chain, holds only ciphertext.
 */
public final class SealingModule extends SimpleModule {

    private final transient Sealer sealer;

    public SealingModule(Sealer sealer) {
        super("procledger-sealing");
        this.sealer = sealer;
    }

    @Override
    public void setupModule(SetupContext context) {
        super.setupModule(context);
        context.insertAnnotationIntrospector(new Introspector(sealer));
    }

    private static final class Introspector extends JacksonAnnotationIntrospector {
        private final transient Sealer sealer;

        Introspector(Sealer sealer) {
            this.sealer = sealer;
        }

        @Override
        public Object findSerializer(Annotated a) {
            PersonalData personal = a.getAnnotation(PersonalData.class);
            return personal == null ? null : new Sealing(sealer, personal.subject());
        }

        @Override
        public Object findDeserializer(Annotated a) {
            return a.getAnnotation(PersonalData.class) == null ? null : new Opening(sealer);
        }

        @Override
        public com.fasterxml.jackson.core.Version version() {
            return com.fasterxml.jackson.core.Version.unknownVersion();
        }
    }

    /** Writes the value sealed under the subject named by a sibling field of the event being written. */
    private static final class Sealing extends JsonSerializer<Object> {
        private static final Map<Class<?>, Map<String, Method>> ACCESSORS = new ConcurrentHashMap<>();
        private final Sealer sealer;
        private final String subjectField;

        Sealing(Sealer sealer, String subjectField) {
            this.sealer = sealer;
            this.subjectField = subjectField;
        }

        @Override
        public void serialize(Object value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            Object event = gen.getOutputContext().getCurrentValue();
            if (event == null) {
                throw new IllegalStateException("personal data written outside an event: no subject to seal it for");
            }
            gen.writeString(sealer.seal(subjectOf(event), value.toString()));
        }

        private Object subjectOf(Object event) {
            Method accessor = ACCESSORS.computeIfAbsent(event.getClass(), type -> new ConcurrentHashMap<>())
                    .computeIfAbsent(subjectField, name -> {
                        try {
                            Method method = event.getClass().getMethod(name);
                            method.setAccessible(true);
                            return method;
                        } catch (NoSuchMethodException e) {
                            throw new IllegalStateException(event.getClass().getSimpleName() + " names the subject "
                                    + name + " of personal data, but has no such field", e);
                        }
                    });
            try {
                return accessor.invoke(event);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static final class Opening extends JsonDeserializer<String> {
        private final Sealer sealer;

        Opening(Sealer sealer) {
            this.sealer = sealer;
        }

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return sealer.open(p.getValueAsString());
        }
    }
}
