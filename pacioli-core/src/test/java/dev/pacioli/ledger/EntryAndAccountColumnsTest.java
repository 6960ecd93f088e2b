package dev.pacioli.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Entries and accounts as columns: what goes in comes out, past growth, truncation and reuse. */
class EntryAndAccountColumnsTest {
    @Test
    void entriesComeOutAsTheyWentInPastGrowth() {
        EntryColumns entries = new EntryColumns();
        for (int i = 0; i < 1_000; i++) {
            addEntry(entries, i);
        }

        assertThat(entries.size()).isEqualTo(1_000);
        for (int i = 0; i < 1_000; i++) {
            assertThat(entries.entry(i)).isEqualTo(expectedEntry(i));
            assertThat(entries.accountId(i)).isEqualTo("a" + i);
            assertThat(entries.balanceAfter(i)).isEqualTo(6L * i);
        }
        assertThat(entries.entries()).hasSize(1_000).element(999).isEqualTo(expectedEntry(999));
    }

    @Test
    void truncatedAndClearedEntriesAreGoneAndTheColumnsTakeNewOnes() {
        EntryColumns entries = new EntryColumns();
        for (int i = 0; i < 100; i++) {
            addEntry(entries, i);
        }

        entries.truncate(40);
        assertThat(entries.size()).isEqualTo(40);
        assertThatThrownBy(() -> entries.entry(40)).isInstanceOf(IndexOutOfBoundsException.class);
        addEntry(entries, 500);
        assertThat(entries.entry(40)).isEqualTo(expectedEntry(500));

        entries.clear();
        assertThat(entries.isEmpty()).isTrue();
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

    private static void addEntry(EntryColumns entries, int i) {
        entries.add(
                "a" + i,
                i,
                "t" + i,
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

    private static Entry expectedEntry(int i) {
        return new Entry(
                "a" + i,
                i,
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
