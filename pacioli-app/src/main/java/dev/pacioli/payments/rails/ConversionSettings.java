package dev.pacioli.payments.rails;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * What a connector's {@code config} says about conversions: {@code rates} (the simulator's, also the
 * pairs it converts: {@code {"USD/USDC": "1.0000"}}, exact decimal strings, never JSON numbers, which
 * a client may have rounded through a double), {@code fee_bps} (0 to 9,999, taken off the converted
 * amount), {@code pairs} (an http provider's pairs, {@code ["USD/USDC"]}) and {@code
 * conversion_behaviour} (the simulator's: {@code succeed}, {@code fail}, {@code timeout_then_succeed},
 * {@code stuck}, as {@code simulate} is for payouts).
 *
 * <p>Amounts are minor units on both sides and a rate applies to them as they are: assets of different
 * scales need a rate that says so ({@code "USD/USDC": "10000"} for cents into micro-units).
 */
public record ConversionSettings(Map<String, BigDecimal> rates, int feeBps, SimulatorRail.Behaviour behaviour) {
    public static final int FEE_BPS_MAX = 9_999;
    public static final int RATES_MAX = 100;
    static final BigDecimal BPS = BigDecimal.valueOf(10_000);

    public ConversionSettings {
        rates = Collections.unmodifiableMap(new TreeMap<>(rates));
    }

    /** The pair's key: {@code USD/USDC}. */
    public static String pair(String fromAsset, String toAsset) {
        return fromAsset + "/" + toAsset;
    }

    public boolean converts(String fromAsset, String toAsset) {
        return rates.containsKey(pair(fromAsset, toAsset));
    }

    /** {@code fromAmount × rate × (10000 − fee_bps) / 10000}, exactly, rounded down (toward the platform). */
    public long toAmount(String fromAsset, String toAsset, long fromAmount) {
        return BigDecimal.valueOf(fromAmount)
                .multiply(effectiveRate(fromAsset, toAsset))
                .setScale(0, RoundingMode.DOWN)
                .longValueExact();
    }

    /** The rate less the fee: what one minor unit of {@code fromAsset} yields, exactly. */
    public BigDecimal effectiveRate(String fromAsset, String toAsset) {
        return rates.get(pair(fromAsset, toAsset))
                .multiply(BPS.subtract(BigDecimal.valueOf(feeBps)))
                .divide(BPS);
    }

    /** The rate as quoted: its exact string. */
    public String rate(String fromAsset, String toAsset) {
        return rates.get(pair(fromAsset, toAsset)).toPlainString();
    }

    /**
     * From a connector's config; {@code rates} and {@code pairs} are both ways of naming pairs (an http
     * provider's pairs get no rate here: the provider quotes its own).
     *
     * @throws IllegalArgumentException naming the field and what is wrong with it
     */
    public static ConversionSettings fromConfig(JsonNode config) {
        Map<String, BigDecimal> rates = new TreeMap<>();
        JsonNode given = config == null ? null : config.get("rates");
        if (given != null && !given.isNull()) {
            if (!given.isObject() || given.size() > RATES_MAX) {
                throw new IllegalArgumentException(
                        "config.rates is an object of up to " + RATES_MAX + " pairs: {\"USD/USDC\": \"1.0000\"}");
            }
            for (Map.Entry<String, JsonNode> entry : given.properties()) {
                rates.put(checkedPair(entry.getKey()), rate(entry.getKey(), entry.getValue()));
            }
        }
        JsonNode pairs = config == null ? null : config.get("pairs");
        if (pairs != null && !pairs.isNull()) {
            if (!pairs.isArray() || pairs.size() > RATES_MAX) {
                throw new IllegalArgumentException("config.pairs is an array of up to " + RATES_MAX + " pairs");
            }
            for (JsonNode pair : pairs) {
                if (!pair.isString()) {
                    throw new IllegalArgumentException("config.pairs holds strings like \"USD/USDC\"");
                }
                rates.putIfAbsent(checkedPair(pair.stringValue()), BigDecimal.ONE);
            }
        }
        return new ConversionSettings(rates, feeBps(config), behaviour(config));
    }

    private static String checkedPair(String pair) {
        if (!pair.matches("[A-Z0-9]{1,16}/[A-Z0-9]{1,16}")) {
            throw new IllegalArgumentException("config.rates: '" + pair + "' is not a pair like USD/USDC");
        }
        return pair;
    }

    private static BigDecimal rate(String pair, JsonNode value) {
        if (!value.isString() || !value.stringValue().matches("[0-9]{1,18}(\\.[0-9]{1,18})?")) {
            throw new IllegalArgumentException(
                    "config.rates." + pair + " must be an exact decimal string such as \"1.0000\"");
        }
        BigDecimal rate = new BigDecimal(value.stringValue());
        if (rate.signum() <= 0) {
            throw new IllegalArgumentException("config.rates." + pair + " must be above zero");
        }
        return rate;
    }

    private static int feeBps(JsonNode config) {
        JsonNode value = config == null ? null : config.get("fee_bps");
        if (value == null || value.isNull()) {
            return 0;
        }
        if (!value.isIntegralNumber() || value.longValue() < 0 || value.longValue() > FEE_BPS_MAX) {
            throw new IllegalArgumentException("config.fee_bps is a whole number, 0 to " + FEE_BPS_MAX);
        }
        return value.intValue();
    }

    private static SimulatorRail.Behaviour behaviour(JsonNode config) {
        JsonNode value = config == null ? null : config.get("conversion_behaviour");
        if (value == null || value.isNull()) {
            return SimulatorRail.Behaviour.SUCCEED;
        }
        SimulatorRail.Behaviour behaviour = value.isString()
                ? SimulatorRail.Behaviour.of(value.stringValue()).orElse(null)
                : null;
        if (behaviour == null || behaviour == SimulatorRail.Behaviour.RETURN) {
            throw new IllegalArgumentException(
                    "config.conversion_behaviour is one of succeed, fail, timeout_then_succeed, stuck");
        }
        return behaviour;
    }
}
