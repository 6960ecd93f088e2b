package dev.pacioli.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Entries and accounts as columns: what goes in comes out, past growth, truncation and reuse, with
 * entries naming accounts through their dictionary and transactions through the batch's journal.
 */
class EntryAndAccountColumnsTest {
    @Test
    void entriesComeOutAsTheyWentInPastGrowthNamingTheirRecordsTransactions() {
        JournalColumns journal = journalOfTransactions(1_000);
        EntryColumns entries = new EntryColumns(journal);
        for (int i = 0; i < 1_000; i++) {
            addEntry(entries, i);
        }

        assertThat(entries.size()).isEqualTo(1_000);
        assertThat(entries.accountCount()).isEqualTo(1_000);
        for (int i = 0; i < 1_000; i++) {
            assertThat(entries.entry(i)).isEqualTo(expectedEntry(i));
            assertThat(entries.accountId(i)).isEqualTo("a" + i);
            assertThat(entries.transactionId(i)).isEqualTo("t" + i);
            assertThat(entries.balanceAfter(i)).isEqualTo(6L * i);
        }
        assertThat(entries.entries()).hasSize(1_000).element(999).isEqualTo(expectedEntry(999));
    }

    @Test
    void accountsAreRegisteredOnceAndNamedByIndex() {
        JournalColumns journal = journalOfTransactions(3);
        EntryColumns entries = new EntryColumns(journal);
        int alice = entries.addAccount("alice");
        int bank = entries.addAccount("bank");
        entries.add(alice, 1, EntryKind.POSTED, 5, 0, 5, 0, 0, 0, -5, -5, 1);
        entries.add(bank, 1, EntryKind.POSTED, 0, 5, 0, 5, 0, 0, 5, 5, 1);
        entries.add(alice, 3, EntryKind.PENDING, 0, 2, 5, 0, 0, 2, -5, -5, 3);

        assertThat(entries.accountId(0)).isEqualTo("alice");
        assertThat(entries.accountId(1)).isEqualTo("bank");
        assertThat(entries.accountId(2)).isEqualTo("alice");
        assertThat(entries.transactionId(2)).isEqualTo("t2");
        assertThat(entries.kind(2)).isEqualTo(EntryKind.PENDING);
        assertThatThrownBy(() -> entries.add(7, 1, EntryKind.POSTED, 0, 0, 0, 0, 0, 0, 0, 0, 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void truncatedAndClearedEntriesAreGoneAndTheColumnsTakeNewOnes() {
        JournalColumns journal = journalOfTransactions(600);
        EntryColumns entries = new EntryColumns(journal);
        for (int i = 0; i < 100; i++) {
            addEntry(entries, i);
        }

        entries.truncate(40, 40);
        assertThat(entries.size()).isEqualTo(40);
        assertThat(entries.accountCount()).isEqualTo(40);
        assertThatThrownBy(() -> entries.entry(40)).isInstanceOf(IndexOutOfBoundsException.class);
        addEntry(entries, 500);
        assertThat(entries.entry(40)).isEqualTo(expectedEntry(500));

        entries.clear();
        assertThat(entries.isEmpty()).isTrue();
        assertThat(entries.accountCount()).isZero();
        addEntry(entries, 7);
        assertThat(entries.entries()).containsExactly(expectedEntry(7));
    }

    @Test
    void accountsAreAListOfValuesBuiltFromTheColumns() {
        AccountColumns accounts = new AccountColumns();
        for (int i = 0; i < 200; i++) {
            AccountSpec spec = AccountSpec.of("acct" + i, "USD", NormalBalance.CREDIT);
            accounts.add(spec, AccountStatus.OPEN, 10 + i, i, 2L * i, 3, 4, i + 1);
        }

        assertThat(accounts).hasSize(200);
        Account account = accounts.get(150);
        assertThat(account)
                .isEqualTo(new Account(
                        AccountSpec.of("acct150", "USD", NormalBalance.CREDIT),
                        AccountStatus.OPEN,
                        160,
                        new Balances(150, 300, 3, 4),
                        151));
        assertThat(accounts.id(150)).isEqualTo("acct150");
        assertThat(accounts.postedCredits(150)).isEqualTo(300);
        assertThat(accounts.version(150)).isEqualTo(151);
        // A value of its own: the list is read-only, and reusing the columns leaves it as it was.
        assertThatThrownBy(accounts::clear).isInstanceOf(UnsupportedOperationException.class);
        accounts.reset();
        assertThat(accounts).isEmpty();
        accounts.add(AccountSpec.of("other", "EUR", NormalBalance.DEBIT), AccountStatus.CLOSED, 1, 0, 0, 0, 0, 9);
        assertThat(account.id()).isEqualTo("acct150");
        assertThat(accounts).extracting(Account::id).isEqualTo(List.of("other"));
        assertThat(accounts.get(0).status()).isEqualTo(AccountStatus.CLOSED);
    }

    /** Registers account {@code "a" + i} and adds an entry for it at sequence {@code i + 1}. */
    private static void addEntry(EntryColumns entries, int i) {
        entries.add(
                entries.addAccount("a" + i),
                i + 1,
                EntryKind.values()[i % EntryKind.values().length],
                i,
                2L * i,
                3L * i,
                4L * i,
                5L * i,
                6L * i + 1,
                6L * i,
                7L * i,
                8L * i);
    }

    /** Records at sequences 1 to {@code count}, the one at {@code i + 1} about transaction {@code "t" + i}. */
    private static JournalColumns journalOfTransactions(int count) {
        JournalColumns journal = new JournalColumns();
        journal.start(JournalCodec.genesisHash("entries"));
        for (int i = 0; i < count; i++) {
            JournalCodec.transactionVoided(journal, i + 1, i + 1, "t" + i, false);
        }
        return journal;
    }

    private static Entry expectedEntry(int i) {
        return new Entry(
                "a" + i,
                i + 1,
                "t" + i,
                EntryKind.values()[i % EntryKind.values().length],
                i,
                2L * i,
                new Balances(3L * i, 4L * i, 5L * i, 6L * i + 1),
                6L * i,
                7L * i,
                8L * i);
    }
}
