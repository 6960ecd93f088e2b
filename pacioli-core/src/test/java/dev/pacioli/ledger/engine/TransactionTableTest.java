package dev.pacioli.ledger.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pacioli.ledger.Assert;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.Transaction;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.ledger.TransactionStatus;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The executor's transaction table answers as a map would, past growth, forgetting and reuse. */
class TransactionTableTest {
    @Test
    void answersAsAHashMapDoesForASeededMixOfPutsAndForgets() {
        long seed = 20261123L;
        Random random = new Random(seed);
        TransactionTable table = new TransactionTable();
        Map<String, Transaction> reference = new HashMap<>();
        for (int step = 0; step < 50_000; step++) {
            String id = "t:" + random.nextInt(20_000);
            Transaction value = random.nextInt(5) == 0 ? null : transaction(id, step);
            assertThat(table.put(id, value)).as("seed %d step %d", seed, step).isEqualTo(put(reference, id, value));
        }
        for (int i = 0; i < 20_000; i++) {
            String id = "t:" + i;
            assertThat(table.get(id)).as("seed %d id %s", seed, id).isEqualTo(reference.get(id));
        }
        assertThat(table.capacity()).isGreaterThanOrEqualTo(2 * table.slotsUsed());
    }

    @Test
    void idsWithEqualHashCodesAreKeptApart() {
        TransactionTable table = new TransactionTable();
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        table.put("Aa", transaction("Aa", 1));
        table.put("BB", transaction("BB", 2));

        assertThat(table.get("Aa").id()).isEqualTo("Aa");
        assertThat(table.get("BB").id()).isEqualTo("BB");
        table.put("Aa", null);
        assertThat(table.get("Aa")).isNull();
        assertThat(table.get("BB").id()).isEqualTo("BB");
    }

    @Test
    void clearEmptiesEverySlotUsedAndKeepsTheGrownArrays() {
        TransactionTable table = new TransactionTable();
        for (int i = 0; i < 10_000; i++) {
            table.put("t:" + i, transaction("t:" + i, i));
        }
        int grown = table.capacity();

        table.clear();
        assertThat(table.slotsUsed()).isZero();
        assertThat(table.capacity()).isEqualTo(grown);
        for (int i = 0; i < 10_000; i++) {
            assertThat(table.get("t:" + i)).isNull();
        }
        table.put("t:5", transaction("t:5", 5));
        assertThat(table.get("t:5").sequence()).isEqualTo(5);
        assertThat(table.slotsUsed()).isEqualTo(1);
    }

    @Test
    void markOnceIsTrueOncePerStampAndOnlyForWhatTheTableHolds() {
        TransactionTable table = new TransactionTable();
        table.put("a", transaction("a", 1));

        assertThat(table.markOnce("a", 1)).isTrue();
        assertThat(table.markOnce("a", 1)).isFalse();
        assertThat(table.markOnce("a", 2)).isTrue();
        assertThatThrownBy(() -> table.markOnce("missing", 3)).isInstanceOf(Assert.InvariantViolation.class);
        table.put("a", null);
        assertThatThrownBy(() -> table.markOnce("a", 4)).isInstanceOf(Assert.InvariantViolation.class);
    }

    private static Transaction put(Map<String, Transaction> map, String id, Transaction value) {
        return value == null ? map.remove(id) : map.put(id, value);
    }

    private static Transaction transaction(String id, long sequence) {
        TransactionSpec spec = TransactionSpec.posted(id, new Posting("a", "b", 1, "USD"));
        return new Transaction(spec, null, TransactionStatus.POSTED, sequence, sequence, new byte[32], 0, null, null);
    }
}
