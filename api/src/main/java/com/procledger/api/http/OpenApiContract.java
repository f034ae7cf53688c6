package com.procledger.api.http;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.BooleanSchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.DateTimeSchema;
import io.swagger.v3.oas.models.media.UUIDSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.servers.Server;
import org.springdoc.core.customizers.OpenApiCustomizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * What every operation answers, as the served OpenAPI document states it: springdoc reads paths, parameters and
 * bodies off the handlers; this table adds what it cannot see there — a summary, the success answers with their
 * statuses, media types and headers (201 with {@code Location} and {@code ETag}, 202 with its job, 204, streamed
 * CSV, NDJSON, ZIP and PEM), and the errors, all {@code application/problem+json}.
 *
 * <p>Errors follow from what an operation has, as the filters and handlers answer them: 401 and 403 unless it is
 * open; 400 when it takes a body or parameters; 404 when its path names something; 413 and 415 with a body; 409 and
 * 422 on a POST (its {@code Idempotency-Key}); 412 with {@code If-Match}; 429 and 503 (with {@code Retry-After})
 * everywhere. {@link #OPERATIONS} adds the rest (a command's 409, say). {@code OpenApiDocumentHttpTest} fails when
 * an operation has no row here or a row names no operation.
 */
public final class OpenApiContract implements OpenApiCustomizer {

    static final String PROBLEM_JSON = "application/problem+json";
    static final String JSON = "application/json";
    static final String CSV = "text/csv";
    static final String NDJSON = "application/x-ndjson";
    static final String ZIP = "application/zip";
    static final String PEM = "application/x-pem-file";

    private static final Map<Integer, String> ERRORS = new TreeMap<>(Map.ofEntries(
            Map.entry(400, "The request is malformed or a value is invalid"),
            Map.entry(401, "No valid credentials: missing, expired or revoked token, or unknown API key"),
            Map.entry(403, "The caller may not do this (role, tenant, MFA)"),
            Map.entry(404, "No such resource here"),
            Map.entry(406, "None of the media types the Accept header names can be answered"),
            Map.entry(409, "The resource's state does not allow this, another change came first, or the same "
                    + "Idempotency-Key is still being answered"),
            Map.entry(412, "If-Match names another version than the current one"),
            Map.entry(413, "The body is larger than the server accepts"),
            Map.entry(415, "The body is not application/json"),
            Map.entry(422, "The Idempotency-Key was used before with another request"),
            Map.entry(429, "Too many requests (rate limit or sign-in throttle): retry after Retry-After seconds"),
            Map.entry(503, "The service cannot answer now (database unreachable, writer busy, job queue full): "
                    + "retry after Retry-After seconds")));

    private static final Map<String, Header> HEADERS = new LinkedHashMap<>();

    static {
        HEADERS.put("Location", header("Where the created resource (or the job) can be read", null));
        HEADERS.put("ETag", header("The resource's version, for If-Match and If-None-Match", null));
        HEADERS.put("Retry-After", header("Seconds to wait before trying again", new IntegerSchema()));
        HEADERS.put("X-Expected-Rows", header("How many rows or lines the streamed answer holds", new IntegerSchema()));
        HEADERS.put("X-Ledger-As-Of", header("The ledger_seq the answer stood at (asOf answers)", new IntegerSchema()));
        HEADERS.put("Content-Disposition", header("The attachment's file name", null));
        HEADERS.put("Key-Id", header("The id of the current checkpoint-signing key", null));
        HEADERS.put("Preference-Applied", header("respond-async when Prefer asked for it", null));
        HEADERS.put("Idempotent-Replayed", header("true when this is the kept answer to an earlier request with the "
                + "same Idempotency-Key (nothing was done again)", null));
    }

    /** One row per operation, by operationId (see {@link OpenApiConfiguration#namesByFeature()}). */
    static final Map<String, Op> OPERATIONS = rows(
            // auth
            op("token", "Sign in: an access token and a refresh token").who("anyone: it checks the password (and TOTP code)"),
            op("refreshToken", "Trade a refresh token for a new pair (the old one is revoked)").who("anyone: it checks the refresh token"),
            op("logoutToken", "Sign out: revoke this token and its refresh token").who("any signed-in user, for their own token").noContent(),
            op("beginMfa", "Start TOTP enrolment").who("any signed-in user, for themselves (not an API key)").errors(409),
            op("confirmMfa", "Confirm TOTP enrolment with a code; answers the recovery codes").who("any signed-in user, for themselves (not an API key)").errors(409),
            // tenants and users
            op("createTenant", "Create a tenant and its first administrator").who("the platform operator (OPERATOR)").created("Location"),
            op("getTenant", "A tenant: name, currency, approval and security policies").who("any member of the tenant"),
            op("usersTenant", "The tenant's users").who("TENANT_ADMIN of the tenant"),
            op("addUserTenant", "Add a user to the tenant").who("TENANT_ADMIN of the tenant").created("Location").errors(409),
            op("changePolicyTenant", "Replace the tenant's approval policy (a new version)").who("TENANT_ADMIN of the tenant"),
            op("policyVersionsTenant", "Every version of the tenant's approval policy").who("any member of the tenant"),
            op("changeSecurityPolicyTenant", "Set MFA requirements and the idle time-out").who("TENANT_ADMIN of the tenant"),
            op("deactivateUserAccess", "Deactivate a user: signs them out and refuses them from now on").who("TENANT_ADMIN of the tenant").noContent(),
            op("revokeUserAccess", "Revoke every token of a user").who("TENANT_ADMIN of the tenant").noContent(),
            // requisitions
            op("raiseRequisition", "Raise a requisition (a draft)").who("REQUESTER of the tenant").created("Location", "ETag"),
            op("listRequisition", "The tenant's requisitions, a page at a time").who("any member of the tenant").headers("X-Ledger-As-Of"),
            op("getRequisition", "One requisition").who("any member of the tenant").headers("ETag", "X-Ledger-As-Of").notModified(),
            op("submitRequisition", "Submit a draft for approval").who("REQUESTER of the tenant: the requisition's requester").headers("ETag").errors(409),
            op("approveRequisition", "Approve the pending step").who("APPROVER of the tenant: a member holding the pending step's role, not the requester").headers("ETag").errors(409),
            op("rejectRequisition", "Reject at the pending step").who("APPROVER of the tenant: a member holding the pending step's role, not the requester").headers("ETag").errors(409),
            op("cancelRequisition", "Cancel a requisition").who("REQUESTER of the tenant: the requisition's requester").headers("ETag").errors(409),
            op("historyRequisition", "A requisition's history: every change, by whom and when").who("any member of the tenant"),
            op("inboxApprovalInbox", "Requisitions waiting on a role the caller holds").who("any member of the tenant").headers("X-Ledger-As-Of"),
            // access events and the ledger
            op("listAccessEvents", "The tenant's access log").who("COMPLIANCE of the tenant"),
            op("eventsLedger", "The tenant's ledger events, one JSON object a line").who("COMPLIANCE of the tenant").stream(NDJSON),
            op("verifyLedger", "Verify the tenant's hash chain and checkpoints").who("COMPLIANCE of the tenant"),
            op("exportLedger", "The tenant's ledger bundle for the offline verifier").who("COMPLIANCE of the tenant").stream(ZIP, "Content-Disposition"),
            op("checkpointLedger", "Sign a checkpoint of the tenant's ledger head (200: the head was signed already)").who("COMPLIANCE of the tenant")
                    .also(201, "A new signed checkpoint"),
            op("latestLedger", "The tenant's latest signed checkpoint").who("COMPLIANCE of the tenant"),
            op("allLedger", "Every signed checkpoint of the tenant").who("COMPLIANCE of the tenant"),
            op("publicKeyLedger", "The current checkpoint-signing public key (Ed25519, PEM)").who("anyone, without credentials").stream(PEM, "Key-Id"),
            op("keysLedger", "Every checkpoint-signing key ever used").who("anyone, without credentials"),
            // analytics, exports, investigations
            op("spendAnalytics", "Spend grouped by department, category, vendor or month").who("FINANCE or ANALYST of the tenant").headers("X-Ledger-As-Of"),
            op("cycleTimesAnalytics", "Approval cycle times per step").who("FINANCE or ANALYST of the tenant"),
            op("workloadAnalytics", "Decisions per approver and what waits on each step").who("FINANCE or ANALYST of the tenant"),
            op("csvExport", "The tenant's requisitions as CSV").who("FINANCE or ANALYST or COMPLIANCE of the tenant").stream(CSV, "X-Expected-Rows", "Content-Disposition"),
            op("ndjsonExport", "The tenant's requisitions as NDJSON").who("FINANCE or ANALYST or COMPLIANCE of the tenant").stream(NDJSON, "X-Expected-Rows",
                    "Content-Disposition"),
            op("spendCsvExport", "Spend as CSV").who("FINANCE or ANALYST of the tenant").stream(CSV, "X-Expected-Rows", "Content-Disposition"),
            op("spendNdjsonExport", "Spend as NDJSON").who("FINANCE or ANALYST of the tenant").stream(NDJSON, "X-Expected-Rows", "Content-Disposition"),
            op("inTenantInvestigation", "Investigate the tenant's ledger and access log over a time window").who("COMPLIANCE of the tenant")
                    .investigation(),
            op("acrossTenantsInvestigation", "Investigate every tenant's ledger and access log").who("the platform operator (OPERATOR)").investigation(),
            op("statusInTenantInvestigation", "An investigation job's progress, and its answer once done").who("COMPLIANCE of the tenant"),
            op("statusAcrossTenantsInvestigation", "A cross-tenant investigation job's progress and answer").who("the platform operator (OPERATOR)"),
            op("timelineInTenantInvestigation", "A finished investigation's timeline, streamed").who("COMPLIANCE of the tenant")
                    .timeline().errors(409),
            op("timelineAcrossTenantsInvestigation", "A finished cross-tenant investigation's timeline, streamed").who("the platform operator (OPERATOR)")
                    .timeline().errors(409),
            // integration
            op("createIntegration", "Create an API key (its secret is shown only now)").who("TENANT_ADMIN of the tenant").created(),
            op("listIntegration", "The tenant's API keys (never their secrets)").who("TENANT_ADMIN of the tenant"),
            op("revokeIntegration", "Revoke an API key").who("TENANT_ADMIN of the tenant").noContent(),
            op("putSecretIntegration", "Store a secret, sealed at rest").who("TENANT_ADMIN of the tenant").noContent(),
            op("deleteSecretIntegration", "Delete a secret").who("TENANT_ADMIN of the tenant").noContent(),
            op("secretsIntegration", "The tenant's secrets (names only, never values)").who("TENANT_ADMIN of the tenant"),
            // privacy
            op("changePasswordPrivacy", "Change one's password (other sessions are signed out)").who("any signed-in user, for themselves (not an API key)").noContent(),
            op("ownPersonalData", "Everything held about the caller, as one JSON document").who("any signed-in user, for themselves (not an API key)").personalData(),
            op("ofMemberPersonalData", "Everything held about one user, as one JSON document").who("TENANT_ADMIN of the tenant").personalData(),
            op("erasePrivacy", "Erase a user's personal data (crypto-shredding)").who("TENANT_ADMIN of the tenant").errors(409),
            op("consentsPrivacy", "The caller's consents in force").who("any signed-in user, for themselves (not an API key)"),
            op("changeConsentsPrivacy", "Give or withdraw consent to AI processing").who("any signed-in user, for themselves (not an API key)"),
            op("changePrivacySettings", "The tenant's default for AI processing consent").who("TENANT_ADMIN of the tenant"),
            // operations
            op("rebuild", "Rebuild a read model from the ledger (a job)").who("the platform operator (OPERATOR)").accepted().errors(409),
            op("statusRebuild", "A read model's rebuild progress").who("the platform operator (OPERATOR)"),
            op("listDeadLetter", "Events the read models parked").who("the platform operator (OPERATOR)"),
            op("retryDeadLetter", "Retry a read model's parked events").who("the platform operator (OPERATOR)"));

    /** Query parameters whose values are a closed set. */
    private static final Map<String, List<String>> PARAMETER_ENUMS = Map.of(
            "spendAnalytics groupBy", List.of("department", "category", "vendor", "month"),
            "spendAnalytics status", List.of("APPROVED", "SUBMITTED"),
            "spendCsvExport status", List.of("APPROVED", "SUBMITTED"),
            "spendNdjsonExport status", List.of("APPROVED", "SUBMITTED"),
            "inTenantInvestigation format", List.of("json", "ndjson", "csv"),
            "acrossTenantsInvestigation format", List.of("json", "ndjson", "csv"),
            "timelineInTenantInvestigation format", List.of("ndjson", "csv"),
            "timelineAcrossTenantsInvestigation format", List.of("ndjson", "csv"));

    private static final Map<String, String> PARAMETER_DESCRIPTIONS = Map.of(
            "asOf", "A ledger_seq, or an ISO-8601 time: the view as it stood then (an event exactly at that time is "
                    + "not included)",
            "from", "ISO-8601 time, inclusive",
            "to", "ISO-8601 time, exclusive",
            "If-Match", "The ETag of the version this change is meant for",
            "If-None-Match", "An ETag: 304 when it is still current",
            "page", "Page number, from 0",
            "size", "Items per page");

    /** String properties whose values are a closed set (schema name after renaming, property). */
    private static final Map<String, List<String>> PROPERTY_ENUMS = Map.of(
            "Consents.source", List.of("USER", "TENANT_DEFAULT"),
            "AccessLogEntry.outcome", List.of("ALLOWED", "DENIED"),
            "InvestigationHit.outcome", List.of("ALLOWED", "DENIED"),
            "Spend.status", List.of("APPROVED", "SUBMITTED"),
            "Spend.groupBy", List.of("department", "category", "vendor", "month"),
            "PublishedKey.algorithm", List.of("Ed25519"),
            "TokenPair.token_type", List.of("Bearer"));

    /** String properties holding times (ISO-8601 instants) or durations (ISO-8601, PT1H30M). */
    private static final Map<String, String> PROPERTY_FORMATS = Map.of(
            "Checkpoint.signedAt", "date-time",
            "PublishedKey.validFrom", "date-time",
            "PublishedKey.validUntil", "date-time",
            "CycleTime.p50", "duration",
            "CycleTime.p90", "duration",
            "Approver.p50", "duration");

    /** Properties holding roles as plain strings. */
    private static final Set<String> ROLE_PROPERTIES = Set.of("CycleTime.role", "Waiting.role");

    /** Money, quantities and amounts: decimal strings wherever they appear. */
    private static final Set<String> DECIMALS = Set.of("quantity", "unitPrice", "total", "amount", "minAmount");

    /** Names for schemas whose own type names say too little; every other schema is named by its type. */
    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("TenantController.Created", "Created"),
            Map.entry("TenantController.TenantResponse", "Tenant"),
            Map.entry("TenantController.UserResponse", "User"),
            Map.entry("RequisitionController.Created", "RequisitionCreated"),
            Map.entry("RequisitionController.History", "RequisitionHistory"),
            Map.entry("ApiKeys.Created", "ApiKeyCreated"),
            Map.entry("ApiKeys.KeyInfo", "ApiKey"),
            Map.entry("TenantSecrets.SecretInfo", "Secret"),
            Map.entry("Rebuilds.Status", "RebuildStatus"),
            Map.entry("Rebuilds.State", "RebuildState"),
            Map.entry("InvestigationJobs.Status", "InvestigationStatus"),
            Map.entry("InvestigationJobs.State", "InvestigationState"),
            Map.entry("InvestigationJobs.Timeline", "InvestigationResult"),
            Map.entry("InvestigationJobs.Affected", "InvestigationAffected"),
            Map.entry("LedgerSearch.Hit", "InvestigationHit"),
            Map.entry("ChainVerifier.Report", "VerificationReport"),
            Map.entry("LedgerExport.CheckpointLine", "Checkpoint"),
            Map.entry("AccessLog.Entry", "AccessLogEntry"),
            Map.entry("AccessLog.Page", "AccessLogPage"),
            Map.entry("RequisitionHistory.Entry", "HistoryEntry"),
            Map.entry("RequisitionHistory.Change", "HistoryChange"),
            Map.entry("ParkedEvents.Letter", "DeadLetter"),
            Map.entry("Mfa.Enrolment", "MfaEnrolment"),
            Map.entry("ApprovalInbox.InboxItem", "InboxItem"),
            Map.entry("ApprovalPolicyHistory.PolicyVersion", "PolicyVersion"),
            Map.entry("Tenants.SecurityPolicy", "SecurityPolicy"),
            Map.entry("TokenController.TokenResponse", "TokenPair"));

    /** The features operations are tagged with (their controllers' nouns). */
    private static final Map<String, String> TAGS = new TreeMap<>(Map.ofEntries(
            Map.entry("Access Events", "The tenant's access log: every request to its data, allowed or denied"),
            Map.entry("Analytics", "Spend, cycle times and approver workload"),
            Map.entry("Approval Inbox", "Requisitions waiting on the caller's roles"),
            Map.entry("Dead Letter", "Events the read models parked, and retrying them"),
            Map.entry("Export", "Requisitions and spend as CSV or NDJSON, streamed"),
            Map.entry("Integration", "API keys and sealed secrets for other systems"),
            Map.entry("Investigation", "Breach investigations over the ledger and the access log"),
            Map.entry("Ledger", "The hash-chained ledger: events, verification, signed checkpoints, keys"),
            Map.entry("Mfa", "TOTP enrolment"),
            Map.entry("Personal Data", "Everything held about a person, as one document"),
            Map.entry("Privacy", "Passwords, consents, privacy settings and erasure"),
            Map.entry("Rebuild", "Rebuilding a read model from the ledger"),
            Map.entry("Requisition", "Requisitions: raise, submit, approve, reject, cancel, read, history"),
            Map.entry("Tenant", "Tenants, their users and policies"),
            Map.entry("Token", "Signing in and out: bearer tokens"),
            Map.entry("User Access", "Deactivating users and revoking their tokens")));

    @Override
    public void customise(OpenAPI openApi) {
        openApi.setTags(TAGS.entrySet().stream().map(tag -> new io.swagger.v3.oas.models.tags.Tag()
                .name(tag.getKey()).description(tag.getValue())).toList());
        openApi.setServers(List.of(new Server().url("/").description("This service")));
        Components components = openApi.getComponents();
        components.addSchemas("Problem", problemSchema());
        components.addSchemas("PersonalDataDocument", personalDataSchema(components));
        ERRORS.forEach((status, description) -> components.addResponses(String.valueOf(status), new ApiResponse()
                .description(description).headers(status == 429 || status == 503
                        ? Map.of("Retry-After", ref("Retry-After")) : null)
                .content(new Content().addMediaType(PROBLEM_JSON,
                        new MediaType().schema(new Schema<>().$ref("#/components/schemas/Problem"))))));
        HEADERS.forEach(components::addHeaders);
        openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
            Op row = OPERATIONS.get(operation.getOperationId());
            if (row == null) {
                return; // OpenApiDocumentHttpTest names it
            }
            describe(method, path, operation, row);
        }));
        rename(openApi);
        components.getSchemas().forEach((name, schema) -> properties(name, schema));
        dropUnused(openApi);
        Set<String> requests = requestSchemas(openApi);
        components.getSchemas().forEach((name, schema) -> {
            if (!requests.contains(name)) {
                nullable(schema);
            }
        });
    }

    private static void describe(PathItem.HttpMethod method, String path, Operation operation, Op row) {
        operation.setSummary(row.summary);
        operation.setDescription("Who may call: " + row.who + ".");
        List<Parameter> parameters = operation.getParameters() == null ? new ArrayList<>()
                : new ArrayList<>(operation.getParameters());
        for (Parameter parameter : parameters) {
            List<String> values = PARAMETER_ENUMS.get(operation.getOperationId() + " " + parameter.getName());
            if (values != null) { // a schema of its own: parameters of one object share theirs
                var closed = new StringSchema()._enum(values);
                if (parameter.getSchema() != null && parameter.getSchema().getDefault() != null) {
                    closed.setDefault(parameter.getSchema().getDefault());
                }
                parameter.setSchema(closed);
            }
            if (parameter.getDescription() == null) {
                parameter.setDescription(PARAMETER_DESCRIPTIONS.get(parameter.getName()));
            }
        }
        boolean idempotent = method == PathItem.HttpMethod.POST && !IdempotencyFilter.answersASecret(path);
        if (idempotent) {
            parameters.add(new Parameter().in("header").name(IdempotencyFilter.HEADER).required(false)
                    .description("Makes the POST safe to retry: a repeat gets the first answer and changes nothing")
                    .schema(new StringSchema().maxLength(200)));
        }
        if (row.prefer) {
            parameters.add(new Parameter().in("header").name("Prefer").required(false)
                    .description("respond-async: answer 202 with the job at once")
                    .schema(new StringSchema()._enum(List.of("respond-async"))));
        }
        operation.setParameters(parameters.isEmpty() ? null : parameters);

        // what springdoc read off the handler: its return type, or its @ApiResponse where that says more
        Map<String, Schema<?>> handlerSchemas = new HashMap<>();
        ApiResponses generated = operation.getResponses();
        if (generated != null) {
            generated.forEach((status, response) -> {
                if (response.getContent() != null) {
                    response.getContent().values().stream().map(MediaType::getSchema)
                            .filter(s -> s != null && (s.get$ref() == null
                                    || !s.get$ref().endsWith("StreamingResponseBody")))
                            .findFirst().ifPresent(s -> handlerSchemas.put(status, s));
                }
            });
        }
        var responses = new ApiResponses();
        for (Answer answer : row.answers) {
            var response = new ApiResponse().description(answer.description);
            for (String header : answer.headers) {
                response.addHeaderObject(header, ref(header));
            }
            if (idempotent) {
                response.addHeaderObject("Idempotent-Replayed", ref("Idempotent-Replayed"));
            }
            if (answer.mediaType != null) {
                Schema<?> schema = answer.schema != null ? answer.schema
                        : !answer.mediaType.equals(JSON) ? Answer.download()
                        : handlerSchemas.getOrDefault(String.valueOf(answer.status), handlerSchemas.get("200"));
                if (schema != null) {
                    var content = new Content().addMediaType(answer.mediaType, new MediaType().schema(schema));
                    answer.alsoStreamed.forEach(type -> content.addMediaType(type,
                            new MediaType().schema(Answer.download())));
                    response.content(content);
                }
            }
            responses.addApiResponse(String.valueOf(answer.status), response);
        }
        Set<Integer> errors = new TreeSet<>(row.errors);
        errors.addAll(List.of(429, 503));
        if (responses.values().stream().anyMatch(r -> r.getContent() != null)) {
            errors.add(406);
        }
        if (!OpenApiConfiguration.OPEN.contains(method.name() + " " + path)) {
            errors.addAll(List.of(401, 403));
        } else if (operation.getRequestBody() != null) {
            errors.add(401); // sign-in and refresh: wrong credentials
        }
        if (operation.getRequestBody() != null) {
            errors.addAll(List.of(400, 413, 415));
        }
        if (!parameters.isEmpty()) {
            errors.add(400);
        }
        if (path.contains("{")) {
            errors.add(404);
        }
        if (idempotent) {
            errors.addAll(List.of(409, 422));
        }
        if (parameters.stream().anyMatch(p -> p.getName().equals("If-Match"))) {
            errors.add(412);
        }
        for (int status : errors) {
            responses.addApiResponse(String.valueOf(status),
                    new ApiResponse().$ref("#/components/responses/" + status));
        }
        operation.setResponses(responses);
    }

    private static void properties(String schemaName, Schema<?> schema) {
        if (schema.getProperties() == null) {
            return;
        }
        schema.getProperties().forEach((property, value) -> {
            String key = schemaName + "." + property;
            if (DECIMALS.contains(property) && "string".equals(typeOf(value))) {
                value.setPattern(OpenApiConfiguration.DECIMAL);
                if (value.getDescription() == null) {
                    value.setDescription("a decimal number as a string");
                }
            }
            List<String> values = PROPERTY_ENUMS.get(key);
            if (values != null) {
                schema.getProperties().put(property, new StringSchema()._enum(values).description(value.getDescription()));
            }
            if (value.getPattern() != null && !value.getPattern().startsWith("^")) {
                // Bean Validation's @Pattern matches the whole value; a JSON Schema pattern any part of it
                value.setPattern("^(?:" + value.getPattern() + ")$");
            }
            if (PROPERTY_FORMATS.containsKey(key)) {
                value.setFormat(PROPERTY_FORMATS.get(key));
            }
            if (property.equals("currency") && "string".equals(typeOf(value)) && value.getPattern() == null) {
                value.setPattern("^[A-Z]{3}$");
                value.setDescription("ISO 4217 currency code");
            }
            if (ROLE_PROPERTIES.contains(key)) {
                value.setEnum(null);
                value.setType(null);
                value.setTypes(null);
                value.set$ref("#/components/schemas/Role");
            }
        });
    }

    /**
     * Answers carry {@code null} for what is not there (a requisition without {@code neededBy}, a key never used):
     * every property of an answer's schema that is not required may be null. Request bodies are left as they are:
     * there a missing value is left out, and null for a number is refused.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void nullable(Schema<?> schema) {
        if (schema.getProperties() == null) {
            return;
        }
        List<String> required = schema.getRequired() == null ? List.of() : schema.getRequired();
        Map<String, Schema> properties = (Map) schema.getProperties();
        properties.replaceAll((property, value) -> {
            if (required.contains(property)) {
                return value;
            }
            if (value.get$ref() != null) {
                return new Schema<>().anyOf(List.of(value, new Schema<>().types(Set.of("null"))));
            }
            String type = typeOf(value);
            if (type == null) {
                return value;
            }
            Schema copy = io.swagger.v3.core.util.Json31.mapper().convertValue(value, Schema.class);
            copy.setType(null);
            copy.setTypes(new java.util.LinkedHashSet<>(List.of(type, "null")));
            if (copy.getEnum() != null) {
                List<Object> values = new ArrayList<>(copy.getEnum());
                values.add(null);
                copy.setEnum(values);
            }
            return copy;
        });
    }

    /** The schemas request bodies use, with those they refer to. */
    private static Set<String> requestSchemas(OpenAPI openApi) {
        Set<String> direct = new HashSet<>();
        openApi.getPaths().values().forEach(item -> item.readOperations().forEach(operation -> {
            if (operation.getRequestBody() != null && operation.getRequestBody().getContent() != null) {
                OpenAPI only = new OpenAPI().paths(new io.swagger.v3.oas.models.Paths().addPathItem("/", new PathItem()
                        .post(new Operation().requestBody(operation.getRequestBody())))).components(new Components());
                walk(only, s -> collect(s, direct));
            }
        }));
        return reachable(direct, openApi.getComponents().getSchemas());
    }

    private static String typeOf(Schema<?> schema) {
        if (schema.getType() != null) {
            return schema.getType();
        }
        return schema.getTypes() == null || schema.getTypes().size() != 1 ? null : schema.getTypes().iterator().next();
    }

    // ---- schema names ----

    private static final Pattern PACKAGE = Pattern.compile("(?:[Cc]om|[Oo]rg)\\.(?:[a-z0-9]+\\.)+");

    /** Schemas named by their types, without packages; wrappers after what they wrap ("UserItems"). */
    static void rename(OpenAPI openApi) {
        Map<String, Schema> schemas = openApi.getComponents().getSchemas();
        Map<String, String> names = new HashMap<>();
        Map<String, Integer> simple = new HashMap<>();
        Map<String, String> typePaths = new HashMap<>();
        for (String name : schemas.keySet()) {
            List<String> types = Arrays.stream(PACKAGE.split(name)).filter(s -> !s.isEmpty()).toList();
            typePaths.put(name, String.join("|", types));
            if (types.size() == 1) {
                String last = types.get(0).substring(types.get(0).lastIndexOf('.') + 1);
                simple.merge(last, 1, Integer::sum);
            }
        }
        for (String name : schemas.keySet()) {
            List<String> types = Arrays.asList(typePaths.get(name).split("\\|"));
            if (types.size() == 1) {
                names.put(name, single(types.get(0), simple));
            } else { // a generic wrapper: Items<UserResponse> → UserItems
                String wrapper = types.get(0).substring(types.get(0).lastIndexOf('.') + 1);
                String wrapped = single(types.get(types.size() - 1), simple);
                names.put(name, wrapped + wrapper);
            }
        }
        Set<String> taken = new HashSet<>();
        for (var entry : new TreeMap<>(names).entrySet()) {
            if (!taken.add(entry.getValue())) {
                entry.setValue(entry.getKey().replaceAll("[^A-Za-z0-9]", "")); // never merge two types into one name
                names.put(entry.getKey(), entry.getValue());
            }
        }
        Map<String, Schema> renamed = new TreeMap<>();
        schemas.forEach((name, schema) -> renamed.put(names.getOrDefault(name, name), schema));
        openApi.getComponents().setSchemas(new LinkedHashMap<>(renamed));
        Consumer<Schema<?>> fix = schema -> {
            String ref = schema.get$ref();
            if (ref != null && ref.startsWith("#/components/schemas/")) {
                String target = ref.substring("#/components/schemas/".length());
                if (names.containsKey(target)) {
                    schema.set$ref("#/components/schemas/" + names.get(target));
                }
            }
        };
        walk(openApi, fix);
    }

    private static String single(String typePath, Map<String, Integer> simple) {
        String named = NAMES.get(typePath);
        if (named != null) {
            return named;
        }
        String last = typePath.substring(typePath.lastIndexOf('.') + 1);
        if (simple.getOrDefault(last, 0) == 1) {
            return last;
        }
        return typePath.replace("Controller.", "").replace(".", "");
    }

    /** Every schema of the document, nested ones too. */
    static void walk(OpenAPI openApi, Consumer<Schema<?>> visit) {
        var seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<Schema<?>, Boolean>());
        Consumer<Schema<?>>[] deep = new Consumer[1];
        deep[0] = schema -> {
            if (schema == null || !seen.add(schema)) {
                return;
            }
            visit.accept(schema);
            if (schema.getProperties() != null) {
                schema.getProperties().values().forEach(s -> deep[0].accept(s));
            }
            deep[0].accept(schema.getItems());
            if (schema.getAdditionalProperties() instanceof Schema<?> more) {
                deep[0].accept(more);
            }
            for (List<Schema> group : Arrays.asList(schema.getAllOf(), schema.getAnyOf(), schema.getOneOf())) {
                if (group != null) {
                    group.forEach(s -> deep[0].accept(s));
                }
            }
        };
        Consumer<Content> contents = content -> {
            if (content != null) {
                content.values().forEach(media -> deep[0].accept(media.getSchema()));
            }
        };
        Components components = openApi.getComponents();
        if (components.getSchemas() != null) {
            components.getSchemas().values().forEach(s -> deep[0].accept(s));
        }
        if (components.getResponses() != null) {
            components.getResponses().values().forEach(r -> contents.accept(r.getContent()));
        }
        openApi.getPaths().values().forEach(item -> item.readOperations().forEach(operation -> {
            if (operation.getParameters() != null) {
                operation.getParameters().forEach(p -> deep[0].accept(p.getSchema()));
            }
            if (operation.getRequestBody() != null) {
                contents.accept(operation.getRequestBody().getContent());
            }
            if (operation.getResponses() != null) {
                operation.getResponses().values().forEach(r -> contents.accept(r.getContent()));
            }
        }));
    }

    /** Schemas nothing refers to any more (the streaming body type, say) are left out. */
    private static void dropUnused(OpenAPI openApi) {
        Set<String> used = new HashSet<>();
        walk(new OpenAPI().paths(openApi.getPaths()).components(new Components()
                .responses(openApi.getComponents().getResponses())), s -> collect(s, used));
        Set<String> reachable = reachable(used, openApi.getComponents().getSchemas());
        openApi.getComponents().getSchemas().keySet().removeIf(name -> !reachable.contains(name));
    }

    /** The schemas named, with every schema they refer to, however deep. */
    @SuppressWarnings("rawtypes")
    private static Set<String> reachable(Set<String> names, Map<String, Schema> schemas) {
        Set<String> reached = new HashSet<>();
        java.util.Deque<String> queue = new java.util.ArrayDeque<>(names);
        while (!queue.isEmpty()) {
            String name = queue.pop();
            if (reached.add(name) && schemas.get(name) != null) {
                walk(new OpenAPI().paths(new io.swagger.v3.oas.models.Paths())
                        .components(new Components().schemas(Map.of(name, schemas.get(name)))), s -> collect(s, queue));
            }
        }
        return reached;
    }

    private static void collect(Schema<?> schema, java.util.Collection<String> into) {
        if (schema.get$ref() != null && schema.get$ref().startsWith("#/components/schemas/")) {
            into.add(schema.get$ref().substring("#/components/schemas/".length()));
        }
    }

    // ---- building blocks ----

    private static Header header(String description, Schema<?> schema) {
        return new Header().description(description).schema(schema == null ? new StringSchema() : schema);
    }

    private static Header ref(String header) {
        return new Header().$ref("#/components/headers/" + header);
    }

    private static Schema<?> problemSchema() {
        return new ObjectSchema().description("RFC 9457 problem details; never a stack trace or internal names")
                .addProperty("type", new StringSchema().format("uri-reference"))
                .addProperty("title", new StringSchema())
                .addProperty("status", new IntegerSchema())
                .addProperty("detail", new StringSchema())
                .addProperty("instance", new StringSchema().format("uri-reference"))
                .additionalProperties(true);
    }

    static Op op(String operationId, String summary) {
        return new Op(operationId, summary);
    }

    private static Map<String, Op> rows(Op... rows) {
        Map<String, Op> map = new LinkedHashMap<>();
        for (Op row : rows) {
            if (map.put(row.operationId, row) != null) {
                throw new IllegalStateException("two rows for " + row.operationId);
            }
        }
        return map;
    }

    /** A success answer: its status, media type (JSON: the handler's schema unless a type is named) and headers. */
    record Answer(int status, String description, String mediaType, Schema<?> schema,
                  List<String> headers, List<String> alsoStreamed) {

        Answer(int status, String description, String mediaType, Schema<?> schema,
               List<String> headers) {
            this(status, description, mediaType, schema, headers, List.of());
        }

        /** A file to a client (what generators make of binary strings), whatever its media type. */
        static Schema<?> download() {
            return new StringSchema().format("binary");
        }
    }

    /** One operation's row. */
    static final class Op {
        final String operationId;
        final String summary;
        List<Answer> answers = new ArrayList<>(List.of(new Answer(200, "OK", JSON, null, List.of())));
        final Set<Integer> errors = new TreeSet<>();
        boolean prefer;
        String who;

        Op(String operationId, String summary) {
            this.operationId = operationId;
            this.summary = summary;
        }

        Op created(String... headers) {
            answers = List.of(new Answer(201, "Created", JSON, null, List.of(headers)));
            return this;
        }

        Op also(int status, String description) {
            answers = new ArrayList<>(answers);
            answers.add(new Answer(status, description, JSON, null, List.of()));
            return this;
        }

        Op noContent() {
            answers = List.of(new Answer(204, "Done; no body", null, null, List.of()));
            return this;
        }

        Op notModified() {
            answers = new ArrayList<>(answers);
            answers.add(new Answer(304, "Not modified: If-None-Match names the current version", null, null,
                    List.of("ETag")));
            return this;
        }

        Op headers(String... headers) {
            Answer first = answers.get(0);
            answers = new ArrayList<>(answers);
            answers.set(0, new Answer(first.status, first.description, first.mediaType, first.schema,
                    List.of(headers)));
            return this;
        }

        Op stream(String mediaType, String... headers) {
            answers = List.of(new Answer(200, "OK, streamed", mediaType, null, List.of(headers)));
            return this;
        }

        Op accepted() {
            answers = List.of(new Answer(202, "Accepted: a job; its progress at Location", JSON, null,
                    List.of("Location")));
            return this;
        }

        Op investigation() {
            prefer = true;
            answers = List.of(
                    new Answer(200, "Done within the answer time: the result (format=json), or the timeline "
                            + "streamed (format=ndjson or csv)", JSON, null,
                            List.of("X-Expected-Rows", "Content-Disposition"), List.of(NDJSON, CSV)),
                    new Answer(202, "Still running (or Prefer: respond-async): the job, to poll at Location", JSON,
                            null, List.of("Location", "Preference-Applied")));
            return this;
        }

        Op timeline() {
            answers = List.of(new Answer(200, "The timeline: NDJSON, or CSV with a header row", NDJSON, null,
                    List.of("X-Expected-Rows", "Content-Disposition"), List.of(CSV)));
            return this;
        }

        Op personalData() {
            answers = List.of(new Answer(200, "One JSON document, streamed (docs/privacy.md)", JSON,
                    new Schema<>().$ref("#/components/schemas/PersonalDataDocument"), List.of("Content-Disposition")));
            return this;
        }

        /** Who may call it, as the access matrix of docs/security.md says (OpenApiDocumentHttpTest compares). */
        Op who(String who) {
            this.who = who;
            return this;
        }

        Op errors(int... statuses) {
            Arrays.stream(statuses).forEach(errors::add);
            return this;
        }
    }

    /** An entry of the ledger about a person: where it stands in the tenant's ledger, and when. */
    private static Schema<?> ledgerEntry(String description) {
        return new ObjectSchema().description(description)
                .addProperty("ledgerSeq", new IntegerSchema().format("int64"))
                .addProperty("at", new DateTimeSchema());
    }

    /**
     * The personal-data document (streamed, so springdoc cannot see its shape): the account, the consents, the
     * ledger's events about the person (each as recorded, its personal data opened) and the accesses to their data.
     */
    private static Schema<?> personalDataSchema(Components components) {
        components.addSchemas("PersonalDataProfile", new ObjectSchema().description("The person's account as held")
                .addProperty("userId", new UUIDSchema())
                .addProperty("tenantId", new UUIDSchema())
                .addProperty("email", new StringSchema())
                .addProperty("name", new StringSchema())
                .addProperty("roles", new ArraySchema().items(new Schema<>().$ref("#/components/schemas/Role")))
                .addProperty("department", new StringSchema())
                .addProperty("createdAt", new DateTimeSchema())
                .addProperty("deactivatedAt", new DateTimeSchema())
                .addProperty("erased", new BooleanSchema())
                .required(List.of("userId", "tenantId", "roles", "erased")));
        components.addSchemas("PersonalDataEvent", ledgerEntry("A ledger event about the person, as recorded, with "
                        + "its personal data opened; the address and agent of the person's own commands (another "
                        + "person's are theirs, and left out)")
                .addProperty("type", new StringSchema())
                .addProperty("event", new ObjectSchema().additionalProperties(true)
                        .description("The event's fields, as the ledger holds them (docs/ledger-format.md)"))
                .addProperty("actor", new StringSchema())
                .addProperty("clientIp", new StringSchema())
                .addProperty("userAgent", new StringSchema())
                .required(List.of("ledgerSeq", "at", "type", "event")));
        components.addSchemas("PersonalDataAccess", ledgerEntry("An access to the person's data; address, agent and "
                        + "detail only where the access was the person's own")
                .addProperty("action", new StringSchema())
                .addProperty("resource", new StringSchema())
                .addProperty("detail", new StringSchema())
                .addProperty("outcome", new Schema<>().$ref("#/components/schemas/AccessOutcome"))
                .addProperty("status", new IntegerSchema().format("int32"))
                .addProperty("ip", new StringSchema())
                .addProperty("userAgent", new StringSchema())
                .addProperty("tokenId", new StringSchema())
                .addProperty("correlationId", new StringSchema())
                .required(List.of("ledgerSeq", "at", "action")));
        return new ObjectSchema().description("Everything held about one person")
                .addProperty("exportedAt", new DateTimeSchema())
                .addProperty("profile", new Schema<>().$ref("#/components/schemas/PersonalDataProfile"))
                .addProperty("consents", new Schema<>().$ref("#/components/schemas/Consents"))
                .addProperty("events", new ArraySchema().items(new Schema<>().$ref("#/components/schemas/PersonalDataEvent")))
                .addProperty("accessEvents", new ArraySchema().items(
                        new Schema<>().$ref("#/components/schemas/PersonalDataAccess")))
                .required(List.of("exportedAt", "profile", "consents", "events", "accessEvents"));
    }
}
