package dev.pacioli.platform.alerts;

import java.util.Map;
import java.util.TreeMap;

/** How urgent an alert is. Stored and sent by its code, never its position. */
public enum Severity {
    INFO("info"),
    WARNING("warning"),
    CRITICAL("critical");

    private final String code;

    Severity(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** Every severity by its code, for a request's {@code choice}. */
    public static Map<String, Severity> byCode() {
        Map<String, Severity> codes = new TreeMap<>();
        for (Severity severity : values()) {
            codes.put(severity.code, severity);
        }
        return codes;
    }

    public static Severity of(String code) {
        Severity severity = byCode().get(code);
        if (severity == null) {
            throw new IllegalArgumentException("no severity '" + code + "'");
        }
        return severity;
    }
}
