package dev.pacioli.ledger.testing;

import dev.pacioli.ledger.Account;
import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.AccountStatus;
import dev.pacioli.ledger.Balances;
import dev.pacioli.ledger.LedgerHead;
import dev.pacioli.ledger.LedgerStore;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.NormalBalance;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.Transaction;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.ledger.TransactionStatus;
import dev.pacioli.ledger.engine.EngineConfig;
import dev.pacioli.ledger.engine.LedgerEngine;
import dev.pacioli.ledger.testing.ReferenceLedger.Outcome;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A seeded stream of ledger requests, run against a {@link LedgerEngine} and the {@link ReferenceLedger}
 * side by side, with the ledger's invariants checked after every step.
 *
 * <p>The stream: accounts with random bounds (none, zero, an overdraft, a positive minimum, a maximum)
 * in several assets, credit- and debit-normal; transactions of one to four postings, some pending with
 * or without a timeout; full and partial posts; voids; reversals with and without force; closes;
 * replays of ids with the same and with different fields; atomic and non-atomic batches; dry runs;
 * restarts of the engine; and moves of a test clock so pending transactions expire. A few per cent of
 * requests are meant to fail (unknown or closed accounts, mismatched assets, same account, amounts near
 * {@link Long#MAX_VALUE}) so every result code and its precedence are exercised.
 *
 * <p>A step is one request, or a few submitted without waiting so the writer batches them. The model
 * applies each request first (the generator draws the next request from the model's state), then the
 * engine gets them in the same order. After the step: the engine's answers equal the model's; the
 * stored journal head, every stored account and every transaction the step touched equal the model's;
 * per asset posted debits equal posted credits and pending debits equal pending credits; no component
 * is negative; an account outside its bounds never moved further out (except by a forced reversal
 * below its minimum); each account's pending components equal the sum over its open pending
 * transactions; and a step the model says changed nothing left every stored account byte-identical.
 *
 * <p>Time moves only between steps: the test clock is advanced, the model expires what is due, and a
 * no-op request (an identical account replay) lets the engine do the same at the start of its next
 * batch. The engine is configured to expire far more per batch than can be due.
 *
 * <p>Storage is any {@link LedgerStore}: engine-side state is read through the port alone, so the
 * PostgreSQL module runs this same workload. It needs a fresh ledger, and a way to register assets.
 *
 * <p>A failure names its seed; {@code -Dpacioli.seed=<seed>} replays exactly that one ({@link #seeds}).
 */
public final class RandomWorkload {
    /** The system property that replays one seed. */
    public static final String SEED_PROPERTY = "pacioli.seed";

    public static final List<String> ASSETS = List.of("USD", "EUR", "JPY");

    /** Never registered: accounts in it are refused {@code asset_not_found}. */
    public static final String UNREGISTERED_ASSET = "UNREGISTERED";

    /** Expiries per batch far above what can be due, so every due pending expires in the next batch. */
    public static final EngineConfig ENGINE_CONFIG = new EngineConfig(4_096, 64, 100_000, 1_000_000, 5);

    private static final long ANSWER_TIMEOUT_SECONDS = 30;
    private static final int RECENT_STEPS_MAX = 12;
    private static final int RECENT_IDS = 64;

    /** What a run did: requests sent, engine restarts, expiries, and how often each code was answered. */
    public record Summary(long seed, long requests, long restarts, long expiries, Map<ResultCode, Long> codes) {}

    private final LedgerStore store;
    private final long ledgerId;
    private final String ledgerName;
    private final long seed;
    private final SplittableRandom random;
    private final ManualClock clock = new ManualClock();
    private final ReferenceLedger model;
    private LedgerEngine engine;

    // What the generator draws from, kept in creation order so that a seed replays exactly.
    private final Map<String, List<String>> openedByAsset = new LinkedHashMap<>();
    private final Map<String, List<String>> openByAsset = new LinkedHashMap<>();
    private final Map<String, List<String>> whalesByAsset = new LinkedHashMap<>();
    private final Map<String, String> sourceByAsset = new LinkedHashMap<>();
    private final List<String> accountIds = new ArrayList<>();
    private final List<String> transactionIds = new ArrayList<>();
    private final List<String> openPending = new ArrayList<>();
    private final List<String> refusedIds = new ArrayList<>();
    private final Set<String> refused = new HashSet<>();
    private AccountSpec syncSpec;
    private long lastNumber;

    // What the engine has shown through the store.
    private Map<String, Account> storedAccounts = Map.of();
    private LedgerHead storedHead;
    private final Map<String, Transaction> storedTransactions = new HashMap<>();
    private final Set<String> storedPending = new LinkedHashSet<>();

    private final EnumMap<ResultCode, Long> codes = new EnumMap<>(ResultCode.class);
    private final ArrayDeque<String> recentSteps = new ArrayDeque<>();
    private long requests;
    private long restarts;
    private long expiries;

    /**
     * @param store where the engine keeps the ledger
     * @param ledgerId a ledger with no records yet
     * @param assetRegistrar registers an asset code in {@code store}
     * @param seed the whole run follows from it
     */
    public RandomWorkload(
            LedgerStore store, long ledgerId, String ledgerName, Consumer<String> assetRegistrar, long seed) {
        this.store = store;
        this.ledgerId = ledgerId;
        this.ledgerName = ledgerName;
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        ASSETS.forEach(assetRegistrar);
        storedHead = store.loadHead(ledgerId, ledgerName);
        if (storedHead.sequence() != 0) {
            throw new IllegalArgumentException("the workload needs a ledger with no records: " + ledgerName);
        }
        model = new ReferenceLedger(0, storedHead.timestampMicros());
        ASSETS.forEach(model::addAsset);
    }

    /** The seeds to run: only the one in {@code -Dpacioli.seed} when it is set, else {@code defaults}. */
    public static List<Long> seeds(long... defaults) {
        String replay = System.getProperty(SEED_PROPERTY);
        if (replay != null && !replay.isBlank()) {
            return List.of(Long.parseLong(replay.trim()));
        }
        return Arrays.stream(defaults).boxed().toList();
    }

    /** Sends at least {@code requestCount} requests, checking after every step; throws on the first failure. */
    public Summary run(int requestCount) {
        model.advanceTo(clock.nowMicros());
        try {
            engine = LedgerEngine.start(store, ledgerId, ledgerName, ENGINE_CONFIG, clock);
            openStartingAccounts();
            while (requests < requestCount) {
                step();
            }
            return new Summary(seed, requests, restarts, expiries, Collections.unmodifiableMap(new EnumMap<>(codes)));
        } catch (AssertionError e) {
            throw e;
        } catch (RuntimeException e) {
            throw failure("unexpected " + e, e);
        } finally {
            if (engine != null) {
                engine.close();
            }
        }
    }

    private void step() {
        int roll = random.nextInt(1_000);
        if (roll < 2) {
            restart();
        } else if (roll < 32) {
            advanceClock();
        } else if (roll < 282) {
            runStep(2 + random.nextInt(5), this::nextRequest, model.sequence());
        } else {
            runStep(1, this::nextRequest, model.sequence());
        }
    }

    private void restart() {
        engine.close();
        engine = LedgerEngine.start(store, ledgerId, ledgerName, ENGINE_CONFIG, clock);
        restarts++;
        remember("restart");
        expect(engine.committedSequence() == model.sequence(), "a restarted engine starts at the stored head");
    }

    /** Moves time, sometimes exactly onto the next deadline, then lets the engine expire what is due. */
    private void advanceClock() {
        long sequenceBefore = model.sequence();
        long nextDeadline = model.nextDeadlineMicros();
        if (nextDeadline > clock.nowMicros() && random.nextInt(4) == 0) {
            clock.setMicros(nextDeadline);
        } else {
            clock.advanceMicros(random.nextLong(1, 90_000_000));
        }
        List<String> expired = model.advanceTo(clock.nowMicros());
        openPending.removeAll(expired);
        expiries += expired.size();
        remember("clock +" + (clock.nowMicros() - ManualClock.START_MICROS) + " us, expires " + expired);
        runStep(1, () -> new CreateAccount(syncSpec), sequenceBefore);
    }

    private void openStartingAccounts() {
        List<AccountSpec> specs = new ArrayList<>();
        for (String asset : ASSETS) {
            String code = asset.toLowerCase(Locale.ROOT);
            specs.add(AccountSpec.of("source:" + code, asset, NormalBalance.DEBIT));
            specs.add(AccountSpec.of("whale:" + code + ":credit", asset, NormalBalance.CREDIT));
            specs.add(AccountSpec.of("whale:" + code + ":debit", asset, NormalBalance.DEBIT));
            specs.add(new AccountSpec(
                    "whale:" + code + ":floor", asset, NormalBalance.CREDIT, Long.MIN_VALUE, null, Metadata.EMPTY));
            specs.add(new AccountSpec(
                    "whale:" + code + ":ceiling",
                    asset,
                    NormalBalance.DEBIT,
                    null,
                    Long.MAX_VALUE - 1_000,
                    Metadata.EMPTY));
            for (int i = 0; i < 4; i++) {
                specs.add(randomAccountSpec(code + ":" + ++lastNumber, asset));
            }
        }
        syncSpec = specs.get(0);
        for (AccountSpec spec : specs) {
            runStep(1, () -> new CreateAccount(spec), model.sequence());
            if (spec.id().startsWith("source:")) {
                sourceByAsset.put(spec.asset(), spec.id());
            } else if (spec.id().startsWith("whale:")) {
                whalesByAsset
                        .computeIfAbsent(spec.asset(), asset -> new ArrayList<>())
                        .add(spec.id());
            }
        }
    }

    // ---- one step: the model, then the engine, then the checks

    private void runStep(int size, Supplier<Request> next, long sequenceBefore) {
        List<Request> step = new ArrayList<>(size);
        List<List<Answer>> expected = new ArrayList<>(size);
        Set<String> forcedAccounts = new LinkedHashSet<>();
        for (int i = 0; i < size; i++) {
            Request request = next.get();
            List<Answer> answers = request.applyTo(model);
            learn(request, answers);
            step.add(request);
            expected.add(answers);
            if (request instanceof Reverse reverse
                    && reverse.force()
                    && answers.get(0).code() == ResultCode.CREATED) {
                for (Posting posting : answers.get(0).transaction().spec().postings()) {
                    forcedAccounts.add(posting.from());
                    forcedAccounts.add(posting.to());
                }
            }
        }
        List<CompletableFuture<List<Answer>>> futures = new ArrayList<>(size);
        for (Request request : step) {
            futures.add(request.submitTo(engine));
            requests++;
        }
        for (int i = 0; i < size; i++) {
            List<Answer> actual = await(futures.get(i), step.get(i));
            actual.forEach(answer -> codes.merge(answer.code(), 1L, Long::sum));
            remember(step.get(i) + " -> " + actual.stream().map(Answer::code).toList());
            compareAnswers(step.get(i), expected.get(i), actual);
        }
        checkStore(step, sequenceBefore == model.sequence(), forcedAccounts);
    }

    private List<Answer> await(CompletableFuture<List<Answer>> future, Request request) {
        try {
            return future.get(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw failure("no answer within " + ANSWER_TIMEOUT_SECONDS + " s to " + request, e);
        } catch (ExecutionException e) {
            throw failure("the engine failed " + request, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted", e);
        }
    }

    /** Updates what the generator draws from, by the model's answers. */
    private void learn(Request request, List<Answer> answers) {
        switch (request) {
            case CreateAccount create -> {
                if (!accountIds.contains(create.spec().id())) {
                    accountIds.add(create.spec().id());
                }
                if (answers.get(0).code() == ResultCode.CREATED) {
                    openedByAsset
                            .computeIfAbsent(create.spec().asset(), asset -> new ArrayList<>())
                            .add(create.spec().id());
                    openByAsset
                            .computeIfAbsent(create.spec().asset(), asset -> new ArrayList<>())
                            .add(create.spec().id());
                }
            }
            case CreateTransactions create -> {
                for (int i = 0; i < answers.size(); i++) {
                    TransactionSpec spec = create.specs().get(i);
                    if (!create.dryRun() && answers.get(i).code() == ResultCode.CREATED) {
                        transactionIds.add(spec.id());
                        if (refused.remove(spec.id())) {
                            refusedIds.remove(spec.id());
                        }
                        if (spec.pending()) {
                            openPending.add(spec.id());
                        }
                    } else if (model.transaction(spec.id()) == null && refused.add(spec.id())) {
                        refusedIds.add(spec.id());
                    }
                }
            }
            case Post post -> {
                if (answers.get(0).code() == ResultCode.OK || answers.get(0).code() == ResultCode.PENDING_EXPIRED) {
                    openPending.remove(post.transactionId());
                }
            }
            case VoidPending voidPending -> {
                if (answers.get(0).code() == ResultCode.OK || answers.get(0).code() == ResultCode.PENDING_EXPIRED) {
                    openPending.remove(voidPending.transactionId());
                }
            }
            case Reverse reverse -> {
                if (answers.get(0).code() == ResultCode.CREATED) {
                    transactionIds.add(reverse.reversalId());
                }
            }
            case CloseAccount close -> {
                Account closed = answers.get(0).account();
                if (closed != null && closed.status() == AccountStatus.CLOSED) {
                    openByAsset.get(closed.asset()).remove(closed.id());
                }
            }
        }
    }

    // ---- what to send next

    private Request nextRequest() {
        int roll = random.nextInt(1_000);
        if (roll < 12) {
            return createAccountRequest();
        }
        if (roll < 17) {
            return closeAccountRequest();
        }
        if (roll < 450) {
            return new CreateTransactions(List.of(newTransaction(newId("tx"))), false, random.nextInt(20) == 0);
        }
        if (roll < 540) {
            return new CreateTransactions(List.of(replayOrConflict()), false, false);
        }
        if (roll < 660) {
            return batchRequest();
        }
        if (roll < 800) {
            String id = resolveTarget();
            return new Post(id, random.nextInt(100) < 35 ? partialAmount(id) : null);
        }
        if (roll < 880) {
            return new VoidPending(resolveTarget());
        }
        return reverseRequest();
    }

    private Request createAccountRequest() {
        int roll = random.nextInt(100);
        if (roll < 10 && !accountIds.isEmpty()) {
            Account existing = model.account(pick(accountIds));
            if (existing != null) {
                AccountSpec spec = existing.spec();
                return new CreateAccount(
                        roll < 5
                                ? spec
                                : new AccountSpec(
                                        spec.id(),
                                        spec.asset(),
                                        spec.normalBalance(),
                                        spec.minBalance(),
                                        spec.maxBalance(),
                                        Metadata.of("changed", "yes")));
            }
        }
        String asset = roll < 15 ? UNREGISTERED_ASSET : pick(ASSETS);
        return new CreateAccount(randomAccountSpec(asset.toLowerCase(Locale.ROOT) + ":" + ++lastNumber, asset));
    }

    private AccountSpec randomAccountSpec(String id, String asset) {
        NormalBalance normal = random.nextBoolean() ? NormalBalance.CREDIT : NormalBalance.DEBIT;
        int minRoll = random.nextInt(100);
        Long min = minRoll < 35
                ? null
                : minRoll < 75 ? 0L : minRoll < 93 ? -random.nextLong(1, 5_000) : random.nextLong(1, 300);
        int maxRoll = random.nextInt(100);
        Long max = maxRoll < 70 ? null : maxRoll < 95 ? random.nextLong(1_000, 1_000_000) : random.nextLong(-100, 100);
        if (min != null && max != null && min > max) {
            max = null;
        }
        Metadata metadata = random.nextBoolean() ? Metadata.EMPTY : Metadata.of("owner", Long.toString(lastNumber));
        return new AccountSpec(id, asset, normal, min, max, metadata);
    }

    private Request closeAccountRequest() {
        int roll = random.nextInt(100);
        if (roll < 30) {
            List<String> empty = new ArrayList<>();
            model.accounts().forEach((id, account) -> {
                if (account.status() == AccountStatus.OPEN && account.balances().isZero()) {
                    empty.add(id);
                }
            });
            if (!empty.isEmpty()) {
                return new CloseAccount(pick(empty));
            }
        }
        if (roll < 90) {
            return new CloseAccount(pick(openedByAsset.get(pick(ASSETS))));
        }
        return new CloseAccount(random.nextBoolean() ? pick(accountIds) : "ghost:" + random.nextInt(3));
    }

    private TransactionSpec newTransaction(String id) {
        int roll = random.nextInt(100);
        int count = roll < 60 ? 1 : roll < 85 ? 2 : roll < 95 ? 3 : 4;
        boolean huge = random.nextInt(40) == 0;
        List<Posting> postings = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            postings.add(huge ? hugePosting() : posting());
        }
        boolean pending = random.nextInt(100) < 25;
        Long timeoutSeconds = pending && random.nextInt(100) < 60 ? random.nextLong(1, 121) : null;
        Metadata metadata = random.nextInt(100) < 70 ? Metadata.EMPTY : Metadata.of("order", "o" + random.nextInt(50));
        String description = random.nextInt(100) < 75 ? null : "note " + random.nextInt(50);
        return new TransactionSpec(id, postings, pending, timeoutSeconds, metadata, description);
    }

    private Posting posting() {
        String asset = pick(ASSETS);
        String from = random.nextInt(4) == 0 ? sourceByAsset.get(asset) : pickAccount(asset);
        String to = random.nextInt(40) == 0 ? from : pickAccount(asset);
        String postingAsset = random.nextInt(100) < 3 ? pick(ASSETS) : asset;
        return new Posting(from, to, amount(), postingAsset);
    }

    /** Near {@link Long#MAX_VALUE}, mostly between whales: overflow, and bounds at the extremes. */
    private Posting hugePosting() {
        String asset = pick(ASSETS);
        List<String> whales = whalesByAsset.get(asset);
        String from = random.nextInt(5) == 0 ? pickAccount(asset) : pick(whales);
        String to = random.nextInt(5) == 0 ? pickAccount(asset) : pick(whales);
        if (from.equals(to)) {
            to = pick(whales);
        }
        return new Posting(from, to, random.nextLong(Long.MAX_VALUE / 8, Long.MAX_VALUE) + 1, asset);
    }

    private long amount() {
        int roll = random.nextInt(100);
        return roll < 55
                ? random.nextLong(1, 501)
                : roll < 80
                        ? random.nextLong(1, 10_001)
                        : roll < 94 ? random.nextLong(1, 1_000_001) : random.nextLong(1, 1_000_000_000_001L);
    }

    private String pickAccount(String asset) {
        int roll = random.nextInt(100);
        if (roll < 3) {
            return random.nextBoolean() ? pick(accountIds) : "ghost:" + random.nextInt(3);
        }
        if (roll < 6) {
            return pick(accountIds);
        }
        List<String> open = openByAsset.get(asset);
        return roll < 12 || open.isEmpty() ? pick(openedByAsset.get(asset)) : pick(open);
    }

    /** An id used before: the same spec again, or one with one field changed; or a refused id tried anew. */
    private TransactionSpec replayOrConflict() {
        int roll = random.nextInt(100);
        if (roll < 15 && !refusedIds.isEmpty()) {
            return newTransaction(pick(refusedIds));
        }
        if (transactionIds.isEmpty()) {
            return newTransaction(newId("tx"));
        }
        TransactionSpec original = model.transaction(pickRecent(transactionIds)).spec();
        return roll < 60 ? original : changeOneField(original);
    }

    private TransactionSpec changeOneField(TransactionSpec spec) {
        List<Posting> postings = new ArrayList<>(spec.postings());
        Posting first = postings.get(0);
        boolean pending = spec.pending();
        Long timeoutSeconds = spec.timeoutSeconds();
        Metadata metadata = spec.metadata();
        String description = spec.description();
        switch (random.nextInt(9)) {
            case 0 ->
                postings.set(0, new Posting(otherAccount(first.from()), first.to(), first.amount(), first.asset()));
            case 1 ->
                postings.set(0, new Posting(first.from(), otherAccount(first.to()), first.amount(), first.asset()));
            case 2 -> {
                long amount = first.amount() == Long.MAX_VALUE ? first.amount() - 1 : first.amount() + 1;
                postings.set(0, new Posting(first.from(), first.to(), amount, first.asset()));
            }
            case 3 -> {
                String asset = ASSETS.get((ASSETS.indexOf(first.asset()) + 1) % ASSETS.size());
                postings.set(0, new Posting(first.from(), first.to(), first.amount(), asset));
            }
            case 4 -> {
                if (postings.size() > 1) {
                    postings.remove(postings.size() - 1);
                } else {
                    postings.add(posting());
                }
            }
            case 5 -> {
                pending = !pending;
                timeoutSeconds = null;
            }
            case 6 -> {
                pending = true;
                timeoutSeconds = timeoutSeconds == null ? Long.valueOf(30) : Long.valueOf(timeoutSeconds + 1);
            }
            case 7 -> metadata = Metadata.of("changed", "yes");
            default -> description = description == null ? "changed" : description + "!";
        }
        return new TransactionSpec(spec.id(), postings, pending, timeoutSeconds, metadata, description);
    }

    private String otherAccount(String id) {
        String other = pick(accountIds);
        return other.equals(id) ? "ghost:changed" : other;
    }

    private Request batchRequest() {
        int size = 2 + random.nextInt(random.nextInt(7) + 1);
        List<TransactionSpec> specs = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            int roll = random.nextInt(100);
            if (roll < 10 && !specs.isEmpty()) {
                specs.add(pick(specs));
            } else if (roll < 18 && !specs.isEmpty()) {
                specs.add(changeOneField(pick(specs)));
            } else if (roll < 35) {
                specs.add(replayOrConflict());
            } else {
                specs.add(newTransaction(newId("tx")));
            }
        }
        return new CreateTransactions(specs, random.nextInt(100) < 45, random.nextInt(100) < 15);
    }

    private String resolveTarget() {
        int roll = random.nextInt(100);
        if (roll < 75 && !openPending.isEmpty()) {
            return pick(openPending);
        }
        if (roll < 90 && !transactionIds.isEmpty()) {
            return pickRecent(transactionIds);
        }
        return refusedIds.isEmpty() || random.nextBoolean() ? "missing:" + random.nextInt(5) : pick(refusedIds);
    }

    /** Usually at most the pending amount, sometimes one more. */
    private long partialAmount(String id) {
        Transaction transaction = model.transaction(id);
        long pending = transaction == null
                ? 1_000
                : transaction.spec().postings().get(0).amount();
        if (random.nextInt(10) == 0 && pending < Long.MAX_VALUE) {
            return pending + 1;
        }
        return random.nextLong(1, pending == Long.MAX_VALUE ? pending : pending + 1);
    }

    private Request reverseRequest() {
        int roll = random.nextInt(100);
        String originalId;
        if (roll < 75 && !transactionIds.isEmpty()) {
            originalId = pickRecent(transactionIds);
        } else if (roll < 85 && !openPending.isEmpty()) {
            originalId = pick(openPending);
        } else if (roll < 95 && !transactionIds.isEmpty()) {
            originalId = pick(transactionIds);
        } else {
            originalId = "missing:" + random.nextInt(5);
        }
        Metadata metadata = random.nextInt(100) < 70 ? Metadata.EMPTY : Metadata.of("reason", "r" + random.nextInt(5));
        String description = random.nextInt(100) < 70 ? null : "reversal";
        boolean force = random.nextInt(100) < 30;
        Transaction original = model.transaction(originalId);
        int idRoll = random.nextInt(100);
        if (idRoll < 12 && original != null && original.reversedBy() != null) {
            TransactionSpec reversal = model.transaction(original.reversedBy()).spec();
            Metadata replayed = idRoll < 8 ? reversal.metadata() : Metadata.of("changed", "yes");
            return new Reverse(originalId, reversal.id(), replayed, reversal.description(), force);
        }
        if (idRoll < 20 && !transactionIds.isEmpty()) {
            return new Reverse(originalId, pick(transactionIds), metadata, description, force);
        }
        return new Reverse(originalId, newId("rev"), metadata, description, force);
    }

    private String newId(String prefix) {
        return prefix + ":" + ++lastNumber;
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private <T> T pickRecent(List<T> values) {
        int recent = Math.min(values.size(), RECENT_IDS);
        return values.get(values.size() - 1 - random.nextInt(recent));
    }

    // ---- the checks

    private void compareAnswers(Request request, List<Answer> expected, List<Answer> actual) {
        expect(
                expected.size() == actual.size(),
                "%s: %d answers, expected %d",
                request,
                actual.size(),
                expected.size());
        for (int i = 0; i < expected.size(); i++) {
            Answer model = expected.get(i);
            Answer engine = actual.get(i);
            expect(
                    model.code() == engine.code(),
                    "%s item %d: the engine answered %s, the model %s",
                    request,
                    i,
                    engine.code(),
                    model.code());
            expect(
                    (model.transaction() == null) == (engine.transaction() == null),
                    "%s item %d: transaction shown by the engine %s, by the model %s",
                    request,
                    i,
                    engine.transaction(),
                    model.transaction());
            if (model.transaction() != null) {
                String differences = differences(model.transaction(), engine.transaction());
                expect(differences.isEmpty(), "%s item %d: answered transaction differs: %s", request, i, differences);
            }
            expect(
                    Objects.equals(model.account(), engine.account()),
                    "%s item %d: the engine showed account %s, the model %s",
                    request,
                    i,
                    engine.account(),
                    model.account());
        }
    }

    private void checkStore(List<Request> step, boolean modelUnchanged, Set<String> forcedAccounts) {
        LedgerHead head = store.loadHead(ledgerId, ledgerName);
        expect(head.sequence() == model.sequence(), "stored head %d, model %d", head.sequence(), model.sequence());
        expect(
                head.timestampMicros() == model.timestampMicros(),
                "stored head time %d, model %d",
                head.timestampMicros(),
                model.timestampMicros());
        expect(
                engine.committedSequence() == model.sequence(),
                "engine committed sequence %d, model %d",
                engine.committedSequence(),
                model.sequence());
        Map<String, Account> accounts = new LinkedHashMap<>();
        store.loadAccounts(ledgerId, accountIds).forEach(account -> accounts.put(account.id(), account));
        compareAccounts(accounts);
        checkConservation(accounts);
        checkBounds(accounts, forcedAccounts);
        if (modelUnchanged) {
            expect(
                    accounts.equals(storedAccounts),
                    "a step that changed nothing changed stored accounts:%n  before %s%n  after  %s",
                    storedAccounts,
                    accounts);
            expect(Arrays.equals(head.hash(), storedHead.hash()), "a step that changed nothing moved the hash chain");
        }
        checkTransactions(step);
        checkPendingTotals(accounts);
        storedAccounts = accounts;
        storedHead = head;
    }

    private void compareAccounts(Map<String, Account> accounts) {
        expect(
                accounts.keySet().equals(model.accounts().keySet()),
                "stored accounts %s, model %s",
                accounts.keySet(),
                model.accounts().keySet());
        model.accounts()
                .forEach((id, expected) -> expect(
                        expected.equals(accounts.get(id)),
                        "account %s stored as %s, model %s",
                        id,
                        accounts.get(id),
                        expected));
    }

    /** Per asset, posted debits equal posted credits and pending debits equal pending credits. */
    private void checkConservation(Map<String, Account> accounts) {
        Map<String, Total[]> totals = new LinkedHashMap<>();
        for (Account account : accounts.values()) {
            Balances b = account.balances();
            expect(
                    b.postedDebits() >= 0
                            && b.postedCredits() >= 0
                            && b.pendingDebits() >= 0
                            && b.pendingCredits() >= 0,
                    "negative component on %s",
                    account);
            Total[] sums = totals.computeIfAbsent(
                    account.asset(), asset -> new Total[] {new Total(), new Total(), new Total(), new Total()});
            sums[0].add(b.postedDebits());
            sums[1].add(b.postedCredits());
            sums[2].add(b.pendingDebits());
            sums[3].add(b.pendingCredits());
        }
        totals.forEach((asset, sums) -> {
            expect(sums[0].equals(sums[1]), "%s posted debits %s != posted credits %s", asset, sums[0], sums[1]);
            expect(sums[2].equals(sums[3]), "%s pending debits %s != pending credits %s", asset, sums[2], sums[3]);
        });
    }

    /** An exact sum of non-negative longs: 128 bits, so a ledger of whales cannot overflow it. */
    private static final class Total {
        private long high;
        private long low;

        void add(long value) {
            long sum = low + value;
            if (Long.compareUnsigned(sum, low) < 0) {
                high++;
            }
            low = sum;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Total total && total.high == high && total.low == low;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(high) * 31 + Long.hashCode(low);
        }

        @Override
        public String toString() {
            return BigInteger.valueOf(high)
                    .shiftLeft(64)
                    .add(new BigInteger(Long.toUnsignedString(low)))
                    .toString();
        }
    }

    /**
     * An account outside its bounds never moved further out during the step: the engine refuses every
     * change that takes available lower while below the minimum, or potential higher while above the
     * maximum. A forced reversal is the one exception, and only for the minimum.
     */
    private void checkBounds(Map<String, Account> accounts, Set<String> forcedAccounts) {
        for (Account account : accounts.values()) {
            NormalBalance normal = account.spec().normalBalance();
            Account before = storedAccounts.get(account.id());
            Balances balancesBefore = before == null ? Balances.ZERO : before.balances();
            long available = account.balances().available(normal);
            long potential = account.balances().potential(normal);
            Long min = account.spec().minBalance();
            expect(
                    min == null
                            || available >= min
                            || available >= balancesBefore.available(normal)
                            || forcedAccounts.contains(account.id()),
                    "%s went further below its minimum: available %d, before %d",
                    account.id(),
                    available,
                    balancesBefore.available(normal));
            Long max = account.spec().maxBalance();
            expect(
                    max == null || potential <= max || potential <= balancesBefore.potential(normal),
                    "%s went further above its maximum: balance plus pending inflows %d, before %d",
                    account.id(),
                    potential,
                    balancesBefore.potential(normal));
        }
    }

    /** Every transaction the step named, and every pending one that may have expired, equals the model's. */
    private void checkTransactions(List<Request> step) {
        Set<String> ids = new LinkedHashSet<>();
        step.forEach(request -> ids.addAll(request.transactionIds()));
        for (String id : storedPending) {
            if (storedTransactions.get(id).expiresAtMicros() != 0) {
                ids.add(id);
            }
        }
        Map<String, Transaction> loaded = new HashMap<>();
        store.loadTransactions(ledgerId, ids).forEach(transaction -> loaded.put(transaction.id(), transaction));
        for (String id : ids) {
            Transaction expected = model.transaction(id);
            Transaction stored = loaded.get(id);
            expect(
                    (expected == null) == (stored == null),
                    "transaction %s stored: %s, in the model: %s",
                    id,
                    stored,
                    expected);
            if (stored != null) {
                String differences = differences(expected, stored);
                expect(differences.isEmpty(), "stored transaction %s differs: %s", id, differences);
                storedTransactions.put(id, stored);
                if (stored.status() == TransactionStatus.PENDING) {
                    storedPending.add(id);
                } else {
                    storedPending.remove(id);
                }
            }
        }
    }

    /** Each account's pending components are the sums over the open pending transactions it is in. */
    private void checkPendingTotals(Map<String, Account> accounts) {
        Map<String, long[]> pending = new HashMap<>();
        for (String id : storedPending) {
            for (Posting posting : storedTransactions.get(id).spec().postings()) {
                long[] from = pending.computeIfAbsent(posting.from(), account -> new long[2]);
                from[0] = Math.addExact(from[0], posting.amount());
                long[] to = pending.computeIfAbsent(posting.to(), account -> new long[2]);
                to[1] = Math.addExact(to[1], posting.amount());
            }
        }
        for (Account account : accounts.values()) {
            long[] sums = pending.getOrDefault(account.id(), new long[2]);
            expect(
                    account.balances().pendingDebits() == sums[0]
                            && account.balances().pendingCredits() == sums[1],
                    "%s pending debits/credits %d/%d, open pending transactions sum to %d/%d",
                    account.id(),
                    account.balances().pendingDebits(),
                    account.balances().pendingCredits(),
                    sums[0],
                    sums[1]);
        }
    }

    /** The fields that differ, or an empty string. The model does not hash; the engine's hash is checked for shape. */
    static String differences(Transaction expected, Transaction actual) {
        List<String> differences = new ArrayList<>();
        compare(differences, "spec", expected.spec(), actual.spec());
        compare(differences, "reverses", expected.reverses(), actual.reverses());
        compare(differences, "status", expected.status(), actual.status());
        compare(differences, "sequence", expected.sequence(), actual.sequence());
        compare(differences, "committedAt", expected.committedAtMicros(), actual.committedAtMicros());
        compare(differences, "expiresAt", expected.expiresAtMicros(), actual.expiresAtMicros());
        compare(differences, "postedAmounts", expected.postedAmounts(), actual.postedAmounts());
        compare(differences, "reversedBy", expected.reversedBy(), actual.reversedBy());
        if (actual.hash() == null || actual.hash().length != 32) {
            differences.add("hash is not 32 bytes");
        }
        return String.join("; ", differences);
    }

    private static void compare(List<String> differences, String field, Object expected, Object actual) {
        if (!Objects.equals(expected, actual)) {
            differences.add(field + " " + actual + " (model " + expected + ")");
        }
    }

    private void expect(boolean condition, String format, Object... arguments) {
        if (!condition) {
            throw failure(String.format(format, arguments), null);
        }
    }

    private void remember(String line) {
        if (recentSteps.size() == RECENT_STEPS_MAX) {
            recentSteps.removeFirst();
        }
        recentSteps.addLast(line);
    }

    private AssertionError failure(String message, Throwable cause) {
        StringBuilder text = new StringBuilder("random workload failed: ")
                .append(message)
                .append("\n  seed ")
                .append(seed)
                .append(", after ")
                .append(requests)
                .append(" requests; replay it alone with -D")
                .append(SEED_PROPERTY)
                .append('=')
                .append(seed)
                .append("\n  last steps:");
        recentSteps.forEach(line -> text.append("\n    ").append(line));
        return new AssertionError(text.toString(), cause);
    }

    // ---- requests, as both sides take them

    /** One answer: its code and the transaction or account it shows. */
    private record Answer(ResultCode code, Transaction transaction, Account account) {
        static Answer of(Outcome outcome) {
            return new Answer(outcome.code(), outcome.transaction(), null);
        }
    }

    private sealed interface Request {
        List<Answer> applyTo(ReferenceLedger model);

        CompletableFuture<List<Answer>> submitTo(LedgerEngine engine);

        /** The transactions this request may create or change. */
        Set<String> transactionIds();
    }

    private record CreateAccount(AccountSpec spec) implements Request {
        public List<Answer> applyTo(ReferenceLedger model) {
            ReferenceLedger.AccountOutcome outcome = model.createAccount(spec);
            return List.of(new Answer(outcome.code(), null, outcome.account()));
        }

        public CompletableFuture<List<Answer>> submitTo(LedgerEngine engine) {
            return engine.createAccount(spec).thenApply(r -> List.of(new Answer(r.code(), null, r.account())));
        }

        public Set<String> transactionIds() {
            return Set.of();
        }
    }

    private record CloseAccount(String accountId) implements Request {
        public List<Answer> applyTo(ReferenceLedger model) {
            ReferenceLedger.AccountOutcome outcome = model.closeAccount(accountId);
            return List.of(new Answer(outcome.code(), null, outcome.account()));
        }

        public CompletableFuture<List<Answer>> submitTo(LedgerEngine engine) {
            return engine.closeAccount(accountId).thenApply(r -> List.of(new Answer(r.code(), null, r.account())));
        }

        public Set<String> transactionIds() {
            return Set.of();
        }
    }

    private record CreateTransactions(List<TransactionSpec> specs, boolean atomic, boolean dryRun) implements Request {
        public List<Answer> applyTo(ReferenceLedger model) {
            return model.createTransactions(specs, atomic, dryRun).stream()
                    .map(Answer::of)
                    .toList();
        }

        public CompletableFuture<List<Answer>> submitTo(LedgerEngine engine) {
            return engine.createTransactions(specs, atomic, dryRun)
                    .thenApply(results -> results.stream()
                            .map(r -> new Answer(r.code(), r.transaction(), null))
                            .toList());
        }

        public Set<String> transactionIds() {
            Set<String> ids = new LinkedHashSet<>();
            specs.forEach(spec -> ids.add(spec.id()));
            return ids;
        }
    }

    private record Post(String transactionId, Long amount) implements Request {
        public List<Answer> applyTo(ReferenceLedger model) {
            return List.of(Answer.of(model.post(transactionId, amount)));
        }

        public CompletableFuture<List<Answer>> submitTo(LedgerEngine engine) {
            return engine.post(transactionId, amount)
                    .thenApply(r -> List.of(new Answer(r.code(), r.transaction(), null)));
        }

        public Set<String> transactionIds() {
            return Set.of(transactionId);
        }
    }

    private record VoidPending(String transactionId) implements Request {
        public List<Answer> applyTo(ReferenceLedger model) {
            return List.of(Answer.of(model.voidPending(transactionId)));
        }

        public CompletableFuture<List<Answer>> submitTo(LedgerEngine engine) {
            return engine.voidPending(transactionId)
                    .thenApply(r -> List.of(new Answer(r.code(), r.transaction(), null)));
        }

        public Set<String> transactionIds() {
            return Set.of(transactionId);
        }
    }

    private record Reverse(String originalId, String reversalId, Metadata metadata, String description, boolean force)
            implements Request {
        public List<Answer> applyTo(ReferenceLedger model) {
            return List.of(Answer.of(model.reverse(originalId, reversalId, metadata, description, force)));
        }

        public CompletableFuture<List<Answer>> submitTo(LedgerEngine engine) {
            return engine.reverse(originalId, reversalId, metadata, description, force)
                    .thenApply(r -> List.of(new Answer(r.code(), r.transaction(), null)));
        }

        public Set<String> transactionIds() {
            return new LinkedHashSet<>(List.of(originalId, reversalId));
        }
    }
}
