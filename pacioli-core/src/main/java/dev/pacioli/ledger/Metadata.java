package dev.pacioli.ledger;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Client metadata: string keys to string values, as Stripe does. Kept sorted so its canonical bytes,
 * and so the hash chain, do not depend on the order a client sent the keys in.
 */
public record Metadata(SortedMap<String, String> values) {
    public static final Metadata EMPTY = new Metadata(Collections.emptySortedMap());

    public Metadata {
        values = Collections.unmodifiableSortedMap(new TreeMap<>(values));
        String problem = problem(values);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    public static Metadata of(Map<String, String> values) {
        return values == null || values.isEmpty() ? EMPTY : new Metadata(new TreeMap<>(values));
    }

    public static Metadata of(String... keysAndValues) {
        Assert.that(keysAndValues.length % 2 == 0, "metadata needs pairs");
        TreeMap<String, String> values = new TreeMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            values.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return of(values);
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** Why these values are not acceptable metadata, or null when they are. */
    public static String problem(Map<String, String> values) {
        if (values.size() > Limits.METADATA_KEYS_MAX) {
            return "metadata has more than " + Limits.METADATA_KEYS_MAX + " keys";
        }
        int bytes = 0;
        for (Map.Entry<String, String> entry : values.entrySet()) {
            String key = entry.getKey();
            String value = entry.getValue();
            if (key == null || key.isEmpty() || key.length() > Limits.METADATA_KEY_LENGTH_MAX) {
                return "metadata keys are 1 to " + Limits.METADATA_KEY_LENGTH_MAX + " characters";
            }
            if (value == null || value.length() > Limits.METADATA_VALUE_LENGTH_MAX) {
                return "metadata values are strings of at most " + Limits.METADATA_VALUE_LENGTH_MAX + " characters";
            }
            if (!Limits.isStorableText(key) || !Limits.isStorableText(value)) {
                return "metadata keys and values are well-formed text without U+0000";
            }
            bytes += key.getBytes(StandardCharsets.UTF_8).length + value.getBytes(StandardCharsets.UTF_8).length;
        }
        if (bytes > Limits.METADATA_BYTES_MAX) {
            return "metadata is larger than " + Limits.METADATA_BYTES_MAX + " bytes";
        }
        return null;
    }
}
