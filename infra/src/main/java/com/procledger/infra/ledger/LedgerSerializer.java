package com.procledger.infra.ledger;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.procledger.domain.DomainEvents;
import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.json.JacksonSerializer;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/**
 * Axon's Jackson 2 serializer, storing domain events under their simple names ({@code RequisitionRaised}) instead
 * of Java class names, so that moving a class never orphans stored events. Other types (tokens, metadata) keep
 * their class names.
 */
public class LedgerSerializer extends JacksonSerializer {

    private final Map<Class<?>, String> namesByType = new HashMap<>();
    private final Map<String, String> classNamesByName = new HashMap<>();

    protected LedgerSerializer(Builder builder) {
        super(builder);
        for (Class<?> type : DomainEvents.types()) {
            String name = type.getSimpleName();
            if (classNamesByName.put(name, type.getName()) != null) {
                throw new IllegalStateException("two event types share the stored name " + name);
            }
            namesByType.put(type, name);
        }
    }

    /** The serializer of the ledger, sealing the personal data of events with {@code sealer} (docs/privacy.md). */
    public static LedgerSerializer create(com.procledger.infra.privacy.Sealer sealer) {
        ObjectMapper mapper = objectMapper();
        mapper.registerModule(new com.procledger.infra.privacy.SealingModule(sealer));
        return new LedgerSerializer(JacksonSerializer.builder().objectMapper(mapper));
    }

    /**
     * The one Jackson 2 mapper of the ledger: Spring's web layer uses Jackson 3 and never sees this one. Decimals
     * are written as strings ({@code "650.00"}) so that no JSON reader turns money into a binary float.
     */
    public static ObjectMapper objectMapper() {
        return JsonMapper.builder()
                .withConfigOverride(BigDecimal.class, o -> o.setFormat(JsonFormat.Value.forShape(JsonFormat.Shape.STRING)))
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
                .build();
    }

    @Override
    public SerializedType typeForClass(Class type) {
        String name = type == null ? null : namesByType.get(type);
        if (name == null) {
            return super.typeForClass(type);
        }
        return new SimpleSerializedType(name, getRevisionResolver().revisionOf(type));
    }

    @Override
    protected String resolveClassName(SerializedType serializedType) {
        return classNamesByName.getOrDefault(serializedType.getName(), serializedType.getName());
    }
}
