package dev.pacioli.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.reconciliation.DriftPolicy.Action;
import dev.pacioli.reconciliation.DriftPolicy.Severity;
import dev.pacioli.reconciliation.DriftPolicy.Tier;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The default tiers at each boundary, both signs, and relative tiers. */
class DriftPolicyTest {
    @Test
    void theDefaultsAtEachBoundary() {
        DriftPolicy policy = DriftPolicy.DEFAULTS;
        long outside = 5_000_000;
        assertThat(policy.severity(0, outside, 2)).isEqualTo(Severity.NONE);
        assertThat(policy.severity(1, outside, 2)).isEqualTo(Severity.LOW); // 0.01
        assertThat(policy.severity(100, outside, 2)).isEqualTo(Severity.LOW); // exactly 1.00
        assertThat(policy.severity(-100, outside, 2)).isEqualTo(Severity.LOW);
        assertThat(policy.severity(101, outside, 2)).isEqualTo(Severity.MEDIUM); // 1.01
        assertThat(policy.severity(10_000, outside, 2)).isEqualTo(Severity.MEDIUM); // exactly 100.00
        assertThat(policy.severity(-10_001, outside, 2)).isEqualTo(Severity.HIGH); // 100.01
        assertThat(policy.severity(100_000, outside, 2)).isEqualTo(Severity.HIGH); // exactly 1,000.00
        assertThat(policy.severity(100_001, outside, 2)).isEqualTo(Severity.CRITICAL); // 1,000.01
        assertThat(policy.severity(Long.MIN_VALUE, outside, 2)).isEqualTo(Severity.CRITICAL);
        // In an asset of no decimals (JPY) the same bounds are 1, 100 and 1,000 units.
        assertThat(policy.severity(1, outside, 0)).isEqualTo(Severity.LOW);
        assertThat(policy.severity(2, outside, 0)).isEqualTo(Severity.MEDIUM);
        assertThat(policy.action(Severity.HIGH)).isEqualTo(Action.ALERT);
        assertThat(policy.action(Severity.CRITICAL)).isEqualTo(Action.ALERT);
        assertThat(policy.action(Severity.MEDIUM)).isEqualTo(Action.NONE);
    }

    @Test
    void relativeTiersCompareTheRatioToTheOutsideBalance() {
        DriftPolicy policy = new DriftPolicy(
                List.of(
                        new Tier(null, new BigDecimal("0.0001"), Severity.LOW),
                        new Tier(null, new BigDecimal("0.01"), Severity.HIGH)),
                Severity.CRITICAL,
                Map.of(Severity.CRITICAL, Action.HOLD_PAYOUTS));
        assertThat(policy.severity(100, 1_000_000, 2)).isEqualTo(Severity.LOW); // exactly 0.0001
        assertThat(policy.severity(101, 1_000_000, 2)).isEqualTo(Severity.HIGH);
        assertThat(policy.severity(10_000, 1_000_000, 2)).isEqualTo(Severity.HIGH); // exactly 0.01
        assertThat(policy.severity(10_001, -1_000_000, 2)).isEqualTo(Severity.CRITICAL);
        assertThat(policy.severity(1, 0, 2)).as("any drift from nothing").isEqualTo(Severity.CRITICAL);
        assertThat(policy.action(Severity.CRITICAL)).isEqualTo(Action.HOLD_PAYOUTS);
    }
}
