package dev.pacioli.ledger;

public enum TransactionStatus {
    PENDING,
    POSTED,
    VOIDED,
    EXPIRED
}
