package dev.pacioli.controls.screening;

import dev.pacioli.ledger.Assert;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One entry of a sanctions list: a person, an organisation, a vessel or an aircraft.
 *
 * @param id the list's own id of the entry (OFAC's {@code ent_num})
 * @param aliases other names it is known by (OFAC's {@code alt.csv}: aka, fka, nka)
 * @param countries ISO 3166 alpha-2 codes the list associates with it (shown, not screened)
 * @param addresses wallet addresses and account numbers, matched exactly (hex {@code 0x…} ignoring case)
 */
public record ScreeningEntry(
        String id, String name, List<String> aliases, EntryType type, List<String> countries, List<String> addresses) {
    /** Characters of an entry's id. */
    public static final int ID_LENGTH_MAX = 128;
    /** Characters of a name or an alias. */
    public static final int NAME_LENGTH_MAX = 512;
    /** Aliases of one entry. */
    public static final int ALIASES_MAX = 200;
    /** Countries of one entry. */
    public static final int COUNTRIES_MAX = 50;
    /** Addresses of one entry. */
    public static final int ADDRESSES_MAX = 200;
    /** Characters of an address. */
    public static final int ADDRESS_LENGTH_MAX = 256;

    public ScreeningEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Assert.that(
                name.length() <= NAME_LENGTH_MAX && aliases.stream().allMatch(a -> a.length() <= NAME_LENGTH_MAX),
                "an entry's names are at most %d characters (the index packs token lengths)",
                NAME_LENGTH_MAX);
        aliases = List.copyOf(aliases);
        countries = List.copyOf(countries);
        addresses = List.copyOf(addresses);
    }

    public ScreeningEntry withAliases(List<String> replaced) {
        return new ScreeningEntry(id, name, replaced, type, countries, addresses);
    }

    /**
     * The form an address is compared in: as given, but a hex address ({@code 0x} and hex digits, as
     * Ethereum's) in lower case, since its case is only a checksum.
     */
    public static String addressKey(String address) {
        String trimmed = address.strip();
        if (trimmed.length() > 2 && (trimmed.startsWith("0x") || trimmed.startsWith("0X")) && isHex(trimmed, 2)) {
            return trimmed.toLowerCase(Locale.ROOT);
        }
        return trimmed;
    }

    private static boolean isHex(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            if (Character.digit(text.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
