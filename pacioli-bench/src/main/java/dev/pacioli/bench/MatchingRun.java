package dev.pacioli.bench;

import dev.pacioli.reconciliation.Matcher;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Reconciliation's matching of 100,000 statement lines against 100,000 ledger entries (the contract:
 * under 10 seconds on this machine), in memory, as a run matches once it has read both sides. Prints a
 * section for BENCHMARKS.md.
 *
 * <p>The data is seeded: a month of an account, 95,000 true pairs (a third carrying the bank's id of our
 * transaction, a third a shared reference, the rest only amount and a date up to 2 days apart), 1,000
 * days-with-equal-amounts pairs, 1,000 split payments (one entry, two lines), 1,000 fees netted (two
 * entries, one line), and lines and entries with no partner. Amounts are drawn so that only the noise
 * made on purpose repeats.
 *
 * <pre>java -cp pacioli-bench/target/pacioli-bench.jar dev.pacioli.bench.MatchingRun [PAIRS]</pre>
 */
public final class MatchingRun {
    private static final int PASSES = 5;
    private static final LocalDate DAY = LocalDate.of(2026, 12, 1);

    private final Random random = new Random(20_261_205L);
    private final Set<Long> amounts = new HashSet<>();
    private final List<Matcher.Line> lines = new ArrayList<>();
    private final List<Matcher.Item> items = new ArrayList<>();
    private long sequence;

    public static void main(String[] args) {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 95_000;
        new MatchingRun().run(pairs);
    }

    private void run(int pairs) {
        for (int i = 0; i < pairs; i++) {
            pair();
        }
        for (int i = 0; i < 1_000; i++) {
            equalAmounts();
            split();
            feeNetted();
        }
        while (lines.size() < 100_000) {
            line(amount(), random.nextInt(30), null, null);
        }
        while (items.size() < 100_000) {
            item(amount(), random.nextInt(30), null);
        }
        double[] seconds = new double[PASSES];
        Matcher.Outcome outcome = null;
        for (int pass = -2; pass < PASSES; pass++) {
            long started = System.nanoTime();
            outcome = Matcher.match(lines, items, 2);
            if (pass >= 0) {
                seconds[pass] = (System.nanoTime() - started) / 1e9;
            }
        }
        Arrays.sort(seconds);
        System.out.printf(
                "%,d statement lines against %,d ledger entries, window 2 days, median of %d passes after 2"
                        + " of warm-up (fastest and slowest in brackets): %.2f s (%.2f–%.2f).%n",
                lines.size(), items.size(), PASSES, seconds[PASSES / 2], seconds[0], seconds[PASSES - 1]);
        System.out.printf(
                "Matched %,d (%s), %,d proposals, %,d lines and %,d entries left open.%n",
                outcome.matches().size(),
                outcome.countsPerTier(),
                outcome.proposals().size(),
                outcome.unmatchedLines().size(),
                outcome.unmatchedEntries().size());
        System.out.printf(
                "Target (100,000 against 100,000 in under 10 s): %s.%n", seconds[PASSES / 2] < 10 ? "met" : "NOT met");
    }

    private void pair() {
        long amount = amount();
        int day = random.nextInt(28);
        int kind = random.nextInt(3);
        String reference = kind == 1 ? "REF-" + random.nextInt(1_000_000_000) : null;
        Matcher.Item item = item(amount, day, reference);
        line(amount, day + random.nextInt(3), reference, kind == 0 ? item.transactionId() : null);
    }

    private void equalAmounts() {
        long amount = amount();
        int day = random.nextInt(28);
        item(amount, day, null);
        item(amount, day, null);
        line(amount, day, null, null);
        line(amount, day, null, null);
    }

    private void split() {
        int day = random.nextInt(28);
        String reference = "SPLIT-" + random.nextInt(1_000_000_000);
        long first = amount();
        long second = amount();
        item(first + second, day, reference);
        line(first, day, reference, null);
        line(second, day, reference, null);
    }

    private void feeNetted() {
        int day = random.nextInt(28);
        String reference = "ORDER-" + random.nextInt(1_000_000_000);
        long gross = amount();
        long fee = 100 + random.nextInt(900);
        item(gross, day, reference);
        item(-fee, day, reference);
        line(gross - fee, day, reference, null);
    }

    private long amount() {
        while (true) {
            long amount = (random.nextBoolean() ? 1 : -1) * (1_000 + (long) (random.nextDouble() * 10_000_000_000L));
            if (amounts.add(amount)) {
                return amount;
            }
        }
    }

    private Matcher.Item item(long amount, int day, String reference) {
        sequence += 1 + random.nextInt(3);
        Matcher.Item item =
                new Matcher.Item(sequence, "tx-" + sequence, amount, DAY.plusDays(day), null, null, reference);
        items.add(item);
        return item;
    }

    private void line(long amount, int day, String reference, String externalId) {
        lines.add(new Matcher.Line("stl_" + lines.size(), amount, DAY.plusDays(day), externalId, null, reference));
    }
}
