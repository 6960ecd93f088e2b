package dev.pacioli.ledger;

import java.util.List;
import java.util.Map;

/**
 * What {@code verify} checked and what failed.
 *
 * @param checked counts of what was checked, by name: journal records, entries, accounts, assets
 * @param failures one line per failure, at most {@link LedgerVerifier#FAILURES_MAX}
 */
public record VerifyReport(boolean ok, Map<String, Long> checked, List<String> failures) {}
