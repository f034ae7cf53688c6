package com.procledger.api.http;

import com.procledger.domain.DomainException;
import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.axonframework.modelling.command.ConflictingAggregateVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Every error as RFC 9457 problem details. Messages name the field and the rule, never a class, a stack trace or
 * SQL; unexpected failures are logged with an id that the 500 answer carries.
 */
@RestControllerAdvice
public class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(DomainException.class)
    ResponseEntity<Object> domain(DomainException e, WebRequest request) {
        HttpStatus status = switch (e) {
            case DomainException.Invalid invalid -> HttpStatus.BAD_REQUEST;
            case DomainException.IllegalTransition transition -> HttpStatus.CONFLICT;
            case DomainException.NotPermitted notPermitted -> HttpStatus.FORBIDDEN;
            case DomainException.NotFound notFound -> HttpStatus.NOT_FOUND;
        };
        return problem(status, e.getMessage(), request);
    }

    @ExceptionHandler(Unavailable.class)
    ResponseEntity<Object> unavailable(Unavailable e, WebRequest request) {
        ResponseEntity<Object> problem = problem(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage(), request);
        return ResponseEntity.status(problem.getStatusCode()).headers(problem.getHeaders())
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, e.retryAfter().toSeconds())))
                .body(problem.getBody());
    }

    @ExceptionHandler(AggregateNotFoundException.class)
    ResponseEntity<Object> notFound(AggregateNotFoundException e, WebRequest request) {
        return problem(HttpStatus.NOT_FOUND, "no such resource", request);
    }

    @ExceptionHandler(ConflictingAggregateVersionException.class)
    ResponseEntity<Object> staleVersion(ConflictingAggregateVersionException e, WebRequest request) {
        return problem(HttpStatus.PRECONDITION_FAILED, "If-Match names version " + e.getExpectedVersion()
                + " but the current version is " + e.getActualVersion() + ": read it again and retry", request);
    }

    @ExceptionHandler(ConcurrencyException.class)
    ResponseEntity<Object> lostRace(ConcurrencyException e, WebRequest request) {
        return problem(HttpStatus.CONFLICT, "another change to this resource was made at the same time: read it again and retry", request);
    }

    @ExceptionHandler(CommandExecutionException.class)
    ResponseEntity<Object> commandFailed(CommandExecutionException e, WebRequest request) throws Exception {
        if (e.getCause() instanceof Exception cause && !(cause instanceof CommandExecutionException)) {
            return handle(cause, request);
        }
        return unexpected(e, request);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e, WebRequest request) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof com.procledger.infra.ledger.GroupCommit.Unavailable) {
                // the ledger's writer is overloaded or closing: nothing of the command was acknowledged
                return unavailable(new Unavailable("the ledger is too busy to take this change right now; try again "
                        + "shortly (with the same Idempotency-Key, it is not applied twice)", Duration.ofSeconds(1)), request);
            }
        }
        boolean outage = DatabaseOutage.isCause(e);
        // a request in flight when the database went away fails in more shapes than a driver's connection errors
        // (a rollback on a dead connection, say): within an outage seen by others it is the outage, not a bug; only
        // a connection error keeps the outage fresh (it is what lets access recording give up at once)
        if (outage || (DatabaseOutage.seenJustNow() && touchedTheDatabase(e))) {
            if (outage) {
                DatabaseOutage.noted(e);
            }
            return unavailable(new Unavailable("the service cannot reach its database right now; try again shortly",
                    DatabaseOutage.RETRY_AFTER), request);
        }
        String incident = UUID.randomUUID().toString();
        log.error("unexpected failure, incident {}", incident, e);
        ResponseEntity<Object> response = problem(HttpStatus.INTERNAL_SERVER_ERROR,
                "something went wrong on our side; quote incident " + incident + " when reporting it", request);
        ((ProblemDetail) response.getBody()).setProperty("incident", incident);
        return response;
    }

    private static boolean touchedTheDatabase(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLException || t instanceof org.springframework.dao.DataAccessException
                    || t instanceof org.springframework.transaction.TransactionException
                    || t instanceof org.axonframework.eventsourcing.eventstore.EventStoreException) {
                return true;
            }
        }
        return false;
    }

    private ResponseEntity<Object> handle(Exception cause, WebRequest request) throws Exception {
        return switch (cause) {
            case DomainException d -> domain(d, request);
            case AggregateNotFoundException a -> notFound(a, request);
            case ConflictingAggregateVersionException c -> staleVersion(c, request);
            case ConcurrencyException c -> lostRace(c, request);
            default -> unexpected(cause, request);
        };
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        List<Map<String, String>> errors = e.getBindingResult().getFieldErrors().stream()
                .map(error -> Map.of("field", error.getField(),
                        "message", error.getDefaultMessage() == null ? "is invalid" : error.getDefaultMessage()))
                .toList();
        String detail = errors.stream().map(error -> error.get("field") + " " + error.get("message"))
                .collect(Collectors.joining("; "));
        ResponseEntity<Object> response = problem(HttpStatus.BAD_REQUEST, detail, request);
        ((ProblemDetail) response.getBody()).setProperty("errors", errors);
        return response;
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RequestSizeLimitFilter.BodyTooLarge tooLarge) {
                return problem(HttpStatus.CONTENT_TOO_LARGE, tooLarge.getMessage(), request);
            }
        }
        return problem(HttpStatus.BAD_REQUEST, unreadable(e.getCause()), request);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Object> typeMismatch(MethodArgumentTypeMismatchException e, WebRequest request) {
        return problem(HttpStatus.BAD_REQUEST, "'" + e.getName() + "' has an invalid value", request);
    }

    /** What was wrong with the JSON, in the client's terms: the field path and the kind of problem. */
    static String unreadable(Throwable cause) {
        if (cause instanceof UnrecognizedPropertyException unknown) {
            return "unknown field '" + path(unknown) + "'";
        }
        if (cause instanceof DatabindException mapping && !mapping.getPath().isEmpty()) {
            String original = mapping.getOriginalMessage();
            if (original != null && original.startsWith(StorableValues.REFUSED)) {
                return "field '" + path(mapping) + "' " + original.substring(StorableValues.REFUSED.length());
            }
            return "field '" + path(mapping) + "' has an invalid value";
        }
        if (cause instanceof StreamReadException parse && parse.getLocation() != null) {
            return "malformed JSON at line " + parse.getLocation().getLineNr() + ", column "
                    + parse.getLocation().getColumnNr();
        }
        if (cause instanceof JacksonException) {
            return "the request body is not valid JSON for this endpoint";
        }
        return "the request body is missing or unreadable";
    }

    private static String path(DatabindException e) {
        return e.getPath().stream()
                .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception e, Object body, HttpHeaders headers,
                                                             HttpStatusCode status, WebRequest request) {
        ResponseEntity<Object> response = super.handleExceptionInternal(e, body, headers, status, request);
        if (response != null && response.getBody() instanceof ProblemDetail) {
            return ResponseEntity.status(response.getStatusCode()).headers(response.getHeaders())
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(response.getBody());
        }
        return response;
    }

    private static ResponseEntity<Object> problem(HttpStatus status, String detail, WebRequest request) {
        ProblemDetail problem = Problems.of(status, detail);
        if (request instanceof ServletWebRequest servlet) {
            try {
                problem.setInstance(java.net.URI.create(servlet.getRequest().getRequestURI()));
            } catch (IllegalArgumentException unparsable) {
                // leave the instance out rather than echo a malformed path
            }
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
