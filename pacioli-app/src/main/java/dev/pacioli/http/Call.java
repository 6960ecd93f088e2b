package dev.pacioli.http;

import dev.pacioli.postgres.ApiKey;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One authenticated request that passed its route's checks: the caller's key, the ledger it names
 * (when its path has one, already checked against the key's scope), its body and query.
 */
final class Call {
    static final String METADATA_PREFIX = "metadata.";
    static final int LIMIT_DEFAULT = 100;
    static final int LIMIT_MAX = 1_000;

    final Context context;
    final ApiKey key;
    final Ledgers.Running ledger;
    final byte[] body;

    Call(Context context, ApiKey key, Ledgers.Running ledger, byte[] body) {
        this.context = context;
        this.key = key;
        this.ledger = ledger;
        this.body = body;
    }

    String path(String name) {
        return context.pathParam(name);
    }

    /** A query parameter given once, or null. Given twice is a 400: which one would we use? */
    String query(String name) {
        List<String> values = context.queryParamMap().get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw ApiException.invalid(
                    List.of(new FieldError(name, FieldError.INVALID_VALUE, "is given more than once")));
        }
        return values.getFirst();
    }

    boolean flag(String name) {
        String value = query(name);
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw ApiException.invalid(List.of(new FieldError(name, FieldError.INVALID_VALUE, "must be true or false")));
    }

    /** {@code limit}: 1 to 1000, 100 when absent. */
    int limit() {
        String value = query("limit");
        if (value == null) {
            return LIMIT_DEFAULT;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= LIMIT_MAX) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.invalid(
                List.of(new FieldError("limit", FieldError.OUT_OF_RANGE, "must be an integer from 1 to " + LIMIT_MAX)));
    }

    /** The {@code metadata.<key>=<value>} filters. */
    Map<String, String> metadataFilters() {
        Map<String, String> filters = new TreeMap<>();
        for (String name : context.queryParamMap().keySet()) {
            if (name.startsWith(METADATA_PREFIX)) {
                String key = name.substring(METADATA_PREFIX.length());
                if (key.isEmpty()) {
                    throw ApiException.invalid(
                            List.of(new FieldError(name, FieldError.INVALID_FORMAT, "names no metadata key")));
                }
                filters.put(key, query(name));
            }
        }
        return filters;
    }

    RequestReader.Fields body(RequestReader reader, String... allowed) {
        return reader.body(body, allowed);
    }
}
