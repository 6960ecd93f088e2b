package dev.pacioli.clearing;

/** One amount a debtor owes a creditor in a window (clearing.md, Obligations and windows). */
public record Obligation(
        long sequence,
        String ledger,
        String id,
        String window,
        long position,
        String debtor,
        String creditor,
        long amount,
        String asset,
        String reference,
        String debtorName,
        String creditorName,
        ObligationStatus status,
        String reason,
        String requestHash,
        long createdAtMicros,
        long updatedAtMicros) {}
