package dev.pacioli.access;

import dev.pacioli.platform.ApiKey;
import dev.pacioli.platform.JsonOutput;

/** An API key as the API shows it: in answers, and as the data of its service events. */
final class KeyJson {
    private KeyJson() {}

    /** The key without its secret, as bytes. */
    static byte[] bytes(ApiKey key) {
        try (JsonOutput out = new JsonOutput()) {
            write(out, key, null);
            return out.toBytes();
        }
    }

    /** {@code secret}: shown once, in the answer to the key's creation; null everywhere else. */
    static void write(JsonOutput out, ApiKey key, String secret) {
        out.json.writeStartObject();
        out.string("id", key.id());
        out.string("name", key.name());
        out.string("principal", key.principal());
        out.string("role", key.role().code());
        out.json.writeName("flags");
        out.json.writeStartArray();
        key.flags().forEach(flag -> out.json.writeString(flag.code()));
        out.json.writeEndArray();
        out.json.writeName("ledgers");
        if (key.ledgers() == null) {
            out.json.writeNull();
        } else {
            out.json.writeStartArray();
            key.ledgers().forEach(out.json::writeString);
            out.json.writeEndArray();
        }
        out.time("created_at", key.createdAtMicros());
        if (key.revokedAtMicros() == null) {
            out.json.writeNullProperty("revoked_at");
        } else {
            out.time("revoked_at", key.revokedAtMicros());
        }
        if (secret != null) {
            out.string("secret", secret);
        }
        out.json.writeEndObject();
    }
}
