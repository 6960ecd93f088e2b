package dev.pacioli.custody;

import java.util.Arrays;

/** A chain transaction's state (docs/custody.md has the table of its transitions); codes are stored. */
enum ChainStatus {
    HELD("held"),
    QUEUED("queued"),
    SIGNED("signed"),
    BROADCAST("broadcast"),
    CONFIRMED("confirmed"),
    FAILED("failed");

    private final String code;

    ChainStatus(String code) {
        this.code = code;
    }

    String code() {
        return code;
    }

    static ChainStatus of(String code) {
        return Arrays.stream(values())
                .filter(status -> status.code.equals(code))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no chain transaction status " + code));
    }

    /** Still to be sent or watched: what {@code pacioli_custody_pending_transactions} counts. */
    boolean open() {
        return this == QUEUED || this == SIGNED || this == BROADCAST;
    }
}
