package dev.pacioli.ledger;

/**
 * Why an account's balances changed. {@code debit} and {@code credit} of an entry are the amounts that
 * moved on this account: onto the posted side for {@link #POSTED} and {@link #POST}, onto the pending
 * side for {@link #PENDING}, and off the pending side for {@link #VOID} and {@link #EXPIRE}.
 */
public enum EntryKind {
    POSTED,
    PENDING,
    POST,
    VOID,
    EXPIRE
}
