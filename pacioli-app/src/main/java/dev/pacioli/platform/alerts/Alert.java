package dev.pacioli.platform.alerts;

import java.util.Map;
import java.util.TreeMap;

/**
 * One alert as stored: a condition an operator must know about, counted while it lasts.
 *
 * @param sequence the row's number; the API's id is {@code alr_<sequence>}
 * @param count how many times the condition was raised while this alert was open or acknowledged
 */
public record Alert(
        long sequence,
        Severity severity,
        String category,
        String dedupeKey,
        String summary,
        String details,
        String object,
        Status status,
        long raisedAtMicros,
        long lastSeenAtMicros,
        long count,
        Long acknowledgedAtMicros,
        String acknowledgedBy,
        Long resolvedAtMicros) {
    public static final String ID_PREFIX = "alr_";

    /** Where an alert stands (docs/alerts.md has the state machine). Stored by code. */
    public enum Status {
        OPEN("open"),
        ACKNOWLEDGED("acknowledged"),
        RESOLVED("resolved");

        private final String code;

        Status(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }

        public static Map<String, Status> byCode() {
            Map<String, Status> codes = new TreeMap<>();
            for (Status status : values()) {
                codes.put(status.code, status);
            }
            return codes;
        }

        public static Status of(String code) {
            Status status = byCode().get(code);
            if (status == null) {
                throw new IllegalArgumentException("no alert status '" + code + "'");
            }
            return status;
        }
    }

    public String id() {
        return ID_PREFIX + sequence;
    }

    /** The sequence an API id names, or 0 when it names none. */
    public static long sequenceOf(String id) {
        if (id == null || !id.startsWith(ID_PREFIX) || id.length() > ID_PREFIX.length() + 18) {
            return 0;
        }
        String digits = id.substring(ID_PREFIX.length());
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return 0;
        }
        return Long.parseLong(digits);
    }
}
