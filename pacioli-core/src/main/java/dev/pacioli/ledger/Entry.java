package dev.pacioli.ledger;

/** One line of an account statement: one account's change at one journal sequence. */
public record Entry(
        String accountId,
        long sequence,
        String transactionId,
        EntryKind kind,
        long debit,
        long credit,
        Balances after,
        long balanceAfter,
        long availableAfter,
        long committedAtMicros) {}
