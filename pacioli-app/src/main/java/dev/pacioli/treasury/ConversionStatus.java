package dev.pacioli.treasury;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * A conversion's states and the transitions between them (docs/treasury.md has the table):
 *
 * <pre>
 * pending      → submitted (reserve made, sent) | failed (reserve refused, no provider left)
 * submitted    → completed | failed | needs_review (past its timeout) | pending (its provider failed
 *                it: the reserve is voided and the next provider takes it)
 * needs_review → completed | failed (an operator)
 * </pre>
 *
 * A conversion held by the controls (dry mode, emergency stop) stays {@code pending} with a {@code
 * hold_reason}, and goes on by itself once they let submissions through.
 */
public enum ConversionStatus {
    PENDING,
    SUBMITTED,
    NEEDS_REVIEW,
    COMPLETED,
    FAILED;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ConversionStatus ofCode(String code) {
        return valueOf(code.toUpperCase(Locale.ROOT));
    }

    /** In flight: the buffer's one job, counted by cycles as money on its way. */
    public boolean inFlight() {
        return this == PENDING || this == SUBMITTED || this == NEEDS_REVIEW;
    }

    public Set<ConversionStatus> next() {
        return switch (this) {
            case PENDING -> EnumSet.of(SUBMITTED, FAILED);
            case SUBMITTED -> EnumSet.of(COMPLETED, FAILED, NEEDS_REVIEW, PENDING);
            case NEEDS_REVIEW -> EnumSet.of(COMPLETED, FAILED);
            case COMPLETED, FAILED -> EnumSet.noneOf(ConversionStatus.class);
        };
    }
}
