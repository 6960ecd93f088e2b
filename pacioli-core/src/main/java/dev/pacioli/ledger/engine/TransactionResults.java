package dev.pacioli.ledger.engine;

import dev.pacioli.ledger.LimitBreach;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.Transaction;
import dev.pacioli.ledger.TransactionResult;
import java.util.AbstractList;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * The answers to one request's transactions, as two columns: a result code and the transaction to
 * show, per transaction in request order. The writer fills it without making an object per answer; a
 * {@link TransactionResult} is made when the caller reads one ({@link #get}). Read-only to the caller.
 */
final class TransactionResults extends AbstractList<TransactionResult> implements RandomAccess {
    private static final ResultCode[] CODES = ResultCode.values();

    /** Ordinals of {@link ResultCode}, which has fewer than 128 values. */
    private final byte[] codes;

    private final Transaction[] transactions;
    /** The limit each refused transaction would have broken; made only when the array is first needed. */
    private LimitBreach[] breaches;

    private int size;

    TransactionResults(int capacity) {
        codes = new byte[capacity];
        transactions = new Transaction[capacity];
    }

    /** Appends the next transaction's answer; {@code transaction} is null when there is none to show. */
    void add(ResultCode code, Transaction transaction) {
        add(code, transaction, null);
    }

    /** As {@link #add(ResultCode, Transaction)}, with the limit a refusal would have broken, or null. */
    void add(ResultCode code, Transaction transaction, LimitBreach breach) {
        codes[size] = (byte) code.ordinal();
        transactions[size] = transaction;
        if (breach != null || breaches != null) {
            if (breaches == null) {
                breaches = new LimitBreach[codes.length];
            }
            breaches[size] = breach;
        }
        size++;
    }

    /** Forgets every answer: the request is executed again (its first batch was refused by the store). */
    void reset() {
        java.util.Arrays.fill(transactions, 0, size, null);
        breaches = null;
        size = 0;
    }

    /** Replaces the answer at {@code index}. */
    void set(int index, ResultCode code, Transaction transaction) {
        Objects.checkIndex(index, size);
        codes[index] = (byte) code.ordinal();
        transactions[index] = transaction;
        if (breaches != null) {
            breaches[index] = null;
        }
    }

    ResultCode code(int index) {
        Objects.checkIndex(index, size);
        return CODES[codes[index]];
    }

    @Override
    public TransactionResult get(int index) {
        Objects.checkIndex(index, size);
        return new TransactionResult(
                CODES[codes[index]], transactions[index], breaches == null ? null : breaches[index]);
    }

    @Override
    public int size() {
        return size;
    }

    static {
        if (CODES.length > Byte.MAX_VALUE) {
            throw new ExceptionInInitializerError("ResultCode has more values than a byte holds");
        }
    }
}
