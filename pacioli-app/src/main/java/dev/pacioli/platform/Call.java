package dev.pacioli.platform;

import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One authenticated request that passed its route's checks: the caller's key, the ledger it names
 * (when its path has one, already checked against the key's scope), its body and query.
 */
public final class Call {
    public static final String METADATA_PREFIX = "metadata.";
    public static final int LIMIT_DEFAULT = 100;
    public static final int LIMIT_MAX = 1_000;

    public final Context context;
    public final ApiKey key;
    public final byte[] body;

    public Call(Context context, ApiKey key, byte[] body) {
        this.context = context;
        this.key = key;
        this.body = body;
    }

    /**
     * Who is calling: the principal of the caller's key, as its creator set it, never anything a request
     * header claims. Audit records and rules that need two people use this; null on routes without a key.
     */
    public String principal() {
        return key == null ? null : key.principal();
    }

    public String path(String name) {
        return context.pathParam(name);
    }

    /** A query parameter given once, or null. Given twice is a 400: which one would we use? */
    public String query(String name) {
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

    public boolean flag(String name) {
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
    public int limit() {
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
    public Map<String, String> metadataFilters() {
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

    public RequestReader.Fields body(RequestReader reader, String... allowed) {
        return reader.body(body, allowed);
    }
}
