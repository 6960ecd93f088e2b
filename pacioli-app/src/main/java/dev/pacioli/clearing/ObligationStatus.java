package dev.pacioli.clearing;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * An obligation's states (docs/clearing.md, the obligation table). Stored are {@code accepted},
 * {@code held}, {@code rejected} and {@code canceled}; an accepted obligation reads {@code netted} once
 * its window is closed and {@code settled} once the window is settled, so a window's close and its
 * settlement each change one row.
 */
public enum ObligationStatus {
    ACCEPTED("accepted"),
    HELD("held"),
    NETTED("netted"),
    SETTLED("settled"),
    REJECTED("rejected"),
    CANCELED("canceled");

    private static final Map<String, ObligationStatus> BY_CODE =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(ObligationStatus::code, Function.identity()));

    private final String code;

    ObligationStatus(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static Map<String, ObligationStatus> byCode() {
        return BY_CODE;
    }

    /** What an obligation stored as {@code stored} reads as in a window of {@code windowStatus}. */
    public static ObligationStatus of(String stored, WindowStatus windowStatus) {
        ObligationStatus status = BY_CODE.get(stored);
        if (status != ACCEPTED) {
            return status;
        }
        return switch (windowStatus) {
            case OPEN -> ACCEPTED;
            case CLOSED, SETTLEMENT_FAILED -> NETTED;
            case SETTLED -> SETTLED;
        };
    }
}
