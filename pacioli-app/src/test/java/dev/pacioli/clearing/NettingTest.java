package dev.pacioli.clearing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Netting on its own (clearing.md, Netting): the contract's known answers exactly, and seeded random
 * windows checked against a simple reference computation and against pairwise netting.
 */
class NettingTest {
    private static Netting.Flow flow(String debtor, String creditor, long amount) {
        return new Netting.Flow(debtor, creditor, "USD", amount);
    }

    private static Map<String, Long> nets(Netting.AssetResult result) {
        Map<String, Long> nets = new TreeMap<>();
        result.positions().forEach(position -> nets.put(position.participant(), position.net()));
        return nets;
    }

    @Test
    void theReferenceDocumentsCycleSettlesFiveHundredThousandNotSevenHundredFifty() {
        Netting.AssetResult usd = Netting.net(
                        List.of(flow("A", "B", 1_000_000), flow("B", "C", 500_000), flow("C", "A", 750_000)))
                .getFirst();
        assertThat(nets(usd))
                .containsExactlyEntriesOf(new TreeMap<>(Map.of("A", -250_000L, "B", 500_000L, "C", -250_000L)));
        assertThat(usd.gross()).isEqualTo(2_250_000);
        assertThat(usd.netSettlement()).isEqualTo(500_000);
        assertThat(usd.efficiency()).isEqualTo("0.7778");
        assertThat(usd.obligations()).isEqualTo(3);
    }

    @Test
    void aCycleWithATailLeavesOnlyCPayingFiftyToA() {
        Netting.AssetResult usd = Netting.net(List.of(
                        flow("A", "B", 100),
                        flow("B", "C", 100),
                        flow("C", "A", 100),
                        flow("C", "D", 50),
                        flow("D", "A", 50)))
                .getFirst();
        assertThat(nets(usd)).containsExactlyEntriesOf(new TreeMap<>(Map.of("A", 50L, "B", 0L, "C", -50L, "D", 0L)));
        assertThat(usd.debtors()).extracting(Netting.Position::participant).containsExactly("C");
        assertThat(usd.creditors()).extracting(Netting.Position::participant).containsExactly("A");
        assertThat(usd.netSettlement()).isEqualTo(50);
        assertThat(usd.gross()).isEqualTo(400);
        assertThat(usd.efficiency()).isEqualTo("0.8750");
    }

    @Test
    void twoWaysBetweenTwoParticipantsNetToSeventy() {
        Netting.AssetResult usd =
                Netting.net(List.of(flow("A", "B", 100), flow("B", "A", 30))).getFirst();
        assertThat(nets(usd)).containsExactlyEntriesOf(new TreeMap<>(Map.of("A", -70L, "B", 70L)));
        assertThat(usd.netSettlement()).isEqualTo(70);
        assertThat(usd.efficiency()).isEqualTo("0.4615");
    }

    @Test
    void efficiencyIsFourPlacesHalfUpAndZeroForNothing() {
        assertThat(Netting.efficiency(0, 0)).isEqualTo("0.0000");
        assertThat(Netting.efficiency(100, 100)).isEqualTo("0.0000");
        assertThat(Netting.efficiency(0, 100)).isEqualTo("1.0000");
        assertThat(Netting.efficiency(1, 3)).isEqualTo("0.6667");
        assertThat(Netting.efficiency(1, 20_000)).isEqualTo("1.0000");
        assertThat(Netting.efficiency(1, 19_999)).isEqualTo("0.9999");
    }

    /**
     * Random windows among 2..200 participants in 1..3 assets: per asset the nets sum to zero, each net
     * is the reference's incoming − outgoing, the net settlement never exceeds what pairwise netting (or
     * none) would settle. A failure names its seed; replay with that seed.
     */
    @Test
    void randomWindowsAgreeWithTheReferenceAndNeverSettleMoreThanPairwise() {
        for (long seed = 1; seed <= 200; seed++) {
            Random random = new Random(seed);
            int participants = 2 + random.nextInt(199);
            int assets = 1 + random.nextInt(3);
            int count = 1 + random.nextInt(2_000);
            List<Netting.Flow> flows = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int debtor = random.nextInt(participants);
                int creditor = (debtor + 1 + random.nextInt(participants - 1)) % participants;
                long amount = 1 + (random.nextInt(4) == 0 ? random.nextLong(1_000_000_000L) : random.nextInt(10_000));
                flows.add(new Netting.Flow("p" + debtor, "p" + creditor, "A" + random.nextInt(assets), amount));
            }
            check(seed, flows);
        }
    }

    private static void check(long seed, List<Netting.Flow> flows) {
        Map<String, Map<String, Long>> reference = new TreeMap<>();
        Map<String, Long> gross = new HashMap<>();
        Map<String, Map<String, Long>> pairs = new HashMap<>();
        for (Netting.Flow flow : flows) {
            Map<String, Long> nets = reference.computeIfAbsent(flow.asset(), asset -> new TreeMap<>());
            nets.merge(flow.creditor(), flow.amount(), Long::sum);
            nets.merge(flow.debtor(), -flow.amount(), Long::sum);
            gross.merge(flow.asset(), flow.amount(), Long::sum);
            boolean ordered = flow.debtor().compareTo(flow.creditor()) < 0;
            String pair = ordered ? flow.debtor() + "|" + flow.creditor() : flow.creditor() + "|" + flow.debtor();
            pairs.computeIfAbsent(flow.asset(), asset -> new HashMap<>())
                    .merge(pair, ordered ? flow.amount() : -flow.amount(), Long::sum);
        }
        List<Netting.AssetResult> results = Netting.net(flows);
        assertThat(results)
                .as("seed %d", seed)
                .extracting(Netting.AssetResult::asset)
                .containsExactlyElementsOf(reference.keySet());
        for (Netting.AssetResult result : results) {
            Map<String, Long> expected = reference.get(result.asset());
            assertThat(nets(result)).as("seed %d nets", seed).containsExactlyEntriesOf(expected);
            assertThat(expected.values().stream().mapToLong(Long::longValue).sum())
                    .isZero();
            long positive = expected.values().stream()
                    .filter(net -> net > 0)
                    .mapToLong(Long::longValue)
                    .sum();
            long pairwise = pairs.get(result.asset()).values().stream()
                    .mapToLong(Math::abs)
                    .sum();
            assertThat(result.netSettlement())
                    .as("seed %d net settlement", seed)
                    .isEqualTo(positive);
            assertThat(result.gross()).isEqualTo(gross.get(result.asset()));
            assertThat(result.netSettlement())
                    .as("seed %d never above pairwise", seed)
                    .isLessThanOrEqualTo(pairwise);
            assertThat(pairwise).isLessThanOrEqualTo(result.gross());
            for (Netting.Position position : result.positions()) {
                assertThat(position.net()).isEqualTo(position.incoming() - position.outgoing());
            }
            assertThat(result.efficiency())
                    .isEqualTo(new BigDecimal(result.gross() - positive)
                            .divide(new BigDecimal(result.gross()), 4, RoundingMode.HALF_UP)
                            .toPlainString());
        }
    }
}
