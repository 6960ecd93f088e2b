package dev.pacioli.ledger.engine;

import dev.pacioli.ledger.Account;
import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.AccountStatus;
import dev.pacioli.ledger.Balances;
import dev.pacioli.ledger.NormalBalance;

/**
 * An account as the writer holds it: mutable, touched only by the writer thread. Balance components
 * are plain longs so the execute step changes them without allocating.
 */
final class AccountState {
    final AccountSpec spec;
    final long createdAtMicros;
    AccountStatus status;
    long postedDebits;
    long postedCredits;
    long pendingDebits;
    long pendingCredits;
    long version;
    /** The stamp of the last {@link BatchExecutor#write} that gathered this account: it gathers each once. */
    long writeStamp;
    /** The stamp of the batch that changed this account last, while it runs; see {@link #touchIndex}. */
    long touchStamp;
    /** While that batch runs, the account's place among the accounts it changed. */
    int touchIndex;
    /** The limits covering it, as {@link LimitBook} found them in generation {@link #limitsGeneration}. */
    AccountLimits limits;

    long limitsGeneration;

    AccountState(AccountSpec spec, long createdAtMicros) {
        this.spec = spec;
        this.createdAtMicros = createdAtMicros;
        this.status = AccountStatus.OPEN;
    }

    static AccountState of(Account account) {
        AccountState state = new AccountState(account.spec(), account.createdAtMicros());
        state.status = account.status();
        Balances balances = account.balances();
        state.postedDebits = balances.postedDebits();
        state.postedCredits = balances.postedCredits();
        state.pendingDebits = balances.pendingDebits();
        state.pendingCredits = balances.pendingCredits();
        state.version = account.version();
        return state;
    }

    NormalBalance normal() {
        return spec.normalBalance();
    }

    Balances balances() {
        return new Balances(postedDebits, postedCredits, pendingDebits, pendingCredits);
    }

    Account snapshot() {
        return new Account(spec, status, createdAtMicros, balances(), version);
    }

    long balance() {
        return spec.normalBalance() == NormalBalance.CREDIT
                ? postedCredits - postedDebits
                : postedDebits - postedCredits;
    }

    long available() {
        return Math.subtractExact(balance(), normal() == NormalBalance.CREDIT ? pendingDebits : pendingCredits);
    }
}
