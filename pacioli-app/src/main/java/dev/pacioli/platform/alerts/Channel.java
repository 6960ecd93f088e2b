package dev.pacioli.platform.alerts;

import tools.jackson.databind.JsonNode;

/**
 * A place alerts go, as stored.
 *
 * @param config what the kind needs, secrets included: never answered or logged as it is (see
 *     {@link ChannelConfigs#redacted})
 * @param secret the {@code whsec_} signing secret of a generic-format webhook, else null
 */
public record Channel(String id, Kind kind, JsonNode config, String secret, long createdAtMicros) {
    /** Stored by code. */
    public enum Kind {
        EMAIL("email"),
        WEBHOOK("webhook"),
        LOG("log");

        private final String code;

        Kind(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }

        public static Kind of(String code) {
            for (Kind kind : values()) {
                if (kind.code.equals(code)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("no channel kind '" + code + "'");
        }
    }

    /** Never prints the config or the secret: a channel that ends up in a log line leaks nothing. */
    @Override
    public String toString() {
        return "Channel[" + id + ", " + kind.code() + "]";
    }
}
