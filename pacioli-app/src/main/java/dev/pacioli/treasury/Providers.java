package dev.pacioli.treasury;

import dev.pacioli.payments.connectors.PaymentConnector;
import dev.pacioli.payments.connectors.PaymentRails;
import dev.pacioli.payments.rails.Conversions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which conversion providers may take a job: payment connectors whose rail speaks the protocol's
 * conversion calls, that convert the pair and have provider accounts for both assets. Ordered by the
 * connector's {@code priority} (lowest first), the buffer's list breaking ties; a provider whose
 * breaker is open is skipped while it is, never dropped.
 */
final class Providers {
    private final PaymentRails rails;

    Providers(PaymentRails rails) {
        this.rails = rails;
    }

    /** Whether the named connector can convert the pair at all (healthy or not). */
    boolean converts(String provider, String fromAsset, String toAsset) {
        Optional<PaymentConnector> connector = rails.connector(provider);
        return connector.isPresent()
                && connector.get().providerAccount(fromAsset) != null
                && connector.get().providerAccount(toAsset) != null
                && rails.rail(provider).orElse(null) instanceof Conversions conversions
                && conversions.converts(fromAsset, toAsset);
    }

    /** The candidates that convert the pair, in the order they are tried. */
    List<String> ordered(List<String> listed, String fromAsset, String toAsset) {
        List<String> candidates = new ArrayList<>();
        for (String provider : listed) {
            if (converts(provider, fromAsset, toAsset) && !candidates.contains(provider)) {
                candidates.add(provider);
            }
        }
        candidates.sort(Comparator.comparingInt(this::priority)); // stable: the list breaks ties
        return candidates;
    }

    /** The first healthy candidate not yet tried; empty when every one left is unhealthy or none is left. */
    Optional<String> next(Conversion conversion) {
        for (String provider : ordered(conversion.providers(), conversion.fromAsset(), conversion.toAsset())) {
            if (!conversion.tried().contains(provider) && rails.healthy(provider)) {
                return Optional.of(provider);
            }
        }
        return Optional.empty();
    }

    /** The first of {@code candidates} whose breaker is not open, if any. */
    Optional<String> firstHealthy(List<String> candidates) {
        return candidates.stream().filter(rails::healthy).findFirst();
    }

    /** Whether any candidate is left untried, healthy or not. */
    boolean anyLeft(Conversion conversion) {
        return ordered(conversion.providers(), conversion.fromAsset(), conversion.toAsset()).stream()
                .anyMatch(provider -> !conversion.tried().contains(provider));
    }

    Optional<Conversions> rail(String provider) {
        return rails.rail(provider).filter(Conversions.class::isInstance).map(Conversions.class::cast);
    }

    String account(String provider, String asset) {
        return rails.connector(provider).map(c -> c.providerAccount(asset)).orElseThrow();
    }

    private int priority(String provider) {
        return rails.connector(provider).map(PaymentConnector::priority).orElse(Integer.MAX_VALUE);
    }
}
