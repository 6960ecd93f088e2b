package dev.pacioli.platform.audit;

import dev.pacioli.platform.RequestReader;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code before} and {@code after} of an audit record: a JSON object with its keys in order, so
 * the same state reads the same way in every record. The text is stored and hashed as written.
 */
public final class AuditJson {
    private AuditJson() {}

    /**
     * An object of the given names and values, in pairs: {@code object("role", "admin", "flags",
     * List.of())}. Values are strings, numbers, booleans, lists of those, or null.
     */
    public static String object(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values come in pairs");
        }
        Map<String, Object> object = new TreeMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (object.put((String) namesAndValues[i], namesAndValues[i + 1]) != null) {
                throw new IllegalArgumentException("name given twice: " + namesAndValues[i]);
            }
        }
        return RequestReader.MAPPER.writeValueAsString(object);
    }
}
