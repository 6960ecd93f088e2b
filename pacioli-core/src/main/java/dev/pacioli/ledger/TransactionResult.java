package dev.pacioli.ledger;

/** The answer to a transaction request: the code, and the transaction when there is one to show. */
public record TransactionResult(ResultCode code, Transaction transaction) {
    public static TransactionResult failed(ResultCode code) {
        return new TransactionResult(code, null);
    }
}
