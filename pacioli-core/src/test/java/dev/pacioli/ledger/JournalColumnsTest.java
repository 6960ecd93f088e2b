package dev.pacioli.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The journal's columns hold exactly the records the per-record codec makes, chained the same way,
 * however far they grow, however often they are truncated and reused.
 */
class JournalColumnsTest {
    private static final byte[] GENESIS = JournalCodec.genesisHash("columns");
    private final MessageDigest digest = JournalCodec.sha256();

    @Test
    void recordsAreTheCodecsBytesChainedFromTheStartHashAcrossGrowth() {
        JournalColumns journal = new JournalColumns();
        journal.start(GENESIS);
        List<byte[]> expected = appendMixed(journal, 1, 300);

        assertThat(journal.size()).isEqualTo(300);
        byte[] previous = GENESIS;
        for (int i = 0; i < journal.size(); i++) {
            assertThat(journal.canonical(i)).as("canonical %d", i).isEqualTo(expected.get(i));
            byte[] hash = JournalCodec.chain(digest, previous, expected.get(i));
            assertThat(journal.hash(i)).as("hash %d", i).isEqualTo(hash);
            assertThat(journal.sequence(i)).isEqualTo(i + 1);
            assertThat(journal.timestampMicros(i)).isEqualTo(1_000 + i);
            previous = hash;
        }
        assertThat(journal.lastHash()).isEqualTo(previous);
    }

    @Test
    void viewsIntoTheSharedArraysShowEachRecordsBytes() {
        JournalColumns journal = new JournalColumns();
        journal.start(GENESIS);
        appendMixed(journal, 1, 100);

        for (int i = 0; i < journal.size(); i++) {
            int from = journal.canonicalOffset(i);
            byte[] viewed = Arrays.copyOfRange(journal.canonicalBytes(), from, from + journal.canonicalLength(i));
            assertThat(viewed).isEqualTo(journal.canonical(i));
            int hashFrom = journal.hashOffset(i);
            assertThat(Arrays.copyOfRange(journal.hashBytes(), hashFrom, hashFrom + JournalCodec.HASH_BYTES))
                    .isEqualTo(journal.hash(i));
            JournalRecord record = journal.record(i);
            assertThat(record.sequence()).isEqualTo(journal.sequence(i));
            assertThat(record.type()).isEqualTo(journal.type(i));
            assertThat(record.subject()).isEqualTo(journal.subject(i));
            assertThat(record.canonical()).isEqualTo(journal.canonical(i));
            assertThat(record.hash()).isEqualTo(journal.hash(i));
        }
        assertThat(journal.records()).hasSize(100);
    }

    @Test
    void truncatingDropsRecordsAndTheChainContinuesFromTheLastKept() {
        JournalColumns journal = new JournalColumns();
        journal.start(GENESIS);
        appendMixed(journal, 1, 10);
        byte[] keptHash = journal.hash(5);

        journal.truncate(6);
        assertThat(journal.size()).isEqualTo(6);
        assertThat(journal.lastHash()).isEqualTo(keptHash);
        JournalCodec.accountClosed(journal, 7, 5_000, "other");

        byte[] canonical = JournalCodec.accountClosed(7, 5_000, "other");
        assertThat(journal.canonical(6)).isEqualTo(canonical);
        assertThat(journal.hash(6)).isEqualTo(JournalCodec.chain(digest, keptHash, canonical));
        assertThat(journal.subject(6)).isEqualTo("other");
    }

    @Test
    void reusedColumnsHoldTheNextBatchAsFreshOnesWould() {
        JournalColumns reused = new JournalColumns();
        reused.start(GENESIS);
        appendMixed(reused, 1, 500);
        byte[] head = reused.lastHash();

        reused.start(head);
        assertThat(reused.size()).isZero();
        assertThat(reused.lastHash()).isEqualTo(head);
        appendMixed(reused, 501, 20);
        JournalColumns fresh = new JournalColumns();
        fresh.start(head);
        appendMixed(fresh, 501, 20);

        assertThat(reused.records())
                .usingRecursiveFieldByFieldElementComparator()
                .isEqualTo(fresh.records());
    }

    @Test
    void aSequenceThatDoesNotFollowIsABug() {
        JournalColumns journal = new JournalColumns();
        journal.start(GENESIS);
        JournalCodec.accountClosed(journal, 3, 1, "a");

        assertThatThrownBy(() -> JournalCodec.accountClosed(journal, 5, 2, "b"))
                .isInstanceOf(Assert.InvariantViolation.class);
        assertThatThrownBy(() -> journal.canonical(1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    /** Appends {@code count} records of every type from {@code firstSequence}; returns the codec's bytes for each. */
    private static List<byte[]> appendMixed(JournalColumns journal, long firstSequence, int count) {
        List<byte[]> expected = new ArrayList<>();
        AccountSpec account = new AccountSpec("acct", "USD", NormalBalance.CREDIT, 0L, null, Metadata.of("k", "v"));
        for (int i = 0; i < count; i++) {
            long sequence = firstSequence + i;
            long timestamp = 1_000 + sequence - 1;
            String id = "t" + sequence;
            switch (i % 6) {
                case 0 -> {
                    TransactionSpec spec = new TransactionSpec(
                            id,
                            List.of(new Posting("a", "b", 10 + i, "USD"), new Posting("b", "c", 3, "USD")),
                            false,
                            null,
                            Metadata.of("order", "x" + i),
                            i % 12 == 0 ? "d\u00e9j\u00e0 vu" : null);
                    JournalCodec.transactionCreated(journal, sequence, timestamp, spec, null, 0);
                    expected.add(JournalCodec.transactionCreated(sequence, timestamp, spec, null, 0));
                }
                case 1 -> {
                    JournalCodec.accountCreated(journal, sequence, timestamp, account);
                    expected.add(JournalCodec.accountCreated(sequence, timestamp, account));
                }
                case 2 -> {
                    JournalCodec.transactionPosted(journal, sequence, timestamp, id, List.of(5L, 7L));
                    expected.add(JournalCodec.transactionPosted(sequence, timestamp, id, List.of(5L, 7L)));
                }
                case 3 -> {
                    JournalCodec.transactionVoided(journal, sequence, timestamp, id, i % 2 == 0);
                    expected.add(JournalCodec.transactionVoided(sequence, timestamp, id, i % 2 == 0));
                }
                case 4 -> {
                    JournalCodec.transactionReversed(journal, sequence, timestamp, id, "r" + i);
                    expected.add(JournalCodec.transactionReversed(sequence, timestamp, id, "r" + i));
                }
                default -> {
                    JournalCodec.accountClosed(journal, sequence, timestamp, "acct" + i);
                    expected.add(JournalCodec.accountClosed(sequence, timestamp, "acct" + i));
                }
            }
        }
        return expected;
    }
}
