package dev.pacioli.ledger;

/**
 * The answer to a transaction request: the code, the transaction when there is one to show, and for
 * {@link ResultCode#LIMIT_EXCEEDED} the limit it would have broken (null otherwise).
 */
public record TransactionResult(ResultCode code, Transaction transaction, LimitBreach breach) {
    public TransactionResult(ResultCode code, Transaction transaction) {
        this(code, transaction, null);
    }

    public static TransactionResult failed(ResultCode code) {
        return new TransactionResult(code, null);
    }
}
