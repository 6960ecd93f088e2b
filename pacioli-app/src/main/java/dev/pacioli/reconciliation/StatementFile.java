package dev.pacioli.reconciliation;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/**
 * A statement as read from its file, before anything is stored: its lines in the file's order, and its
 * opening and closing balances when the format has them (camt.053 does, CSV does not).
 *
 * @param openingBalance in minor units, or null
 * @param closingBalance in minor units, or null
 * @param closingDate the date of the closing balance, or null
 */
public record StatementFile(
        String format, Long openingBalance, Long closingBalance, LocalDate closingDate, List<Line> lines) {
    /** Files up to this many bytes: the contract's 50 MiB. */
    public static final long BYTES_MAX = 50L << 20;

    /** Up to this many lines in a file. */
    public static final int LINES_MAX = 500_000;

    public StatementFile {
        lines = List.copyOf(lines);
    }

    /**
     * One line: {@code amount} signed in minor units, positive is money into the account as the
     * statement's holder sees it.
     */
    public record Line(
            String externalId,
            LocalDate bookingDate,
            LocalDate valueDate,
            long amount,
            String reference,
            String endToEndId,
            String counterparty,
            String description) {}

    /**
     * Why a file is refused whole: a code ({@code invalid_statement}, {@code statement_does_not_balance},
     * {@code currency_mismatch}, {@code too_many_decimals}, {@code too_many_lines}) and the element or line
     * at fault.
     */
    public static final class Refused extends RuntimeException {
        public final String code;
        public final String at;

        public Refused(String code, String at, String message) {
            super(message);
            this.code = code;
            this.at = at;
        }
    }

    /** The asset's amount of {@code value} in minor units; a refusal naming {@code at} when it has more decimals. */
    static long minorUnits(BigDecimal value, int scale, String at) {
        BigDecimal stripped = value.stripTrailingZeros();
        if (stripped.scale() > scale) {
            throw new Refused(
                    "too_many_decimals",
                    at,
                    at + ": " + value.toPlainString() + " has more than " + scale + " decimals");
        }
        try {
            return stripped.movePointRight(scale).longValueExact();
        } catch (ArithmeticException e) {
            throw new Refused("invalid_statement", at, at + ": " + value.toPlainString() + " is out of range");
        }
    }
}
