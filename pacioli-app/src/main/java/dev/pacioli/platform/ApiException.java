package dev.pacioli.platform;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request that is answered with a problem document. Thrown anywhere below a route handler and turned
 * into {@code application/problem+json} by the server; the request changed nothing.
 *
 * @param retryAfterSeconds when positive, sent as {@code Retry-After}
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public final int status;
    public final String code;
    final transient List<FieldError> errors;
    public final long retryAfterSeconds;
    /** The request's body was not read to its end, so its connection cannot carry another request. */
    public final boolean closeConnection;
    /** Members the problem carries beyond the standard ones ({@code limit_id}): strings and numbers. */
    final transient Map<String, Object> members;

    public ApiException(int status, String code, String detail) {
        this(status, code, detail, List.of(), 0);
    }

    public ApiException(int status, String code, String detail, List<FieldError> errors, long retryAfterSeconds) {
        this(status, code, detail, errors, retryAfterSeconds, false);
    }

    private ApiException(
            int status,
            String code,
            String detail,
            List<FieldError> errors,
            long retryAfterSeconds,
            boolean closeConnection,
            Map<String, Object> members) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.errors = List.copyOf(errors);
        this.retryAfterSeconds = retryAfterSeconds;
        this.closeConnection = closeConnection;
        this.members = members;
    }

    private ApiException(
            int status,
            String code,
            String detail,
            List<FieldError> errors,
            long retryAfterSeconds,
            boolean closeConnection) {
        this(status, code, detail, errors, retryAfterSeconds, closeConnection, Map.of());
    }

    public ApiException closingConnection() {
        return new ApiException(status, code, getMessage(), errors, retryAfterSeconds, true, members);
    }

    /** The same problem with one more member, a string or a number, declared in the Problem schema. */
    public ApiException with(String name, Object value) {
        if (!(value instanceof String) && !(value instanceof Long)) {
            throw new IllegalArgumentException("a problem member is a string or a long");
        }
        Map<String, Object> more = new LinkedHashMap<>(members);
        more.put(name, value);
        return new ApiException(status, code, getMessage(), errors, retryAfterSeconds, closeConnection, more);
    }

    public static ApiException notFound(String code, String detail) {
        return new ApiException(404, code, detail);
    }

    /** A 400 listing every bad field. The top-level code names the kind when all errors share it. */
    public static ApiException invalid(List<FieldError> errors) {
        String code = "validation_failed";
        if (errors.stream().allMatch(error -> error.code().equals(FieldError.UNKNOWN_FIELD))) {
            code = FieldError.UNKNOWN_FIELD;
        } else if (errors.stream().allMatch(error -> error.code().equals(FieldError.INVALID_AMOUNT))) {
            code = FieldError.INVALID_AMOUNT;
        }
        String detail = errors.size() == 1
                ? errors.getFirst().field() + ": " + errors.getFirst().detail()
                : errors.size() + " fields are invalid; see errors";
        return new ApiException(400, code, detail, errors, 0);
    }
}
