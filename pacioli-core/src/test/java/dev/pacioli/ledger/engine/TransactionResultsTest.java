package dev.pacioli.ledger.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.Transaction;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.ledger.TransactionStatus;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The answers of a request as columns, and a transaction's hash held as numbers. */
class TransactionResultsTest {
    private static final byte[] HASH =
            HexFormat.of().parseHex("00112233445566778899aabbccddeeff0123456789abcdeffedcba9876543210");

    @Test
    void answersReadBackInOrderAndAreReplacedInPlace() {
        Transaction first = transaction("t-1", HASH);
        TransactionResults results = new TransactionResults(3);
        results.add(ResultCode.CREATED, first);
        results.add(ResultCode.INSUFFICIENT_FUNDS, null);
        results.add(ResultCode.EXISTS, first);

        assertThat(results).hasSize(3);
        assertThat(results.get(0)).isEqualTo(new TransactionResult(ResultCode.CREATED, first));
        assertThat(results.get(1)).isEqualTo(TransactionResult.failed(ResultCode.INSUFFICIENT_FUNDS));
        assertThat(results.code(2)).isEqualTo(ResultCode.EXISTS);

        results.set(0, ResultCode.LINKED_TRANSACTION_FAILED, null);
        assertThat(results.get(0)).isEqualTo(TransactionResult.failed(ResultCode.LINKED_TRANSACTION_FAILED));
        assertThat(results.get(2).transaction()).isSameAs(first);
    }

    @Test
    void callersCannotChangeTheAnswersOrReadPastThem() {
        TransactionResults results = new TransactionResults(2);
        results.add(ResultCode.CREATED, transaction("t-1", HASH));
        assertThatThrownBy(() -> results.get(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> results.add(TransactionResult.failed(ResultCode.EXISTS)))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> results.remove(0)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aTransactionGivesBackTheHashItWasMadeWith() {
        Transaction whole = transaction("t-1", HASH);
        assertThat(whole.hash()).isEqualTo(HASH).isNotSameAs(whole.hash());

        // From a slice of a larger array, as the writer makes it out of the journal's hash column.
        byte[] column = new byte[3 * HASH.length];
        System.arraycopy(HASH, 0, column, HASH.length, HASH.length);
        Transaction sliced =
                new Transaction(whole.spec(), null, TransactionStatus.POSTED, 7, 7, column, HASH.length, 0, null, null);
        assertThat(sliced.hash()).isEqualTo(HASH);
        assertThat(sliced).isEqualTo(whole);
        assertThat(sliced.withStatus(TransactionStatus.POSTED, null).hash()).isEqualTo(HASH);
        assertThat(sliced.withReversedBy("r-1").hash()).isEqualTo(HASH);
        assertThatThrownBy(() -> new Transaction(
                        whole.spec(), null, TransactionStatus.POSTED, 7, 7, column, 2 * HASH.length + 1, 0, null, null))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    private static Transaction transaction(String id, byte[] hash) {
        TransactionSpec spec = TransactionSpec.posted(id, new Posting("a", "b", 5, "USD"));
        return new Transaction(spec, null, TransactionStatus.POSTED, 7, 7, hash, 0, null, null);
    }
}
