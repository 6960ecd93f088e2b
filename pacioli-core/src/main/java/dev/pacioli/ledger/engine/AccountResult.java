package dev.pacioli.ledger.engine;

import dev.pacioli.ledger.Account;
import dev.pacioli.ledger.ResultCode;

/** The answer to an account request: the code, and the account when there is one to show. */
public record AccountResult(ResultCode code, Account account) {}
