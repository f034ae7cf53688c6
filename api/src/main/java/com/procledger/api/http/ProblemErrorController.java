package com.procledger.api.http;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;

/**
 * Errors that happen outside Spring MVC (in a filter, or in the servlet container) reach {@code /error}; they get
 * problem details too, with the status and a generic detail, never the exception.
 */
@RestController
public class ProblemErrorController implements ErrorController {

    @RequestMapping("/error")
    public ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        if (code == null && request.getDispatcherType() != jakarta.servlet.DispatcherType.ERROR) {
            // asked for directly: /error is no resource of the API
            ProblemDetail missing = Problems.of(HttpStatus.NOT_FOUND, "no such resource");
            return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(missing);
        }
        HttpStatus status = code instanceof Integer value && HttpStatus.resolve(value) != null
                ? HttpStatus.valueOf(value) : HttpStatus.INTERNAL_SERVER_ERROR;
        if (request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable failure
                && DatabaseOutage.isCause(failure)) {
            // a filter's query failed because the database is gone: that is a 503, not our bug
            DatabaseOutage.noted(failure);
            ProblemDetail unavailable = Problems.of(HttpStatus.SERVICE_UNAVAILABLE,
                    "the service cannot reach its database right now; try again shortly");
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .header(org.springframework.http.HttpHeaders.RETRY_AFTER,
                            String.valueOf(DatabaseOutage.RETRY_AFTER.toSeconds()))
                    .body(unavailable);
        }
        String detail = status.is5xxServerError() ? "something went wrong on our side" : status.getReasonPhrase();
        ProblemDetail problem = Problems.of(status, detail);
        if (request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String uri) {
            try {
                problem.setInstance(URI.create(uri));
            } catch (IllegalArgumentException unparsable) {
                // leave the instance out rather than echo a malformed path
            }
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
