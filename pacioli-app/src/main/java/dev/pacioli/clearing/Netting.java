package dev.pacioli.clearing;

import dev.pacioli.ledger.Assert;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Multilateral netting (clearing.md, Netting): per asset, each participant's net is everything it is
 * owed in the window minus everything it owes, against the whole window at once, never pair by pair.
 *
 * <p>Invariants, asserted on every run: per asset the nets sum to zero; the net settlement (the sum of
 * the positive nets) equals the sum of the negative nets' sizes and never exceeds the gross; every
 * participant's net is its incoming minus its outgoing. Pure Java over memory: no database, no clock.
 *
 * <p>Sums are exact: a window's gross per asset is at most the sum of its obligations, each a positive
 * long, and {@link Math#addExact} throws (stopping the close) rather than wrap.
 */
public final class Netting {
    /** Efficiency is a decimal of this many places. */
    public static final int EFFICIENCY_SCALE = 4;

    private Netting() {}

    /** What netting needs of one accepted obligation. */
    public record Flow(String debtor, String creditor, String asset, long amount) {
        public Flow {
            Assert.that(amount > 0, "an obligation's amount is positive");
            Assert.that(!debtor.equals(creditor), "an obligation is between two participants");
        }
    }

    /** One participant's totals in one asset. */
    public record Position(String participant, long incoming, long outgoing) {
        public long net() {
            return Math.subtractExact(incoming, outgoing);
        }
    }

    /** The result for one asset; positions by participant id. */
    public record AssetResult(
            String asset,
            long obligations,
            long gross,
            long netSettlement,
            String efficiency,
            List<Position> positions) {
        /** The net debtors (net below 0) and net creditors, as the settlement moves them. */
        public List<Position> debtors() {
            return positions.stream().filter(position -> position.net() < 0).toList();
        }

        public List<Position> creditors() {
            return positions.stream().filter(position -> position.net() > 0).toList();
        }
    }

    /** Running sums of one asset, built from obligations or from stored per-participant totals. */
    public static final class Accumulator {
        private final String asset;
        private final Map<String, long[]> totals = new TreeMap<>();
        private long obligations;
        private long gross;

        public Accumulator(String asset) {
            this.asset = asset;
        }

        public void add(Flow flow) {
            Assert.that(flow.asset().equals(asset), "a flow of %s netted as %s", flow.asset(), asset);
            long[] debtor = totals.computeIfAbsent(flow.debtor(), id -> new long[2]);
            long[] creditor = totals.computeIfAbsent(flow.creditor(), id -> new long[2]);
            debtor[1] = Math.addExact(debtor[1], flow.amount());
            creditor[0] = Math.addExact(creditor[0], flow.amount());
            gross = Math.addExact(gross, flow.amount());
            obligations++;
        }

        /** Adds totals already summed elsewhere (a database's aggregate), with how many obligations made them. */
        public void addTotals(String participant, long incoming, long outgoing, long outgoingCount) {
            long[] sums = totals.computeIfAbsent(participant, id -> new long[2]);
            sums[0] = Math.addExact(sums[0], incoming);
            sums[1] = Math.addExact(sums[1], outgoing);
            gross = Math.addExact(gross, outgoing);
            obligations += outgoingCount;
        }

        public AssetResult result() {
            List<Position> positions = new ArrayList<>(totals.size());
            long sum = 0;
            long incomingTotal = 0;
            long positive = 0;
            long negative = 0;
            for (Map.Entry<String, long[]> entry : totals.entrySet()) {
                Position position = new Position(entry.getKey(), entry.getValue()[0], entry.getValue()[1]);
                positions.add(position);
                long net = position.net();
                sum = Math.addExact(sum, net);
                incomingTotal = Math.addExact(incomingTotal, position.incoming());
                if (net > 0) {
                    positive = Math.addExact(positive, net);
                } else {
                    negative = Math.addExact(negative, -net);
                }
            }
            Assert.that(sum == 0, "the nets of %s sum to %d, not zero", asset, sum);
            Assert.that(incomingTotal == gross, "the incoming of %s is %d, the gross %d", asset, incomingTotal, gross);
            Assert.that(
                    positive == negative,
                    "what %s's creditors get (%d) is not what its debtors pay (%d)",
                    asset,
                    positive,
                    negative);
            Assert.that(positive <= gross, "the net settlement of %s exceeds its gross", asset);
            return new AssetResult(
                    asset, obligations, gross, positive, efficiency(positive, gross), List.copyOf(positions));
        }
    }

    /** Nets the flows per asset; the assets in code order. */
    public static List<AssetResult> net(Iterable<Flow> flows) {
        Map<String, Accumulator> byAsset = new TreeMap<>();
        for (Flow flow : flows) {
            byAsset.computeIfAbsent(flow.asset(), Accumulator::new).add(flow);
        }
        return byAsset.values().stream().map(Accumulator::result).toList();
    }

    /**
     * {@code 1 − net_settlement / gross} to {@value #EFFICIENCY_SCALE} places, half up (0.77777… is
     * 0.7778, as the contract's example says); {@code "0.0000"} for a gross of zero.
     */
    public static String efficiency(long netSettlement, long gross) {
        Assert.that(netSettlement >= 0 && netSettlement <= gross, "a net settlement is 0 to the gross");
        if (gross == 0) {
            return BigDecimal.ZERO.setScale(EFFICIENCY_SCALE).toPlainString();
        }
        return BigDecimal.valueOf(gross - netSettlement)
                .divide(BigDecimal.valueOf(gross), EFFICIENCY_SCALE, RoundingMode.HALF_UP)
                .toPlainString();
    }
}
