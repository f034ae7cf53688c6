package com.procledger.api.http;

import com.procledger.api.integration.ApiKeyAuthenticationFilter;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;
import java.util.Set;

/**
 * The OpenAPI document at {@code /v3/api-docs}, as generated clients need it: a title, version and licence; the two
 * ways to authenticate (a bearer token, or a tenant's API key in {@code X-Api-Key}) required on every operation but
 * the open ones; and none of the server's own types as parameters ({@link Caller} is resolved from the token, not
 * sent by the client).
 */
@Configuration(proxyBeanMethods = false)
public class OpenApiConfiguration {

    static final String BEARER = "bearer";
    static final String API_KEY = "apiKey";

    /** Operations anyone may call: no security requirement. */
    static final Set<String> OPEN = Set.of("POST /api/auth/token", "POST /api/auth/refresh", "GET /api/ledger/public-key",
            "GET /api/ledger/keys");

    /** Money, quantities and amounts: decimal strings, as the API reads and writes them (never binary floats). */
    static final String DECIMAL = "^-?[0-9]+(\\.[0-9]+)?$";

    static {
        // enums (roles, statuses) as named schemas, not repeated inline: one type in a generated client
        io.swagger.v3.core.jackson.ModelResolver.enumsAsRef = true;
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(Caller.class,
                org.springframework.security.oauth2.jwt.Jwt.class);
        SpringDocUtils.getConfig().replaceWithSchema(java.math.BigDecimal.class,
                new io.swagger.v3.oas.models.media.StringSchema().pattern(DECIMAL).example("1450.00")
                        .description("a decimal number as a string"));
    }

    @Bean
    OpenAPI procledgerOpenApi() {
        return new OpenAPI()
                .info(new Info().title("ProcLedger API").version("1")
                        .description("Event-sourced procurement ledger: requisitions, approvals, the audit ledger, "
                                + "access events, exports and privacy. Errors are application/problem+json.")
                        .license(new License().name("Proprietary").identifier("LicenseRef-ProcLedger-Proprietary"))
                        .contact(new io.swagger.v3.oas.models.info.Contact().name("The ProcLedger team")))
                .components(new Components()
                        .addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                                .bearerFormat("JWT").description("An access token from POST /api/auth/token (15 minutes)"))
                        .addSecuritySchemes(API_KEY, new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.HEADER).name(ApiKeyAuthenticationFilter.HEADER)
                                .description("A tenant's integration key (docs/security.md)")));
    }

    /**
     * Operation ids a generated client can call, and one tag per feature: the handler's name with its controller's
     * noun ({@code raise} of {@code RequisitionController}: {@code raiseRequisition}, tag "Requisition"), not
     * springdoc's {@code create_1}.
     */
    @Bean
    org.springdoc.core.customizers.OperationCustomizer namesByFeature() {
        return (operation, handler) -> {
            String noun = handler.getBeanType().getSimpleName().replaceFirst("Controller$", "");
            String method = handler.getMethod().getName();
            operation.setOperationId(method.toLowerCase().contains(noun.toLowerCase()) ? method : method + noun);
            operation.setTags(List.of(noun.replaceAll("([a-z])([A-Z])", "$1 $2")));
            return operation;
        };
    }

    /** Summaries, answers, errors, headers, media types and schema names (OpenApiContract). */
    @Bean
    OpenApiCustomizer contract() {
        return new OpenApiContract();
    }

    /** Every operation needs a bearer token or an API key, except the open ones. */
    @Bean
    OpenApiCustomizer securityRequirements() {
        return openApi -> openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
            if (OPEN.contains(method.name() + " " + path)) {
                operation.setSecurity(List.of());
            } else {
                operation.setSecurity(List.of(new SecurityRequirement().addList(BEARER),
                        new SecurityRequirement().addList(API_KEY)));
            }
        }));
    }
}
