package dev.pacioli.payments.deposits;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A deposit's states and the only moves between them (payments.md, Deposits): {@code pending} →
 * {@code succeeded} | {@code failed}; {@code succeeded} → {@code reversed}. A deposit may also be
 * created in any of the first three. Every change of a deposit's status goes through {@link
 * #canMoveTo}; a refused move is counted in {@code pacioli_illegal_transitions_total{object="deposit"}}.
 */
public enum DepositStatus {
    /** Reported, not final: nothing posted. */
    PENDING,
    /** {@code deposit:{id}} posted from the provider account to the account. */
    SUCCEEDED,
    /** The money did not arrive: nothing posted. */
    FAILED,
    /** Succeeded, then sent back: {@code deposit:{id}:reverse} posted. */
    REVERSED;

    private static final Map<String, DepositStatus> BY_CODE =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(DepositStatus::code, Function.identity()));

    private final String code = name().toLowerCase(Locale.ROOT);

    public String code() {
        return code;
    }

    public static Map<String, DepositStatus> byCode() {
        return BY_CODE;
    }

    public static DepositStatus of(String code) {
        DepositStatus status = BY_CODE.get(code);
        if (status == null) {
            throw new IllegalArgumentException("no deposit status " + code);
        }
        return status;
    }

    public Set<DepositStatus> next() {
        return switch (this) {
            case PENDING -> EnumSet.of(SUCCEEDED, FAILED);
            case SUCCEEDED -> EnumSet.of(REVERSED);
            case FAILED, REVERSED -> EnumSet.noneOf(DepositStatus.class);
        };
    }

    public boolean canMoveTo(DepositStatus next) {
        return next().contains(next);
    }
}
