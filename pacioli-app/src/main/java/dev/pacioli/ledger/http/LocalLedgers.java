package dev.pacioli.ledger.http;

import dev.pacioli.ledger.AccountResult;
import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.BalancesAsOf;
import dev.pacioli.ledger.CommitAttachment;
import dev.pacioli.ledger.Entry;
import dev.pacioli.ledger.LedgerLimits;
import dev.pacioli.ledger.LedgerPort;
import dev.pacioli.ledger.Limit;
import dev.pacioli.ledger.LimitResult;
import dev.pacioli.ledger.LimitSpec;
import dev.pacioli.ledger.LimitUsageResult;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.ledger.engine.LedgerEngine;
import dev.pacioli.platform.WriteForwarding;
import dev.pacioli.postgres.LedgerReads;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The ledger port on this service's own writers and its database: what the ledger's routes and every
 * capability move money through. A write goes to the named ledger's single writer; a read goes to the
 * database, where the writer's commits are. The limits' port too: their changes and usage go to the
 * writer, their definitions are read from what the writer last committed.
 */
public final class LocalLedgers implements LedgerPort, LedgerLimits {
    private final Ledgers ledgers;
    private final LedgerReads reads;

    public LocalLedgers(Ledgers ledgers, LedgerReads reads) {
        this.ledgers = ledgers;
        this.reads = reads;
    }

    @Override
    public CompletableFuture<TransactionResult> submit(
            String ledger, TransactionSpec spec, CommitAttachment attachment) {
        return write(
                ledger,
                engine -> engine.createTransaction(spec, attachment),
                TransactionResult.failed(ResultCode.LEDGER_NOT_FOUND));
    }

    @Override
    public CompletableFuture<List<TransactionResult>> submitBatch(
            String ledger, List<TransactionSpec> specs, boolean atomic, boolean dryRun) {
        return write(
                ledger,
                engine -> engine.createTransactions(specs, atomic, dryRun),
                Collections.nCopies(specs.size(), TransactionResult.failed(ResultCode.LEDGER_NOT_FOUND)));
    }

    @Override
    public CompletableFuture<List<TransactionResult>> submitAtomically(
            String ledger, List<TransactionSpec> specs, CommitAttachment attachment) {
        return write(
                ledger,
                engine -> engine.createWith(specs, attachment),
                Collections.nCopies(specs.size(), TransactionResult.failed(ResultCode.LEDGER_NOT_FOUND)));
    }

    @Override
    public CompletableFuture<TransactionResult> post(String ledger, String transactionId, Long amount) {
        return write(
                ledger,
                engine -> engine.post(transactionId, amount),
                TransactionResult.failed(ResultCode.LEDGER_NOT_FOUND));
    }

    @Override
    public CompletableFuture<List<TransactionResult>> postWith(
            String ledger, String transactionId, TransactionSpec followUp) {
        return write(
                ledger,
                engine -> engine.postWith(transactionId, followUp),
                List.of(
                        TransactionResult.failed(ResultCode.LEDGER_NOT_FOUND),
                        TransactionResult.failed(ResultCode.LEDGER_NOT_FOUND)));
    }

    @Override
    public CompletableFuture<TransactionResult> voidPending(String ledger, String transactionId) {
        return write(
                ledger,
                engine -> engine.voidPending(transactionId),
                TransactionResult.failed(ResultCode.LEDGER_NOT_FOUND));
    }

    @Override
    public CompletableFuture<TransactionResult> reverse(String ledger, Reversal reversal) {
        return write(
                ledger,
                engine -> engine.reverse(
                        reversal.originalId(),
                        reversal.reversalId(),
                        reversal.metadata(),
                        reversal.description(),
                        reversal.force(),
                        reversal.attachment()),
                TransactionResult.failed(ResultCode.LEDGER_NOT_FOUND));
    }

    @Override
    public CompletableFuture<AccountResult> openAccount(String ledger, AccountSpec spec) {
        return write(
                ledger, engine -> engine.createAccount(spec), new AccountResult(ResultCode.LEDGER_NOT_FOUND, null));
    }

    @Override
    public CompletableFuture<AccountResult> closeAccount(String ledger, String accountId) {
        return write(
                ledger, engine -> engine.closeAccount(accountId), new AccountResult(ResultCode.LEDGER_NOT_FOUND, null));
    }

    @Override
    public BalancesAsOf balancesAsOf(String ledger, String accountId, long asOfMicros) {
        return ledgerId(ledger)
                .map(id -> reads.balancesAsOf(id, accountId, asOfMicros))
                .orElse(BalancesAsOf.NONE);
    }

    @Override
    public List<Entry> entries(String ledger, String accountId, Long beforeSequence, int limit) {
        return ledgerId(ledger)
                .map(id -> reads.entries(id, accountId, beforeSequence, limit).items())
                .orElse(List.of());
    }

    @Override
    public CompletableFuture<LimitResult> putLimit(String ledger, LimitSpec spec, ChangeRows rows) {
        return write(ledger, engine -> engine.putLimit(spec, rows), new LimitResult(ResultCode.LEDGER_NOT_FOUND, null));
    }

    @Override
    public CompletableFuture<LimitResult> deleteLimit(String ledger, String limitId, ChangeRows rows) {
        return write(
                ledger,
                engine -> engine.deleteLimit(limitId, rows),
                new LimitResult(ResultCode.LEDGER_NOT_FOUND, null));
    }

    @Override
    public Optional<Limit> limit(String ledger, String limitId) {
        return limits(ledger).stream()
                .filter(limit -> limit.id().equals(limitId))
                .findFirst();
    }

    @Override
    public List<Limit> limits(String ledger) {
        return ledgers.limits(ledger);
    }

    @Override
    public CompletableFuture<LimitUsageResult> usage(String ledger, String limitId, String accountId) {
        return write(
                ledger,
                engine -> engine.limitUsage(limitId, accountId),
                new LimitUsageResult(ResultCode.LEDGER_NOT_FOUND, null));
    }

    private <T> CompletableFuture<T> write(
            String ledger, Function<LedgerEngine, CompletableFuture<T>> action, T absent) {
        return ledgers.find(ledger)
                .map(running -> {
                    if (!running.writesHere()) {
                        // A job or a capability on an instance that stands by for this ledger: the
                        // request routes forwarded its callers already; a job is retried, and taken by
                        // the instance that writes the ledger.
                        throw WriteForwarding.unavailable("ledger '" + ledger + "' is written by another instance");
                    }
                    return action.apply(running.engine());
                })
                .orElseGet(() -> CompletableFuture.completedFuture(absent));
    }

    private Optional<Long> ledgerId(String ledger) {
        return ledgers.find(ledger).map(running -> running.ledger().id());
    }
}
