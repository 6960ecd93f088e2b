package dev.pacioli.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pacioli.reconciliation.BalanceComparison.LedgerBalance;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A legacy CSV with missing, extra and differing accounts against the ledger's balances. */
class BalanceComparisonTest {
    @Test
    void theReportCountsAndSumsWhatDisagrees() {
        String csv = "account,balance,asset\n"
                + "users:1,10000,USD\n" // agrees
                + "users:2,5001,USD\n" // within the tolerance of 1
                + "users:3,7000,USD\n" // differs by 500
                + "users:4,300,USD\n" // missing in the ledger
                + "users:5,100,EUR\n" // differs by -2,100
                + "users:6,0,EUR\n"; // asset differs
        List<LedgerBalance> ledger = List.of(
                new LedgerBalance("users:1", "USD", 10_000),
                new LedgerBalance("users:2", "USD", 5_000),
                new LedgerBalance("users:3", "USD", 7_500),
                new LedgerBalance("users:5", "EUR", -2_000),
                new LedgerBalance("users:6", "USD", 0),
                new LedgerBalance("users:7", "USD", 900), // missing in the legacy file
                new LedgerBalance("users:8", "USD", 0)); // empty: a legacy export leaves it out
        Map<String, Object> report =
                BalanceComparison.compare(BalanceComparison.read(csv.getBytes(StandardCharsets.UTF_8)), ledger, 1);
        assertThat(report.get("legacy_accounts")).isEqualTo(6);
        assertThat(report.get("missing_in_ledger")).isEqualTo(1);
        assertThat(report.get("missing_in_legacy")).isEqualTo(1);
        assertThat(report.get("differing")).isEqualTo(3);
        assertThat(report.get("exception_count")).isEqualTo(5);
        // |500| + |-300| + |-2,100| + |0| + |900|
        assertThat(report.get("sum_abs_difference")).isEqualTo("3800");
        assertThat(report.get("largest_abs_difference")).isEqualTo("2100");
        assertThat(report.get("per_asset"))
                .isEqualTo(Map.of(
                        "EUR",
                        Map.of("ledger_total", "-2000", "legacy_total", "100", "difference", "-2100"),
                        "USD",
                        Map.of("ledger_total", "23400", "legacy_total", "22001", "difference", "1399")));
        assertThat(BalanceComparison.csv(report))
                .startsWith("account,asset,ledger_balance,legacy_balance,difference,status\r\n")
                .contains("users:3,USD,7500,7000,500,differs", "users:4,USD,,300,-300,missing_in_ledger");
    }

    @Test
    void aBadFileIsRefusedWithItsLine() {
        assertThatThrownBy(() -> BalanceComparison.read("acct,bal\n".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("line 1");
        assertThatThrownBy(
                        () -> BalanceComparison.read("account,balance\nusers:1,1.5\n".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("line 2");
        assertThatThrownBy(() -> BalanceComparison.read(
                        "account,balance\nusers:1,1\nusers:1,2\n".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("line 3");
    }
}
