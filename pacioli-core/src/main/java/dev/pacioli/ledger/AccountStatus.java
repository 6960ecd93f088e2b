package dev.pacioli.ledger;

public enum AccountStatus {
    OPEN,
    CLOSED
}
