package dev.pacioli.treasury;

import dev.pacioli.payments.rails.Conversions;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How much of the source asset a top-up conversion converts so that the buffer receives its shortfall,
 * which is counted in the buffer's asset. Rates are minor units of the target asset per minor unit of the
 * source, as providers quote them ({@code ConversionSettings}).
 *
 * <p>The estimate, best first: the quote of the provider it will go to (the first candidate whose breaker is
 * not open) when that provider can give one without a call (the simulator: its configured rate less its fee); the effective rate of the last completed
 * conversion of the pair on this ledger ({@code to_amount ÷ from_amount}, so fees included); parity, one
 * major unit for one ({@code 10^(scale of target − scale of source)}), the usual case of a stablecoin and
 * its currency. The source amount is rounded up, so the buffer reaches its target rather than a minor unit
 * short. A wrong estimate costs a cycle (another top-up, or a sweep), never money: the provider converts
 * at its own rate and the ledger books what it delivered.
 *
 * <p>One instance per cycle: it remembers each pair's estimate for the cycle's other buffers.
 */
final class TopUpSizing {
    /** A rate and where it came from, said in the decision's reason. */
    record Estimate(BigDecimal rate, String basis) {
        long sourceAmount(long shortfall) {
            return BigDecimal.valueOf(shortfall)
                    .divide(rate, 0, RoundingMode.CEILING)
                    .longValueExact();
        }
    }

    private final Providers providers;
    private final String ledger;
    private final Map<String, Estimate> byPair = new HashMap<>();

    TopUpSizing(Providers providers, String ledger) {
        this.providers = providers;
        this.ledger = ledger;
    }

    Estimate estimate(Connection connection, List<String> candidates, String fromAsset, String toAsset)
            throws SQLException {
        String pair = fromAsset + "/" + toAsset;
        Estimate known = byPair.get(pair);
        if (known == null) {
            known = quoted(candidates, fromAsset, toAsset).orElse(null);
            if (known == null) {
                known = lastCompleted(connection, fromAsset, toAsset);
            }
            if (known == null) {
                known = parity(connection, fromAsset, toAsset);
            }
            byPair.put(pair, known);
        }
        return known;
    }

    /** The quote of the provider the conversion will go to first: the first candidate not shut out by its breaker. */
    private Optional<Estimate> quoted(List<String> candidates, String fromAsset, String toAsset) {
        return providers
                .firstHealthy(candidates)
                .flatMap(first -> providers
                        .rail(first)
                        .flatMap(rail -> rail.quote(fromAsset, toAsset))
                        .filter(rate -> rate.signum() > 0)
                        .map(rate -> new Estimate(
                                rate,
                                first + "'s quoted rate "
                                        + rate.stripTrailingZeros().toPlainString())));
    }

    private Estimate lastCompleted(Connection connection, String fromAsset, String toAsset) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("select id, from_amount, to_amount"
                + " from treasury_conversions where ledger = ? and from_asset = ? and to_asset = ?"
                + " and status = 'completed' and to_amount > 0 order by updated_at desc limit 1")) {
            select.setString(1, ledger);
            select.setString(2, fromAsset);
            select.setString(3, toAsset);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return null;
                }
                BigDecimal rate = BigDecimal.valueOf(row.getLong(3))
                        .divide(BigDecimal.valueOf(row.getLong(2)), Conversions.RATE_DIGITS, RoundingMode.DOWN);
                return rate.signum() > 0
                        ? new Estimate(
                                rate,
                                "the rate of conversion " + row.getString(1) + ", "
                                        + rate.stripTrailingZeros().toPlainString())
                        : null;
            }
        }
    }

    private static Estimate parity(Connection connection, String fromAsset, String toAsset) throws SQLException {
        int from = scale(connection, fromAsset);
        int to = scale(connection, toAsset);
        BigDecimal rate = BigDecimal.ONE.scaleByPowerOfTen(to - from);
        return new Estimate(rate, "parity (one major unit for one), no rate known yet");
    }

    private static int scale(Connection connection, String asset) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("select scale from assets where code = ?")) {
            select.setString(1, asset);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new IllegalStateException("an account holds asset " + asset + ", which is not defined");
                }
                return row.getInt(1);
            }
        }
    }
}
