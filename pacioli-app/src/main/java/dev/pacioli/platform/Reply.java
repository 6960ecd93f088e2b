package dev.pacioli.platform;

import java.util.Map;

/** What a route answers: status, body and extra headers. */
public record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
    public static final String JSON = "application/json";

    public static Reply json(int status, JsonOutput out) {
        return new Reply(status, JSON, out.toBytes(), Map.of());
    }

    /** A 200 replaying an earlier identical request. */
    public static Reply replayed(JsonOutput out) {
        return new Reply(200, JSON, out.toBytes(), Map.of("Idempotent-Replayed", "true"));
    }
}
