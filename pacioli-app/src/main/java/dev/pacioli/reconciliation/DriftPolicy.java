package dev.pacioli.reconciliation;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How bad a drift ({@code ledger − outside}) is, and what it sets off: tiers tried in order, the first
 * whose bound holds the drift's absolute value (or its ratio to the outside balance) gives the severity,
 * beyond the last {@code above}. A drift of zero is {@link Severity#NONE} whatever the tiers.
 *
 * <p>Absolute bounds are in the asset's major units, as decimal strings, compared exactly in minor
 * units ({@code ≤}): with the defaults 1.00 is low and 1.01 medium. A ratio is {@code |drift| /
 * |outside|}; when the outside balance is zero any drift is beyond every ratio.
 */
public record DriftPolicy(List<Tier> tiers, Severity above, Map<Severity, Action> actions) {
    public static final int TIERS_MAX = 8;

    public enum Severity {
        NONE(0),
        LOW(1),
        MEDIUM(2),
        HIGH(3),
        CRITICAL(4);

        /** The value of {@code pacioli_recon_drift_severity}. */
        public final int level;

        Severity(int level) {
            this.level = level;
        }

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Severity ofCode(String code) {
            for (Severity severity : values()) {
                if (severity.code().equals(code)) {
                    return severity;
                }
            }
            return null;
        }
    }

    public enum Action {
        NONE,
        ALERT,
        HOLD_PAYOUTS,
        EMERGENCY_STOP;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Action ofCode(String code) {
            for (Action action : values()) {
                if (action.code().equals(code)) {
                    return action;
                }
            }
            return null;
        }
    }

    /** One bound: exactly one of {@code maxAbs} (major units) and {@code maxRatio} is set. */
    public record Tier(BigDecimal maxAbs, BigDecimal maxRatio, Severity severity) {}

    /**
     * The contract's defaults: ≤ 1.00 low, ≤ 100.00 medium, ≤ 1,000.00 high, above critical; high and
     * critical alert. Nothing holds payouts or stops the platform unless an operator says so.
     */
    public static final DriftPolicy DEFAULTS = new DriftPolicy(
            List.of(
                    new Tier(new BigDecimal("1.00"), null, Severity.LOW),
                    new Tier(new BigDecimal("100.00"), null, Severity.MEDIUM),
                    new Tier(new BigDecimal("1000.00"), null, Severity.HIGH)),
            Severity.CRITICAL,
            defaultActions());

    private static Map<Severity, Action> defaultActions() {
        Map<Severity, Action> actions = new EnumMap<>(Severity.class);
        actions.put(Severity.HIGH, Action.ALERT);
        actions.put(Severity.CRITICAL, Action.ALERT);
        return actions;
    }

    public DriftPolicy {
        tiers = List.copyOf(tiers);
        actions = actions.isEmpty() ? Map.of() : new EnumMap<>(actions);
    }

    /** The severity of a drift, both in the asset's minor units of {@code scale} decimals. */
    public Severity severity(long drift, long outside, int scale) {
        if (drift == 0) {
            return Severity.NONE;
        }
        BigInteger absolute = BigInteger.valueOf(drift).abs();
        for (Tier tier : tiers) {
            if (tier.maxAbs() != null) {
                BigInteger bound = tier.maxAbs()
                        .movePointRight(scale)
                        .setScale(0, RoundingMode.DOWN)
                        .toBigIntegerExact();
                if (absolute.compareTo(bound) <= 0) {
                    return tier.severity();
                }
            } else if (outside != 0) {
                BigDecimal ratio = new BigDecimal(absolute)
                        .divide(new BigDecimal(BigInteger.valueOf(outside).abs()), 12, RoundingMode.UP);
                if (ratio.compareTo(tier.maxRatio()) <= 0) {
                    return tier.severity();
                }
            }
        }
        return above;
    }

    public Action action(Severity severity) {
        return actions.getOrDefault(severity, Action.NONE);
    }
}
