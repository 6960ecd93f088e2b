package dev.pacioli.controls.screening;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns a name into the tokens screening compares (docs/screening.md, Normalisation), the same way for
 * a list's entries and for what is screened:
 *
 * <ol>
 *   <li>compatibility decomposition (NFKD) and every combining mark removed, so {@code Müller} and
 *       {@code Muller}, {@code Ｍ} and {@code M} are one; letters that do not decompose are transliterated
 *       ({@code ß} → {@code ss}, {@code ø} → {@code o}, Cyrillic to Latin, …);
 *   <li>lower case (in the root locale: a Turkish dotless i is not a locale accident);
 *   <li>apostrophes dropped ({@code O'Brien} → {@code obrien}), every other character that is not a letter
 *       or a digit is a space, so punctuation and hyphens separate words;
 *   <li>common transliterations of one given name written one way ({@code mohammed}, {@code mohamed},
 *       {@code muhammed} → {@code muhammad}: {@link #VARIANTS});
 *   <li>the particles {@code al}, {@code el} and {@code abdul} joined to the word after them ({@link
 *       #JOINED_WITH_NEXT}), since they are written apart, hyphenated and together;
 *   <li>legal-form words removed ({@code ltd}, {@code limited}, {@code llc}, {@code gmbh}, …: {@link
 *       #LEGAL_FORMS}), unless nothing else is left: they say what kind of company it is, not which.
 * </ol>
 *
 * Word order is not decided here: {@link NameScore} aligns tokens whatever their order. At most {@link
 * #TOKENS_MAX} tokens are kept, so comparing two names costs a bounded number of token comparisons.
 */
public final class NameNormalizer {
    /** Tokens kept of one name; the rest is dropped (a longer name is not a person's or a company's). */
    public static final int TOKENS_MAX = 16;

    /**
     * Words that name a legal form. Removed so that {@code Acme Ltd} and {@code Acme Limited} match and
     * {@code Acme Ltd} and {@code Zenith Ltd} do not share a word.
     */
    static final Set<String> LEGAL_FORMS = Set.of(
            "ltd",
            "limited",
            "corp",
            "corporation",
            "llc",
            "inc",
            "incorporated",
            "gmbh",
            "sa",
            "plc",
            "co",
            "company",
            "ag",
            "bv",
            "nv",
            "srl",
            "sarl",
            "sas",
            "spa",
            "oy",
            "ab",
            "as",
            "asa",
            "kg",
            "llp",
            "lp",
            "pte",
            "pty",
            "jsc",
            "ojsc",
            "pjsc",
            "cjsc",
            "ooo",
            "zao",
            "oao",
            "pao",
            "fze",
            "fzco",
            "fzc",
            "sl",
            "kk",
            "sdn",
            "bhd",
            "tbk",
            "doo",
            "sro",
            "zrt",
            "kft",
            "sp");

    /**
     * Particles written apart or together ({@code Al Rashid}, {@code Al-Rashid}, {@code Alrashid};
     * {@code Abdul Rahman}, {@code Abdulrahman}): always written together with the word after them.
     */
    static final Set<String> JOINED_WITH_NEXT = Set.of("al", "el", "abdul");

    /** One spelling for each common transliteration of a given name; the key is the variant. */
    static final Map<String, String> VARIANTS = variants(Map.ofEntries(
            Map.entry(
                    "muhammad",
                    List.of(
                            "mohammed",
                            "mohamed",
                            "mohammad",
                            "muhammed",
                            "mohamad",
                            "muhamed",
                            "mohamud",
                            "muhamad",
                            "mohammod",
                            "mohd",
                            "mouhamed",
                            "mouhammad",
                            "muhammet",
                            "mehmet",
                            "mohamma")),
            Map.entry("ahmad", List.of("ahmed", "ahmet", "achmad", "akhmed")),
            Map.entry("hussein", List.of("husain", "hussain", "husein", "hossein", "husayn", "houssein", "hosein")),
            Map.entry("hasan", List.of("hassan", "hassen", "hasen")),
            Map.entry("abdul", List.of("abdel", "abdal", "abdoul", "abdool", "abd")),
            Map.entry("yusuf", List.of("yousef", "youssef", "yousuf", "yusef", "yossef", "yousif", "youssouf")),
            Map.entry("usama", List.of("osama", "usamah", "ousama")),
            Map.entry("umar", List.of("omar", "omer", "umer")),
            Map.entry("mustafa", List.of("mostafa", "moustafa", "mustapha", "mostapha")),
            Map.entry("khalid", List.of("khaled", "chaled")),
            Map.entry("said", List.of("saeed", "sayed", "sayyid", "saied", "sayid")),
            Map.entry("qasim", List.of("qassim", "kassem", "qassem", "kasim", "kassim", "qasem")),
            Map.entry("ali", List.of("aly")),
            Map.entry("ibrahim", List.of("ebrahim", "ibrahem", "brahim")),
            Map.entry("yahya", List.of("yehia", "yahia", "yahiya")),
            Map.entry("abu", List.of("abou", "abo")),
            Map.entry("aleksandr", List.of("alexander", "aleksander", "alexandr", "alexandre", "oleksandr")),
            Map.entry("sergey", List.of("sergei", "serhiy", "serhii", "sergiy")),
            Map.entry("yuri", List.of("yury", "yuriy", "iurii", "iouri", "jurij", "yurii")),
            Map.entry("dmitry", List.of("dmitri", "dmitriy", "dmytro", "dimitri")),
            Map.entry("andrey", List.of("andrei", "andriy", "andrii")),
            Map.entry("alexey", List.of("aleksei", "alexei", "aleksey", "oleksiy", "oleksii")),
            Map.entry("evgeny", List.of("yevgeny", "evgeniy", "yevgeniy", "evgenii", "yevhen")),
            Map.entry("nikolay", List.of("nikolai", "mykola")),
            Map.entry("mikhail", List.of("mikhael", "mykhailo")),
            Map.entry("vladimir", List.of("volodymyr", "wladimir"))));

    /** Letters NFKD leaves whole, and the Latin letters they are usually written as. */
    private static final Map<Character, String> LETTERS = letters();

    private NameNormalizer() {}

    /** The name's tokens in their order, legal forms removed; empty for a name without letters or digits. */
    public static List<String> tokens(String name) {
        String text = fold(name);
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                word.append(c);
            } else if (c != '\'' && c != '\u2019' && c != '`') {
                flush(word, words);
            }
        }
        flush(word, words);
        List<String> kept = new ArrayList<>(words.size());
        for (String each : words) {
            if (!LEGAL_FORMS.contains(each)) {
                kept.add(each);
            }
        }
        List<String> tokens = joined(kept.isEmpty() ? words : kept);
        return List.copyOf(tokens.size() > TOKENS_MAX ? tokens.subList(0, TOKENS_MAX) : tokens);
    }

    /** The tokens with each of {@link #JOINED_WITH_NEXT} written together with the word after it. */
    private static List<String> joined(List<String> tokens) {
        List<String> joined = new ArrayList<>(tokens.size());
        String pending = "";
        for (String token : tokens) {
            if (JOINED_WITH_NEXT.contains(token)) {
                pending += token;
            } else {
                joined.add(pending + token);
                pending = "";
            }
        }
        if (!pending.isEmpty()) {
            joined.add(pending);
        }
        return joined;
    }

    private static void flush(StringBuilder word, List<String> words) {
        if (!word.isEmpty()) {
            String token = word.toString();
            words.add(VARIANTS.getOrDefault(token, token));
            word.setLength(0);
        }
    }

    /** Decomposed, marks stripped, transliterated, lower case. */
    static String fold(String name) {
        String decomposed = Normalizer.normalize(name, Normalizer.Form.NFKD);
        StringBuilder out = new StringBuilder(decomposed.length());
        for (int i = 0; i < decomposed.length(); i++) {
            char c = decomposed.charAt(i);
            int type = Character.getType(c);
            if (type == Character.NON_SPACING_MARK
                    || type == Character.COMBINING_SPACING_MARK
                    || type == Character.ENCLOSING_MARK) {
                continue;
            }
            char lower = Character.toLowerCase(c);
            String letter = LETTERS.get(lower);
            out.append(letter == null ? String.valueOf(lower) : letter);
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }

    private static Map<String, String> variants(Map<String, List<String>> byCanonical) {
        Map<String, String> variants = new HashMap<>();
        byCanonical.forEach((canonical, spellings) -> spellings.forEach(spelling -> {
            String previous = variants.put(spelling, canonical);
            if (previous != null) {
                throw new IllegalStateException("'" + spelling + "' is a variant of two names");
            }
        }));
        return Map.copyOf(variants);
    }

    private static Map<Character, String> letters() {
        Map<Character, String> letters = new HashMap<>();
        String[] latin = {
            "ß", "ss", "æ", "ae", "ø", "o", "œ", "oe", "ł", "l", "đ", "d", "ð", "d", "þ", "th", "ı", "i", "ħ", "h", "ŀ",
            "l", "ŧ", "t", "ĸ", "k", "ŋ", "ng", "ƒ", "f", "ſ", "s"
        };
        for (int i = 0; i < latin.length; i += 2) {
            letters.put(latin[i].charAt(0), latin[i + 1]);
        }
        // Cyrillic (Russian, Ukrainian, Belarusian, Serbian), in the common passport transliteration.
        String cyrillic = "а a б b в v г g д d е e ё e ж zh з z и i й i к k л l м m н n о o п p р r с s т t у u ф f"
                + " х kh ц ts ч ch ш sh щ shch ъ - ы y ь - э e ю yu я ya є ye і i ї yi ґ g ў u ђ dj ј j љ lj њ nj ћ c џ dz";
        String[] pairs = cyrillic.split(" ");
        for (int i = 0; i < pairs.length; i += 2) {
            letters.put(pairs[i].charAt(0), pairs[i + 1].equals("-") ? "" : pairs[i + 1]);
        }
        // Greek.
        String greek = "α a β v γ g δ d ε e ζ z η i θ th ι i κ k λ l μ m ν n ξ x ο o π p ρ r σ s ς s τ t υ y φ f χ kh"
                + " ψ ps ω o";
        pairs = greek.split(" ");
        for (int i = 0; i < pairs.length; i += 2) {
            letters.put(pairs[i].charAt(0), pairs[i + 1]);
        }
        return Map.copyOf(letters);
    }
}
