package dev.pacioli.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.reconciliation.Matcher.Item;
import dev.pacioli.reconciliation.Matcher.Line;
import dev.pacioli.reconciliation.Matcher.Match;
import dev.pacioli.reconciliation.Matcher.Outcome;
import dev.pacioli.reconciliation.Matcher.Proposal;
import dev.pacioli.reconciliation.Matcher.Tier;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The matcher over seeded statements whose true pairs are known: the same result under every order of
 * the input, no automatic match that is not a true pair, and the true pairs it leaves are proposals.
 */
class MatcherTest {
    private static final Logger LOG = LoggerFactory.getLogger(MatcherTest.class);

    private static final LocalDate DAY = LocalDate.of(2026, 12, 1);
    private static final int PERMUTATIONS = 20;

    /** What the generator made: the input and the true groups (lines and entries that belong together). */
    record Scenario(List<Line> lines, List<Item> items, Set<Match> truth) {}

    @Test
    void theResultDependsOnNoOrderAndEveryAutomaticMatchIsTrue() {
        for (long seed : new long[] {1, 7, 20261201, 424242}) {
            Scenario scenario = new Generator(seed).scenario();
            Outcome first = Matcher.match(scenario.lines(), scenario.items(), 2);
            Random shuffle = new Random(seed ^ 0x5DEECE66DL);
            for (int permutation = 0; permutation < PERMUTATIONS; permutation++) {
                List<Line> lines = new ArrayList<>(scenario.lines());
                List<Item> items = new ArrayList<>(scenario.items());
                Collections.shuffle(lines, shuffle);
                Collections.shuffle(items, shuffle);
                assertThat(Matcher.match(lines, items, 2))
                        .as("seed %s, permutation %s", seed, permutation)
                        .isEqualTo(first);
            }
            Set<List<Object>> truth = new HashSet<>();
            for (Match match : scenario.truth()) {
                truth.add(List.of(match.lines(), match.entries()));
            }
            for (Match match : first.matches()) {
                assertThat(truth)
                        .as("seed %s: %s is a true pair", seed, match)
                        .contains(List.of(match.lines(), match.entries()));
            }
            assertLeftTrueGroupsAreProposed(scenario, first, seed);
            int matched = first.matches().size();
            LOG.info(
                    "matcher seed {}: {} true groups, {} matched automatically (recall {}, precision 1.0),"
                            + " {} proposals, tiers {}",
                    seed,
                    truth.size(),
                    matched,
                    String.format("%.3f", matched / (double) truth.size()),
                    first.proposals().size(),
                    first.countsPerTier());
            assertThat(matched).isGreaterThan(truth.size() / 2);
        }
    }

    /** A true group left unmatched has each of its items in a proposal: a person is asked, nothing is lost. */
    private static void assertLeftTrueGroupsAreProposed(Scenario scenario, Outcome outcome, long seed) {
        Set<String> proposedLines = new HashSet<>();
        Set<Long> proposedEntries = new HashSet<>();
        for (Proposal proposal : outcome.proposals()) {
            proposedLines.addAll(proposal.lines());
            proposedEntries.addAll(proposal.entries());
        }
        for (Match truth : scenario.truth()) {
            boolean matched = outcome.matches().stream()
                    .anyMatch(match -> match.lines().equals(truth.lines())
                            && match.entries().equals(truth.entries()));
            if (!matched) {
                boolean proposed = truth.lines().stream().anyMatch(proposedLines::contains)
                        || truth.entries().stream().anyMatch(proposedEntries::contains);
                assertThat(proposed)
                        .as("seed %s: unmatched true group %s is proposed", seed, truth)
                        .isTrue();
            }
        }
    }

    @Test
    void twoEqualPaymentsOnOneDayAreProposedNotPicked() {
        List<Line> lines = List.of(line("l1", 5_000, 0, null), line("l2", 5_000, 0, null));
        List<Item> items = List.of(item(1, 5_000, 0, null), item(2, 5_000, 0, null));
        Outcome outcome = Matcher.match(lines, items, 2);
        assertThat(outcome.matches()).isEmpty();
        assertThat(outcome.proposals()).hasSize(4);
        assertThat(outcome.proposals().getFirst().reasons())
                .contains("same amount", "same day", "the line has 2 candidate entries");
    }

    @Test
    void eachTierMatchesWhatIsMutuallyUnique() {
        List<Line> lines = List.of(
                new Line("a", 100, DAY, "tx-1", null, null),
                new Line("b", 250, DAY.plusDays(1), null, null, "INV 7"),
                line("c", 999, 2, null),
                line("d", 9_970, 0, "order-5"),
                line("e", 600, 0, "split"),
                line("f", 400, 0, "split"));
        List<Item> items = List.of(
                new Item(1, "tx-1", 100, DAY, null, null, null),
                item(2, 250, 0, "inv  7"),
                item(3, 999, 0, null),
                item(4, 10_000, 0, "ORDER-5"),
                item(5, -30, 0, "order-5"),
                item(6, 1_000, 0, "split"));
        Outcome outcome = Matcher.match(lines, items, 2);
        assertThat(outcome.matches())
                .containsExactly(
                        new Match(Tier.EXACT_ID, List.of("a"), List.of(1L)),
                        new Match(Tier.REFERENCE_AMOUNT_DATE, List.of("b"), List.of(2L)),
                        new Match(Tier.AMOUNT_DATE, List.of("c"), List.of(3L)),
                        new Match(Tier.ONE_TO_MANY, List.of("d"), List.of(4L, 5L)),
                        new Match(Tier.MANY_TO_ONE, List.of("e", "f"), List.of(6L)));
        assertThat(outcome.unmatchedLines()).isEmpty();
        assertThat(outcome.unmatchedEntries()).isEmpty();
        assertThat(Matcher.match(lines, items, 1).matches()).hasSize(4).as("c is 2 days from its entry");
    }

    @Test
    void anExactIdWithAnotherAmountIsOnlyProposed() {
        Outcome outcome = Matcher.match(
                List.of(new Line("a", 100, DAY, "tx-1", null, null)),
                List.of(new Item(1, "tx-1", 90, DAY, null, null, null)),
                2);
        assertThat(outcome.matches()).isEmpty();
        assertThat(outcome.proposals()).singleElement().satisfies(proposal -> {
            assertThat(proposal.score()).isEqualTo("0.65");
            assertThat(proposal.reasons()).contains("same id", "amounts differ by 10");
        });
    }

    static Line line(String id, long amount, int day, String reference) {
        return new Line(id, amount, DAY.plusDays(day), null, null, reference);
    }

    static Item item(long sequence, long amount, int day, String reference) {
        return new Item(sequence, "tx-" + sequence, amount, DAY.plusDays(day), null, null, reference);
    }

    /**
     * A month of an account: true one-to-one pairs (some with the bank's id of our transaction, some with
     * a shared reference, the rest by amount and date, a day or two apart), and the noise a real
     * statement has.
     */
    static final class Generator {
        private final Random random;
        private final Set<Long> amounts = new HashSet<>();
        private final List<Line> lines = new ArrayList<>();
        private final List<Item> items = new ArrayList<>();
        private final Set<Match> truth = new HashSet<>();
        private long sequence = 1_000;
        private int lineNumber;

        Generator(long seed) {
            this.random = new Random(seed);
        }

        Scenario scenario() {
            for (int i = 0; i < 300; i++) {
                pair();
            }
            for (int i = 0; i < 10; i++) {
                duplicatedAmountsOnOneDay();
                splitPayment();
                feeNetted();
            }
            for (int i = 0; i < 15; i++) {
                newItem(amount(), day(), null); // a missing line
                newLine(amount(), day(), null, null); // a line with no ledger side
            }
            return new Scenario(List.copyOf(lines), List.copyOf(items), Set.copyOf(truth));
        }

        private void pair() {
            long amount = amount();
            int day = day();
            int lag = random.nextInt(3);
            int kind = random.nextInt(10);
            String reference = kind < 4 ? "REF-" + random.nextInt(1_000_000) : null;
            Item item = newItem(amount, day, reference);
            Line line = newLine(amount, day + lag, reference, kind < 3 ? item.transactionId() : null);
            truth.add(new Match(Tier.EXACT_ID, List.of(line.id()), List.of(item.sequence())));
        }

        private void duplicatedAmountsOnOneDay() {
            long amount = amount();
            int day = day();
            for (int k = 0; k < 2; k++) {
                Item item = newItem(amount, day, null);
                Line line = newLine(amount, day, null, null);
                truth.add(new Match(Tier.EXACT_ID, List.of(line.id()), List.of(item.sequence())));
            }
        }

        private void splitPayment() {
            int day = day();
            String reference = "SPLIT-" + random.nextInt(1_000_000);
            long first = amount();
            long second = amount();
            amounts.add(first + second);
            Item item = newItem(first + second, day, reference);
            Line a = newLine(first, day, reference, null);
            Line b = newLine(second, day, reference, null);
            List<String> ids = new ArrayList<>(List.of(a.id(), b.id()));
            Collections.sort(ids);
            truth.add(new Match(Tier.EXACT_ID, ids, List.of(item.sequence())));
        }

        private void feeNetted() {
            int day = day();
            String reference = "ORDER-" + random.nextInt(1_000_000);
            long gross = amount();
            long fee = 100 + random.nextInt(900);
            Item payment = newItem(gross, day, reference);
            Item charge = newItem(-fee, day, reference);
            amounts.add(gross - fee);
            Line line = newLine(gross - fee, day, reference, null);
            truth.add(new Match(Tier.EXACT_ID, List.of(line.id()), List.of(payment.sequence(), charge.sequence())));
        }

        /** An amount no other item has: the noise is made on purpose, never by chance. */
        private long amount() {
            while (true) {
                long amount = (random.nextBoolean() ? 1 : -1) * (1_000 + (long) (random.nextDouble() * 1_000_000_000));
                if (amounts.add(amount)) {
                    return amount;
                }
            }
        }

        private int day() {
            return random.nextInt(28);
        }

        private Item newItem(long amount, int day, String reference) {
            sequence += 1 + random.nextInt(5);
            Item item = new Item(sequence, "tx-" + sequence, amount, DAY.plusDays(day), null, null, reference);
            items.add(item);
            return item;
        }

        private Line newLine(long amount, int day, String reference, String externalId) {
            Line line = new Line(
                    "stl_" + String.format("%05d", lineNumber++),
                    amount,
                    DAY.plusDays(day),
                    externalId,
                    null,
                    reference);
            lines.add(line);
            return line;
        }
    }
}
