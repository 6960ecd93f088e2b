package dev.pacioli.controls.screening;

import java.util.Locale;

/** What a list's entry is. Stored and sent as its {@link #code()}. */
public enum EntryType {
    INDIVIDUAL,
    ENTITY,
    VESSEL,
    AIRCRAFT;

    /** The name on the wire and in the database: {@code individual}, {@code entity}, … */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type with this code, or null when there is none. */
    public static EntryType ofCode(String code) {
        for (EntryType type : values()) {
            if (type.code().equals(code)) {
                return type;
            }
        }
        return null;
    }
}
