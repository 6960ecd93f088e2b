package dev.pacioli.ledger.engine;

import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.Transaction;

/** The answer to a transaction request: the code, and the transaction when there is one to show. */
public record TransactionResult(ResultCode code, Transaction transaction) {
    public static TransactionResult failed(ResultCode code) {
        return new TransactionResult(code, null);
    }
}
