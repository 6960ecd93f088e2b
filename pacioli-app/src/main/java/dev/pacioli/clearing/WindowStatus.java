package dev.pacioli.clearing;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A window's states (docs/clearing.md, the window table), with their stored codes. */
public enum WindowStatus {
    OPEN("open"),
    CLOSED("closed"),
    SETTLED("settled"),
    SETTLEMENT_FAILED("settlement_failed");

    private static final Map<String, WindowStatus> BY_CODE =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(WindowStatus::code, Function.identity()));

    private final String code;

    WindowStatus(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static Map<String, WindowStatus> byCode() {
        return BY_CODE;
    }

    public static WindowStatus of(String code) {
        WindowStatus status = BY_CODE.get(code);
        if (status == null) {
            throw new IllegalStateException("no window status " + code);
        }
        return status;
    }
}
