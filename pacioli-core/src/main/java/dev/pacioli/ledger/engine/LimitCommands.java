package dev.pacioli.ledger.engine;

import dev.pacioli.ledger.Account;
import dev.pacioli.ledger.CommitAttachment;
import dev.pacioli.ledger.LedgerStore;
import dev.pacioli.ledger.Limit;
import dev.pacioli.ledger.LimitChange;
import dev.pacioli.ledger.LimitResult;
import dev.pacioli.ledger.LimitUsage;
import dev.pacioli.ledger.LimitUsageResult;
import dev.pacioli.ledger.Limits;
import dev.pacioli.ledger.ResultCode;
import java.util.List;

/**
 * Runs the limit commands on the writer thread, each in a batch of its own with no commit in flight,
 * so memory is exactly what storage holds: a change is committed at once (one database transaction,
 * fenced on the head; the change's audit record and event go with it), then the definitions and their
 * usage are read back from storage, as at start ({@link #load}). A definition so changes between two
 * journal records, in the order the writer took the requests.
 */
final class LimitCommands {
    private static final System.Logger LOG = System.getLogger(LimitCommands.class.getName());

    private LimitCommands() {}

    /** Loads the limits' history and the transactions of the longest window: start, reload, change. */
    static void load(LedgerMemory memory, LedgerStore store) {
        LimitBook book = memory.limits;
        book.rebuild(store.loadLimitHistory(memory.ledgerId));
        if (book.longestWindowMicros() > 0) {
            // No later transaction can be older than the head, so nothing before this can count again.
            long since = memory.timestampMicros - book.longestWindowMicros();
            store.loadTransactionsSince(memory.ledgerId, since, book::add);
        }
    }

    /** Runs the command and answers it; false when storage failed and memory must be rebuilt. */
    static boolean run(Command.LimitCommand command, LedgerMemory memory, LedgerStore store, LedgerClock clock) {
        try {
            switch (command.kind) {
                case PUT -> put(command, memory, store, clock);
                case DELETE -> delete(command, memory, store, clock);
                case USAGE -> command.usage.complete(usage(command, memory, store, clock));
            }
            return true;
        } catch (LedgerStore.StoreException e) {
            LOG.log(System.Logger.Level.WARNING, "a limit command failed in storage: " + e.getMessage());
            command.fail(ResultCode.STORAGE_UNAVAILABLE);
            return false;
        }
    }

    private static void put(Command.LimitCommand command, LedgerMemory memory, LedgerStore store, LedgerClock clock) {
        Limit existing = memory.limits.inForce(command.limitId);
        if (existing != null && existing.spec().equals(command.spec)) {
            command.changed.complete(new LimitResult(ResultCode.EXISTS, existing));
            return;
        }
        if (existing == null && memory.limits.count() >= Limits.LIMITS_PER_LEDGER_MAX) {
            command.changed.complete(new LimitResult(ResultCode.TOO_MANY_LIMITS, null));
            return;
        }
        Limit next = next(command, memory, clock, command.spec);
        commit(command, memory, store, new LimitChange(existing, next));
        command.changed.complete(new LimitResult(existing == null ? ResultCode.CREATED : ResultCode.OK, next));
    }

    private static void delete(
            Command.LimitCommand command, LedgerMemory memory, LedgerStore store, LedgerClock clock) {
        Limit existing = memory.limits.inForce(command.limitId);
        if (existing == null) {
            command.changed.complete(new LimitResult(ResultCode.LIMIT_NOT_FOUND, null));
            return;
        }
        commit(command, memory, store, new LimitChange(existing, next(command, memory, clock, null)));
        command.changed.complete(new LimitResult(ResultCode.OK, existing));
    }

    private static Limit next(
            Command.LimitCommand command, LedgerMemory memory, LedgerClock clock, dev.pacioli.ledger.LimitSpec spec) {
        long version = memory.limits.lastVersion(command.limitId) + 1;
        long at = Math.max(clock.nowMicros(), memory.timestampMicros);
        return new Limit(command.limitId, version, memory.sequence, at, spec);
    }

    /** Stores the change, then rebuilds the limits from storage. A failure leaves memory to be reloaded. */
    private static void commit(
            Command.LimitCommand command, LedgerMemory memory, LedgerStore store, LimitChange change) {
        CommitAttachment attachment = command.rows == null ? null : command.rows.rowsFor(change);
        store.commitLimitChange(memory.ledgerId, change.after(), attachment);
        load(memory, store);
    }

    private static LimitUsageResult usage(
            Command.LimitCommand command, LedgerMemory memory, LedgerStore store, LedgerClock clock) {
        if (memory.limits.inForce(command.limitId) == null) {
            return new LimitUsageResult(ResultCode.LIMIT_NOT_FOUND, null);
        }
        AccountState account = memory.accounts.get(command.accountId);
        if (account == null) {
            List<Account> loaded = store.loadAccounts(memory.ledgerId, List.of(command.accountId));
            if (loaded.isEmpty()) {
                return new LimitUsageResult(ResultCode.ACCOUNT_NOT_FOUND, null);
            }
            account = AccountState.of(loaded.getFirst());
            memory.accounts.put(account.spec.id(), account);
        }
        long asOf = Math.max(clock.nowMicros(), memory.timestampMicros);
        LimitUsage usage = memory.limits.usage(account, command.limitId, asOf, memory.timestampMicros + 1);
        return usage == null
                ? new LimitUsageResult(ResultCode.LIMIT_NOT_APPLICABLE, null)
                : new LimitUsageResult(ResultCode.OK, usage);
    }
}
