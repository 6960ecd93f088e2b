package dev.pacioli.ledger;

/** The answer to an account request: the code, and the account when there is one to show. */
public record AccountResult(ResultCode code, Account account) {}
