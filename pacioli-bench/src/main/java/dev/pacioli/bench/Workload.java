package dev.pacioli.bench;

import java.util.SplittableRandom;

/**
 * The traffic shapes of the benchmark. Every user account has {@code min_balance: 0}, so every
 * transfer runs the balance check. Amounts are 1..1,000 minor units.
 */
enum Workload {
    UNIFORM("uniform", "debit and credit uniform over the users"),
    ZIPF("zipf", "debit and credit Zipf-skewed (exponent 1) over the users"),
    HOT_SOURCE("hot-source", "90% of transfers debit user 0"),
    HOT_DESTINATION("hot-destination", "90% of transfers credit user 0"),
    HOT_PAIR("hot-pair", "90% of transfers move user 0 -> user 1"),
    PENDING_THEN_POST("pending-post", "uniform; every transfer created pending, then posted"),
    FEE_SPLIT("fee-split", "3 postings: payer -> merchant, merchant -> platform fees, merchant -> network fees");

    private static final double HOT_SHARE = 0.9;
    private static final long AMOUNT_MAX = 1_000;

    final String label;
    final String description;

    Workload(String label, String description) {
        this.label = label;
        this.description = description;
    }

    static Workload of(String label) {
        for (Workload workload : values()) {
            if (workload.label.equals(label)) {
                return workload;
            }
        }
        throw new IllegalArgumentException("no workload " + label);
    }

    /** One generator per thread: it holds its own random stream. */
    Generator generator(AccountIds accounts, Zipf zipf, long seed) {
        return new Generator(this, accounts, zipf, new SplittableRandom(seed));
    }

    static final class Generator {
        private final Workload workload;
        private final AccountIds accounts;
        private final Zipf zipf;
        private final SplittableRandom random;

        Generator(Workload workload, AccountIds accounts, Zipf zipf, SplittableRandom random) {
            this.workload = workload;
            this.accounts = accounts;
            this.zipf = zipf;
            this.random = random;
        }

        Transfer next() {
            long amount = 1 + random.nextLong(AMOUNT_MAX);
            boolean hot = random.nextDouble() < HOT_SHARE;
            return switch (workload) {
                case UNIFORM -> uniformPair(amount, false);
                case PENDING_THEN_POST -> uniformPair(amount, true);
                case ZIPF -> {
                    int from = zipf.next(random);
                    yield Transfer.single(from, other(from, zipf.next(random)), amount, false);
                }
                case HOT_SOURCE ->
                    hot ? Transfer.single(0, other(0, user()), amount, false) : uniformPair(amount, false);
                case HOT_DESTINATION ->
                    hot ? Transfer.single(other(0, user()), 0, amount, false) : uniformPair(amount, false);
                case HOT_PAIR -> hot ? Transfer.single(0, 1, amount, false) : uniformPair(amount, false);
                case FEE_SPLIT -> feeSplit(amount);
            };
        }

        private Transfer uniformPair(long amount, boolean pending) {
            int from = user();
            return Transfer.single(from, other(from, user()), amount, pending);
        }

        /** The payer pays the merchant; the merchant pays 2% + 1 to the platform and 1 to the network. */
        private Transfer feeSplit(long amount) {
            int payer = user();
            int merchant = other(payer, user());
            long platformFee = amount / 50 + 1;
            return new Transfer(
                    new int[] {payer, merchant, merchant},
                    new int[] {merchant, accounts.platformFees, accounts.networkFees},
                    new long[] {amount, platformFee, 1},
                    false);
        }

        private int user() {
            return random.nextInt(accounts.users);
        }

        /** {@code candidate}, or its neighbour when it is {@code taken}: a transfer needs two accounts. */
        private int other(int taken, int candidate) {
            return candidate != taken ? candidate : (candidate + 1) % accounts.users;
        }
    }
}
