package dev.pacioli.ledger.engine;

import static dev.pacioli.ledger.engine.LedgerHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.ledger.LimitDirection;
import dev.pacioli.ledger.LimitSpec;
import dev.pacioli.ledger.LimitUsage;
import dev.pacioli.ledger.LimitUsageResult;
import dev.pacioli.ledger.LimitVerifier;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.Transaction;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.TransactionSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The writer's limits against a reference model of rolling windows, on random transfers, holds with
 * and without timeouts, partial and full posts, voids, expiries, changes of limits and restarts, with
 * time moved by the test's clock: every accept and refuse (and the limit named), and every usage asked,
 * must be what the model says. Replay a seed with {@code -Dpacioli.seed=N}.
 */
class LimitsRandomizedTest {
    private static final String[] WALLETS = {"users:1:wallet", "users:2:wallet", "users:3:wallet"};
    private static final int STEPS = 1_500;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void theWriterAgreesWithTheModel(long defaultSeed) {
        long seed = Long.getLong("pacioli.seed", defaultSeed);
        try (LedgerHarness ledger = new LedgerHarness()) {
            new Run(ledger, new Random(seed), seed).run();
        }
    }

    /** One movement as the model keeps it: an account's side of one transaction, at its commit time. */
    private static final class Movement {
        final String account;
        final int side;
        final long at;
        long amount;

        Movement(String account, int side, long at, long amount) {
            this.account = account;
            this.side = side;
            this.at = at;
            this.amount = amount;
        }
    }

    private record Open(TransactionSpec spec, long expiresAt, List<Movement> movements) {}

    private static final class Run {
        final LedgerHarness ledger;
        final Random random;
        final long seed;
        final TreeMap<String, LimitSpec> limits = new TreeMap<>();
        final List<Movement> movements = new ArrayList<>();
        final Map<String, Open> open = new LinkedHashMap<>();
        int next;
        int refused;
        int expired;

        Run(LedgerHarness ledger, Random random, long seed) {
            this.ledger = ledger;
            this.random = random;
            this.seed = seed;
        }

        void run() {
            assertThat(ledger.bank("bank")).isEqualTo(ResultCode.CREATED);
            for (String wallet : WALLETS) {
                assertThat(ledger.openAccount(wallet, null, null)).isEqualTo(ResultCode.CREATED);
            }
            putLimit(spec("a-daily", "users:*:wallet", LimitDirection.DEBIT, null, 60L, 1_000L, 6L));
            putLimit(spec("b-per-tx", "users:1:wallet", LimitDirection.DEBIT, 300L, null, null, null));
            putLimit(spec("c-in", "users:*:wallet", LimitDirection.CREDIT, null, 30L, 1_500L, null));
            for (int step = 0; step < STEPS; step++) {
                settleTime();
                int choice = random.nextInt(100);
                if (choice < 55) {
                    transfer();
                } else if (choice < 70 && !open.isEmpty()) {
                    resolve();
                } else if (choice < 85) {
                    askUsage();
                } else if (choice < 88) {
                    putLimit(spec(
                            "a-daily",
                            "users:*:wallet",
                            LimitDirection.DEBIT,
                            null,
                            20L + random.nextInt(60),
                            500L + random.nextInt(1_000),
                            3L + random.nextInt(6)));
                } else if (choice < 89) {
                    ledger.restart();
                } else {
                    ledger.clock.advanceSeconds(random.nextInt(8));
                }
            }
            ledger.sync();
            LimitVerifier.Result verified = LimitVerifier.verify(
                    ledger.store.limitHistory(ledger.ledgerId),
                    ledger.store.journal(ledger.ledgerId).iterator());
            assertThat(verified.failures()).as("seed %d", seed).isEmpty();
            assertThat(verified.transactionsChecked()).isPositive();
            assertThat(refused).as("refused by a limit").isGreaterThan(STEPS / 20);
            assertThat(next - refused).as("created").isGreaterThan(STEPS / 5);
            assertThat(expired).as("expired").isPositive();
        }

        static LimitSpec spec(
                String id,
                String accounts,
                LimitDirection direction,
                Long perTx,
                Long window,
                Long amount,
                Long count) {
            return new LimitSpec(id, accounts, "USD", direction, perTx, window, amount, count);
        }

        void putLimit(LimitSpec spec) {
            ResultCode code = await(ledger.engine.putLimit(spec, null)).code();
            assertThat(code).isIn(ResultCode.CREATED, ResultCode.OK, ResultCode.EXISTS);
            limits.put(spec.id(), spec);
        }

        /**
         * Moves time a little, lets the writer expire what is due (the model too), and leaves the clock
         * ahead of every timestamp with nothing due: the next transaction commits exactly at {@code now}.
         */
        void settleTime() {
            ledger.clock.advanceMicros(random.nextInt(2_000_000));
            do {
                ledger.sync();
                long now = ledger.clock.nowMicros();
                open.values().removeIf(pending -> {
                    boolean due = pending.expiresAt() != 0 && pending.expiresAt() <= now;
                    if (due) {
                        pending.movements().forEach(movement -> movement.amount = 0);
                        expired++;
                    }
                    return due;
                });
                ledger.clock.advanceMicros(1_000);
            } while (open.values().stream()
                    .anyMatch(pending -> pending.expiresAt() != 0 && pending.expiresAt() <= ledger.clock.nowMicros()));
        }

        void transfer() {
            String id = "t" + next++;
            List<Posting> postings = new ArrayList<>();
            postings.add(posting());
            if (random.nextInt(5) == 0) {
                postings.add(posting());
            }
            boolean pending = random.nextInt(3) == 0;
            Long timeout = pending && random.nextBoolean() ? 1L + random.nextInt(20) : null;
            TransactionSpec spec =
                    new TransactionSpec(id, postings, pending, timeout, dev.pacioli.ledger.Metadata.EMPTY, null);
            long at = ledger.clock.nowMicros();
            Expected expected = expect(spec, at);
            TransactionResult result = ledger.create(spec);
            assertThat(result.code()).as("seed %d, %s", seed, id).isEqualTo(expected.code());
            if (expected.code() == ResultCode.LIMIT_EXCEEDED) {
                assertThat(result.breach().limitId())
                        .as("seed %d, %s", seed, id)
                        .isEqualTo(expected.limitId());
                assertThat(result.breach().remaining())
                        .as("seed %d, %s", seed, id)
                        .isEqualTo(expected.remaining());
                refused++;
                return;
            }
            Transaction transaction = result.transaction();
            assertThat(transaction.committedAtMicros()).isEqualTo(at);
            List<Movement> made = new ArrayList<>();
            sides(spec).forEach((key, amount) -> {
                Movement movement = new Movement(key.substring(2), key.charAt(0) - '0', at, amount);
                movements.add(movement);
                made.add(movement);
            });
            if (pending) {
                open.put(id, new Open(spec, transaction.expiresAtMicros(), made));
            }
        }

        Posting posting() {
            int kind = random.nextInt(3);
            String wallet = WALLETS[random.nextInt(WALLETS.length)];
            String other = WALLETS[random.nextInt(WALLETS.length)];
            long amount = 1 + random.nextInt(400);
            return switch (kind) {
                case 0 -> new Posting(wallet, "bank", amount, "USD");
                case 1 -> new Posting("bank", wallet, amount, "USD");
                default ->
                    wallet.equals(other)
                            ? new Posting(wallet, "bank", amount, "USD")
                            : new Posting(wallet, other, amount, "USD");
            };
        }

        /** Per "side:account" (0 debits, 1 credits), in the order the engine's net effect meets them. */
        static Map<String, Long> sides(TransactionSpec spec) {
            Map<String, Long> sides = new LinkedHashMap<>();
            for (Posting posting : spec.postings()) {
                sides.merge("0:" + posting.from(), posting.amount(), Long::sum);
                sides.merge("1:" + posting.to(), posting.amount(), Long::sum);
            }
            return sides;
        }

        record Expected(ResultCode code, String limitId, long remaining) {}

        Expected expect(TransactionSpec spec, long at) {
            // The engine goes account by account (in order of first appearance), then limit by id.
            Map<String, long[]> byAccount = new LinkedHashMap<>();
            sides(spec)
                    .forEach((key, amount) -> byAccount
                            .computeIfAbsent(key.substring(2), account -> new long[2])[key.charAt(0) - '0'] = amount);
            for (Map.Entry<String, long[]> account : byAccount.entrySet()) {
                for (LimitSpec limit : limits.values()) {
                    int side = limit.direction().code();
                    long amount = account.getValue()[side];
                    if (amount == 0 || !limit.covers(account.getKey())) {
                        continue;
                    }
                    long[] used = used(limit, account.getKey(), at);
                    boolean breaks = (limit.maxAmountPerTransaction() != null
                                    && amount > limit.maxAmountPerTransaction())
                            || (limit.maxAmountPerWindow() != null && used[0] + amount > limit.maxAmountPerWindow())
                            || (limit.maxCountPerWindow() != null && used[1] + 1 > limit.maxCountPerWindow());
                    if (breaks) {
                        return new Expected(ResultCode.LIMIT_EXCEEDED, limit.id(), remaining(limit, used));
                    }
                }
            }
            return new Expected(ResultCode.CREATED, null, 0);
        }

        static long remaining(LimitSpec limit, long[] used) {
            if (limit.maxCountPerWindow() != null && used[1] >= limit.maxCountPerWindow()) {
                return 0;
            }
            long remaining = limit.maxAmountPerTransaction() == null ? Long.MAX_VALUE : limit.maxAmountPerTransaction();
            if (limit.maxAmountPerWindow() != null) {
                remaining = Math.min(remaining, Math.max(0, limit.maxAmountPerWindow() - used[0]));
            }
            return remaining;
        }

        /** The sum and count of the account's movements on the limit's side within its window at {@code at}. */
        long[] used(LimitSpec limit, String account, long at) {
            long[] used = new long[2];
            if (limit.windowSeconds() == null) {
                return used;
            }
            for (Movement movement : movements) {
                if (movement.account.equals(account)
                        && movement.side == limit.direction().code()
                        && movement.at > at - limit.windowSeconds() * 1_000_000L
                        && movement.amount > 0) {
                    used[0] += movement.amount;
                    used[1]++;
                }
            }
            return used;
        }

        void resolve() {
            List<String> ids = new ArrayList<>(open.keySet());
            String id = ids.get(random.nextInt(ids.size()));
            Open pending = open.remove(id);
            int kind = random.nextInt(3);
            if (kind == 0) {
                assertThat(ledger.voidPending(id)).isEqualTo(ResultCode.OK);
                pending.movements().forEach(movement -> movement.amount = 0);
            } else if (kind == 1 || pending.spec().postings().size() > 1) {
                assertThat(ledger.post(id)).isEqualTo(ResultCode.OK);
            } else {
                long amount =
                        1 + random.nextLong(pending.spec().postings().getFirst().amount());
                assertThat(ledger.post(id, amount)).isEqualTo(ResultCode.OK);
                pending.movements().forEach(movement -> movement.amount = amount);
            }
        }

        void askUsage() {
            List<String> ids = new ArrayList<>(limits.keySet());
            LimitSpec limit = limits.get(ids.get(random.nextInt(ids.size())));
            String account = WALLETS[random.nextInt(WALLETS.length)];
            LimitUsageResult result = await(ledger.engine.limitUsage(limit.id(), account));
            if (!limit.covers(account)) {
                assertThat(result.code()).isEqualTo(ResultCode.LIMIT_NOT_APPLICABLE);
                return;
            }
            assertThat(result.code()).isEqualTo(ResultCode.OK);
            LimitUsage usage = result.usage();
            long[] used = used(limit, account, usage.asOfMicros());
            assertThat(new long[] {usage.usedAmount(), usage.usedCount()})
                    .as("seed %d, usage of %s by %s", seed, limit.id(), account)
                    .containsExactly(used);
        }
    }
}
