package dev.pacioli.payments.inbound;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The headers of an inbound request, looked up without regard to case (HTTP header names are
 * case-insensitive: {@code Stripe-Signature} and {@code stripe-signature} are one header).
 *
 * <p>A header that carries a signature, a key id or a timestamp must be sent once: {@link #single}
 * answers empty for a header sent twice (or twice under two spellings), so the verifier refuses it
 * rather than guess which value the sender meant.
 */
public final class InboundHeaders {
    private final Map<String, List<String>> values;

    private InboundHeaders(Map<String, List<String>> values) {
        this.values = values;
    }

    /** Headers given one value per name, as most HTTP servers expose them. */
    public static InboundHeaders of(Map<String, String> headers) {
        Map<String, List<String>> lists = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, value) -> add(lists, name, value == null ? List.of() : List.of(value)));
        return new InboundHeaders(lists);
    }

    /** Headers given every value received per name. */
    public static InboundHeaders ofLists(Map<String, ? extends Collection<String>> headers) {
        Map<String, List<String>> lists = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, received) -> add(lists, name, received));
        return new InboundHeaders(lists);
    }

    private static void add(Map<String, List<String>> lists, String name, Collection<String> received) {
        List<String> list = lists.computeIfAbsent(name, key -> new ArrayList<>());
        if (received != null) {
            received.stream().filter(value -> value != null).forEach(list::add);
        }
    }

    /** The header's value when it was sent exactly once; empty when absent or repeated. */
    public Optional<String> single(String name) {
        List<String> list = values.getOrDefault(name, List.of());
        return list.size() == 1 ? Optional.of(list.getFirst()) : Optional.empty();
    }

    /** Whether the header was sent more than once. */
    public boolean isRepeated(String name) {
        return values.getOrDefault(name, List.of()).size() > 1;
    }
}
