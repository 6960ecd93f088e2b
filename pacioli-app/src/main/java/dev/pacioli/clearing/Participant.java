package dev.pacioli.clearing;

import java.util.Map;

/**
 * A member of a ledger's clearing (clearing.md, Participants): its prefunded settlement account per
 * asset and, per asset, an explicit net debit cap (absent: the settlement account's available balance
 * caps it at the time of each check).
 */
public record Participant(
        String ledger,
        String id,
        String name,
        String bic,
        Map<String, String> settlementAccounts,
        Map<String, Long> netDebitCaps,
        boolean active) {
    public Participant {
        settlementAccounts = Map.copyOf(settlementAccounts);
        netDebitCaps = Map.copyOf(netDebitCaps);
    }

    public String status() {
        return active ? "active" : "suspended";
    }
}
