package dev.pacioli.ledger.engine;

import dev.pacioli.ledger.AccountResult;
import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.CommitAttachment;
import dev.pacioli.ledger.LedgerLimits;
import dev.pacioli.ledger.LimitResult;
import dev.pacioli.ledger.LimitSpec;
import dev.pacioli.ledger.LimitUsageResult;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.TransactionSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A request queued for the writer. Its answer is computed during execution but only delivered once
 * the batch it ran in has committed.
 */
sealed interface Command {
    /** How much of the writer's batch budget the command uses. */
    int operations();

    /** Answers with a failure that applies to the whole request (overloaded, storage, stopped). */
    void fail(ResultCode code);

    /** Delivers the answer computed during execution. */
    void complete();

    /** The request in a few words, for the log. */
    static String describe(Command command) {
        return switch (command) {
            case CreateAccount create -> "create account " + create.spec.id();
            case CloseAccount close -> "close account " + close.accountId;
            case CreateTransactions create ->
                "create transactions "
                        + create.specs.stream().map(TransactionSpec::id).toList();
            case Resolve resolve -> (resolve.post ? "post " : "void ") + resolve.transactionId;
            case Reverse reverse -> "reverse " + reverse.originalId + " by " + reverse.reversalId;
            case LimitCommand limit -> limit.kind.name().toLowerCase(java.util.Locale.ROOT) + " limit " + limit.limitId;
        };
    }

    /**
     * A rejected batch's commands with each non-atomic request of several transactions split into one
     * request per transaction, so that one bad transfer fails only itself; {@link #answerSplit} gathers
     * the split requests' answers.
     */
    static List<Command> split(List<Command> batch) {
        List<Command> pieces = new ArrayList<>();
        for (Command command : batch) {
            if (command instanceof CreateTransactions create
                    && !create.atomic
                    && !create.dryRun
                    && create.specs.size() > 1) {
                create.specs.forEach(spec -> pieces.add(new CreateTransactions(List.of(spec), false, false)));
            } else {
                pieces.add(command);
            }
        }
        return pieces;
    }

    /** Answers the requests {@link #split} split, from their items' answers, in their order. */
    static void answerSplit(List<Command> batch, List<Command> pieces) {
        int piece = 0;
        for (Command command : batch) {
            if (pieces.get(piece) == command) {
                piece++;
                continue;
            }
            CreateTransactions create = (CreateTransactions) command;
            create.results.reset();
            for (int i = 0; i < create.specs.size(); i++) {
                CreateTransactions item = (CreateTransactions) pieces.get(piece++);
                TransactionResult result = item.future.join().getFirst();
                create.results.add(result.code(), result.transaction());
            }
            create.complete();
        }
    }

    final class CreateAccount implements Command {
        final AccountSpec spec;
        final CompletableFuture<AccountResult> future = new CompletableFuture<>();
        AccountResult result;

        CreateAccount(AccountSpec spec) {
            this.spec = spec;
        }

        public int operations() {
            return 1;
        }

        public void fail(ResultCode code) {
            future.complete(new AccountResult(code, null));
        }

        public void complete() {
            future.complete(result);
        }
    }

    final class CloseAccount implements Command {
        final String accountId;
        final CompletableFuture<AccountResult> future = new CompletableFuture<>();
        AccountResult result;

        CloseAccount(String accountId) {
            this.accountId = accountId;
        }

        public int operations() {
            return 1;
        }

        public void fail(ResultCode code) {
            future.complete(new AccountResult(code, null));
        }

        public void complete() {
            future.complete(result);
        }
    }

    final class CreateTransactions implements Command {
        final List<TransactionSpec> specs;
        final boolean atomic;
        final boolean dryRun;
        /**
         * Committed with the one transaction of {@link #specs} (or the atomic batch), only if this command
         * creates it (its first); null for none.
         */
        final CommitAttachment attachment;

        final CompletableFuture<List<TransactionResult>> future = new CompletableFuture<>();
        final TransactionResults results;

        CreateTransactions(List<TransactionSpec> specs, boolean atomic, boolean dryRun) {
            this(specs, atomic, dryRun, null);
        }

        CreateTransactions(List<TransactionSpec> specs, boolean atomic, boolean dryRun, CommitAttachment attachment) {
            // An attachment goes with one transaction, or with an atomic batch (kept whole or not at all).
            if (attachment != null && ((specs.size() != 1 && !atomic) || dryRun)) {
                throw new IllegalArgumentException("an attachment goes with one transaction, or an atomic batch, kept");
            }
            this.specs = specs;
            this.atomic = atomic;
            this.dryRun = dryRun;
            this.attachment = attachment;
            this.results = new TransactionResults(specs.size());
        }

        public int operations() {
            return specs.size();
        }

        public void fail(ResultCode code) {
            List<TransactionResult> failed = new ArrayList<>(specs.size());
            for (int i = 0; i < specs.size(); i++) {
                failed.add(TransactionResult.failed(code));
            }
            future.complete(failed);
        }

        public void complete() {
            future.complete(results);
        }
    }

    /**
     * Post (with {@code amount} null: in full) or void a pending transaction; a post may carry a {@code
     * followUp}, a transaction created with it atomically (both take effect or neither does): a
     * conversion's reserve posted together with its delivery in another asset.
     */
    final class Resolve implements Command {
        final String transactionId;
        final boolean post;
        final Long amount;
        final TransactionSpec followUp;
        final CompletableFuture<TransactionResult> future = new CompletableFuture<>();
        final CompletableFuture<TransactionResult> followUpFuture = new CompletableFuture<>();
        TransactionResult result;
        TransactionResult followUpResult;

        Resolve(String transactionId, boolean post, Long amount) {
            this(transactionId, post, amount, null);
        }

        Resolve(String transactionId, boolean post, Long amount, TransactionSpec followUp) {
            if (followUp != null && (!post || amount != null)) {
                throw new IllegalArgumentException("a follow-up goes with a post in full");
            }
            this.transactionId = transactionId;
            this.post = post;
            this.amount = amount;
            this.followUp = followUp;
        }

        public int operations() {
            return followUp == null ? 1 : 2;
        }

        /** Names the transactions it reads, and hands the follow-up (when there is one) to {@code accounts}. */
        void prefetch(java.util.Set<String> transactionIds, java.util.function.Consumer<TransactionSpec> accounts) {
            transactionIds.add(transactionId);
            if (followUp != null) {
                transactionIds.add(followUp.id());
                accounts.accept(followUp);
            }
        }

        public void fail(ResultCode code) {
            future.complete(TransactionResult.failed(code));
            followUpFuture.complete(TransactionResult.failed(code));
        }

        public void complete() {
            future.complete(result);
            followUpFuture.complete(followUpResult);
        }
    }

    final class Reverse implements Command {
        final String originalId;
        final String reversalId;
        final Metadata metadata;
        final String description;
        final boolean force;
        /** Committed with the reversal, only if this command creates it; null for none. */
        final CommitAttachment attachment;

        final CompletableFuture<TransactionResult> future = new CompletableFuture<>();
        TransactionResult result;

        Reverse(
                String originalId,
                String reversalId,
                Metadata metadata,
                String description,
                boolean force,
                CommitAttachment attachment) {
            this.originalId = originalId;
            this.reversalId = reversalId;
            this.metadata = metadata;
            this.description = description;
            this.force = force;
            this.attachment = attachment;
        }

        public int operations() {
            return 1;
        }

        public void fail(ResultCode code) {
            future.complete(TransactionResult.failed(code));
        }

        public void complete() {
            future.complete(result);
        }
    }

    /**
     * A change of a limit, or a question about its usage. The writer runs it in a batch of its own with
     * no commit in flight ({@link LimitCommands}), so it is ordered with the transactions around it.
     */
    final class LimitCommand implements Command {
        enum Kind {
            PUT,
            DELETE,
            USAGE
        }

        final Kind kind;
        final String limitId;
        /** PUT: the new definition; null otherwise. */
        final LimitSpec spec;
        /** USAGE: the account asked about; null otherwise. */
        final String accountId;
        /** PUT and DELETE: what to commit with the change; may be null. */
        final LedgerLimits.ChangeRows rows;

        final CompletableFuture<LimitResult> changed = new CompletableFuture<>();
        final CompletableFuture<LimitUsageResult> usage = new CompletableFuture<>();

        LimitCommand(Kind kind, String limitId, LimitSpec spec, String accountId, LedgerLimits.ChangeRows rows) {
            this.kind = kind;
            this.limitId = limitId;
            this.spec = spec;
            this.accountId = accountId;
            this.rows = rows;
        }

        public int operations() {
            return 1;
        }

        public void fail(ResultCode code) {
            changed.complete(new LimitResult(code, null));
            usage.complete(new LimitUsageResult(code, null));
        }

        /** Answered by {@link LimitCommands} as it runs; never through a batch's commit. */
        public void complete() {
            throw new IllegalStateException("a limit command is answered as it runs");
        }
    }
}
