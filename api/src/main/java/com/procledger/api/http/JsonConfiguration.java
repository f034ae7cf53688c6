package com.procledger.api.http;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.module.SimpleModule;

import java.math.BigDecimal;

/**
 * The web layer's JSON (Jackson 3): decimals go out as strings ("12.50"), as the API contract says for money; what
 * comes in is refused when PostgreSQL could not store it ({@link StorableValues}).
 */
@Configuration(proxyBeanMethods = false)
public class JsonConfiguration {

    @Bean
    JsonMapperBuilderCustomizer decimalsAsStrings() {
        var module = new SimpleModule("decimals-as-strings");
        module.addSerializer(BigDecimal.class, new ValueSerializer<>() {
            @Override
            public void serialize(BigDecimal value, JsonGenerator generator, SerializationContext context) {
                generator.writeString(value.toPlainString());
            }
        });
        return builder -> builder.addModule(module).addModule(StorableValues.module());
    }
}
