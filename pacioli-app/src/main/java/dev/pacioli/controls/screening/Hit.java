package dev.pacioli.controls.screening;

/**
 * One match of a subject against a list: which entry of which version, how well, and on what.
 *
 * @param entry the matched entry, or null for a blocked country (which is the list's, not an entry's)
 * @param score 1 for an exact address or a blocked country; the name score otherwise
 * @param field what matched: {@code name}, {@code alias}, {@code address} or {@code country}
 * @param matched the list's value that matched (the entry's name or alias, its address, the country)
 */
public record Hit(String list, long version, ScreeningEntry entry, double score, String field, String matched) {
    public static final String NAME = "name";
    public static final String ALIAS = "alias";
    public static final String ADDRESS = "address";
    public static final String COUNTRY = "country";
}
