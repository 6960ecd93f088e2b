package dev.pacioli.payments.commissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pacioli.ledger.Posting;
import dev.pacioli.payments.commissions.CommissionSplit.Split;
import java.math.BigInteger;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The split, as a ledger would read it: a line per level and what it must pay. Every share is checked
 * against {@code floor(amount × bps / 10000)} computed in {@link BigInteger}, at the edges (0 and 10000
 * basis points, amounts at and near 2^63 − 1, amounts just around multiples of 10000) and over a seeded
 * random sweep whose seed a failure prints.
 */
class CommissionSplitTest {
    private static final CommissionPlan PLAN = plan(List.of(1000, 500, 200));

    private static CommissionPlan plan(List<Integer> levels) {
        return new CommissionPlan("affiliates", "USD", levels, "platform:revenue", "affiliates:{party}:commissions");
    }

    private static long reference(long amount, int bps) {
        return BigInteger.valueOf(amount)
                .multiply(BigInteger.valueOf(bps))
                .divide(BigInteger.valueOf(10_000))
                .longValueExact();
    }

    private static List<Posting> postings(Split split) {
        assertThat(split).isInstanceOf(Split.Payable.class);
        return ((Split.Payable) split).postings();
    }

    private static Posting pays(String party, long amount) {
        return new Posting("platform:revenue", "affiliates:" + party + ":commissions", amount, "USD");
    }

    @Test
    void threeLevelsWithRemaindersPayTheFloorOfEachShare() {
        // 12345 × 10% = 1234.5, × 5% = 617.25, × 2% = 246.9: 2097 paid, 1.65 of the exact shares left to source.
        assertThat(postings(CommissionSplit.of(PLAN, List.of("carol", "bob", "alice"), 12_345)))
                .containsExactly(pays("carol", 1234), pays("bob", 617), pays("alice", 246));
    }

    @Test
    void aShortChainEndsThePaymentsAndALongOneIsCut() {
        assertThat(postings(CommissionSplit.of(PLAN, List.of("carol"), 10_000))).containsExactly(pays("carol", 1000));
        assertThat(postings(CommissionSplit.of(PLAN, List.of("a", "b", "c", "d", "e"), 10_000)))
                .containsExactly(pays("a", 1000), pays("b", 500), pays("c", 200));
        assertThat(postings(CommissionSplit.of(PLAN, List.of(), 10_000))).isEmpty();
    }

    @Test
    void aShareOfZeroIsNotPostedAndDoesNotEndTheChain() {
        CommissionPlan skipping = plan(List.of(0, 2500));
        assertThat(postings(CommissionSplit.of(skipping, List.of("a", "b"), 100)))
                .containsExactly(pays("b", 25));
        // 9 × 10% = 0.9, × 5% = 0.45, × 2% = 0.18: nothing to pay at all.
        assertThat(postings(CommissionSplit.of(PLAN, List.of("a", "b", "c"), 9)))
                .isEmpty();
        assertThat(postings(CommissionSplit.of(PLAN, List.of("a", "b", "c"), 10)))
                .containsExactly(pays("a", 1));
    }

    @Test
    void tenThousandBasisPointsPayTheWholeAmountEvenAtTheLargestAmount() {
        CommissionPlan whole =
                plan(List.of(10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000));
        List<String> chain = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
        Split split = CommissionSplit.of(whole, chain, Long.MAX_VALUE);
        assertThat(postings(split))
                .hasSize(10)
                .allSatisfy(posting -> assertThat(posting.amount()).isEqualTo(Long.MAX_VALUE));
        assertThat(((Split.Payable) split).total())
                .isEqualTo(BigInteger.valueOf(Long.MAX_VALUE).multiply(BigInteger.TEN));
    }

    @Test
    void sharesAtTheEdgesAreExact() {
        long[] amounts = {
            0,
            1,
            2,
            9_999,
            10_000,
            10_001,
            19_999,
            123_456_789,
            Long.MAX_VALUE,
            Long.MAX_VALUE - 1,
            Long.MAX_VALUE - 9_999,
            Long.MAX_VALUE / 10_000 * 10_000,
            Long.MAX_VALUE / 10_000 * 10_000 - 1,
            Long.MAX_VALUE / 2,
            1L << 62,
            (1L << 62) + 1
        };
        int[] points = {0, 1, 2, 3, 7, 333, 5_000, 9_998, 9_999, 10_000};
        for (long amount : amounts) {
            for (int bps : points) {
                assertThat(CommissionSplit.share(amount, bps))
                        .as("%d × %d / 10000", amount, bps)
                        .isEqualTo(reference(amount, bps));
            }
        }
        assertThat(CommissionSplit.share(Long.MAX_VALUE, 10_000)).isEqualTo(Long.MAX_VALUE);
        assertThat(CommissionSplit.share(Long.MAX_VALUE, 9_999)).isEqualTo(9_222_449_699_651_090_329L);
        assertThat(CommissionSplit.share(Long.MAX_VALUE, 0)).isZero();
    }

    @Test
    void sharesOfRandomAmountsAreExact() {
        long seed = Long.getLong("pacioli.seed", System.nanoTime());
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 200_000; i++) {
            long amount = switch (i % 4) {
                case 0 -> random.nextLong(Long.MAX_VALUE) + 1;
                case 1 -> Long.MAX_VALUE - random.nextLong(1L << 20);
                case 2 -> random.nextLong(1_000_000);
                default -> random.nextLong(1, 1_000) * 10_000 + random.nextLong(-1, 2);
            };
            int bps = random.nextInt(10_001);
            long share = CommissionSplit.share(amount, bps);
            assertThat(share).as("seed %d: %d × %d / 10000", seed, amount, bps).isEqualTo(reference(amount, bps));
            assertThat(share).as("seed %d: never more than the amount", seed).isBetween(0L, amount);
        }
    }

    @Test
    void aPayeeAccountLongerThanAnIdIsUnpayableAndNamesItsParty() {
        CommissionPlan longTemplate = new CommissionPlan(
                "long", "USD", List.of(1000, 1000), "platform:revenue", "affiliates:" + "x".repeat(100) + ":{party}");
        String longParty = "p".repeat(40);
        assertThat(CommissionSplit.of(longTemplate, List.of("short", longParty), 1_000))
                .isEqualTo(new Split.Unpayable(longParty, "affiliates:" + "x".repeat(100) + ":" + longParty));
        // A share of 0 needs no account, so a party whose account cannot be named is no obstacle then.
        assertThat(postings(CommissionSplit.of(longTemplate, List.of("short", longParty), 5)))
                .isEmpty();
    }

    @Test
    void whatCannotBeAChainOrAnAmountIsABug() {
        assertThatThrownBy(() -> CommissionSplit.of(PLAN, List.of("a", "b", "a"), 100))
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> CommissionSplit.of(PLAN, List.of("a"), 0)).hasMessageContaining("positive");
        assertThatThrownBy(() -> CommissionSplit.share(-1, 100)).hasMessageContaining("≥ 0");
        assertThatThrownBy(() -> CommissionSplit.share(1, 10_001)).hasMessageContaining("0..10000");
    }
}
