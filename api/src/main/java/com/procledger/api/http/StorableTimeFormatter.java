package com.procledger.api.http;

import org.springframework.context.annotation.Configuration;
import org.springframework.format.Formatter;
import org.springframework.format.FormatterRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import java.time.Instant;
import java.util.Locale;

/**
 * Times in query parameters ({@code @RequestParam Instant}) are ISO-8601 and within what PostgreSQL stores
 * ({@link StorableValues}); anything else is a 400 naming the parameter, never a SQL error.
 */
@Configuration(proxyBeanMethods = false)
public class StorableTimeFormatter implements WebMvcConfigurer, Formatter<Instant> {

    @Override
    public void addFormatters(FormatterRegistry registry) {
        registry.addFormatterForFieldType(Instant.class, this);
    }

    @Override
    public Instant parse(String text, Locale locale) {
        Instant time = Instant.parse(text.strip());
        if (StorableValues.problemWith(time).isPresent()) {
            throw new IllegalArgumentException("outside the years 1 to 9999");
        }
        return time;
    }

    @Override
    public String print(Instant time, Locale locale) {
        return time.toString();
    }
}
