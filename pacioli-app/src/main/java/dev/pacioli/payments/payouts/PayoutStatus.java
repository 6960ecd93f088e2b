package dev.pacioli.payments.payouts;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A payout's states and the only moves between them (payments.md, the state table). Every change of a
 * payout's status goes through {@link #canMoveTo}; a refused move is answered 409 {@code
 * invalid_state_transition} and counted.
 */
public enum PayoutStatus {
    REQUIRES_APPROVAL,
    HELD,
    APPROVED,
    PROCESSING,
    NEEDS_REVIEW,
    PAID,
    FAILED,
    CANCELED,
    REJECTED,
    EXPIRED,
    RETURNED;

    private static final Map<String, PayoutStatus> BY_CODE =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(PayoutStatus::code, Function.identity()));

    private final String code = name().toLowerCase(Locale.ROOT);

    public String code() {
        return code;
    }

    public static Map<String, PayoutStatus> byCode() {
        return BY_CODE;
    }

    public static PayoutStatus of(String code) {
        PayoutStatus status = BY_CODE.get(code);
        if (status == null) {
            throw new IllegalArgumentException("no payout status " + code);
        }
        return status;
    }

    /**
     * The states it may move to. A payout is held at creation (a screening hit) or from {@code APPROVED}
     * (a control), and goes back on release to the state it was held from.
     */
    public Set<PayoutStatus> next() {
        return switch (this) {
            case REQUIRES_APPROVAL -> EnumSet.of(APPROVED, REJECTED, EXPIRED, CANCELED);
            case APPROVED -> EnumSet.of(PROCESSING, HELD, CANCELED);
            case HELD -> EnumSet.of(REQUIRES_APPROVAL, APPROVED, REJECTED, CANCELED);
            case PROCESSING -> EnumSet.of(PAID, FAILED, NEEDS_REVIEW);
            case NEEDS_REVIEW -> EnumSet.of(PAID, FAILED);
            case PAID -> EnumSet.of(RETURNED);
            case FAILED, CANCELED, REJECTED, EXPIRED, RETURNED -> EnumSet.noneOf(PayoutStatus.class);
        };
    }

    public boolean canMoveTo(PayoutStatus next) {
        return next().contains(next);
    }

    /** Nothing more happens to it, but a return of a paid one. */
    public boolean isFinal() {
        return this == PAID || next().isEmpty();
    }

    /** What its reserve is in this state: pending until it is paid (posted) or ends otherwise (voided). */
    public Reserve reserve() {
        return switch (this) {
            case PAID, RETURNED -> Reserve.POSTED;
            case FAILED, CANCELED, REJECTED, EXPIRED -> Reserve.VOIDED;
            default -> Reserve.PENDING;
        };
    }

    public enum Reserve {
        PENDING,
        POSTED,
        VOIDED
    }
}
