package dev.pacioli.controls.screening;

import dev.pacioli.ledger.Assert;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One version of one list, held in memory for screening: every name and alias normalised once, and
 * an index that finds, for a screened name, the few list names that can score at least the threshold
 * without comparing it to all of them (100,000 entries × 10,000 names is 10^9 comparisons).
 *
 * <p><b>Why the index loses no hit.</b> A name scoring at least θ shares a token pair that alone
 * scores at least θ ({@link NameScore}): equal tokens, an initial and a word it starts, or two tokens
 * whose Jaro-Winkler similarity is at least θ. The first two are dictionary look-ups. For the third:
 * commons-text's Jaro-Winkler is {@code j + 0.1·l·(1 − j)} with a common prefix {@code l ≤ 4} when the
 * Jaro similarity {@code j ≥ 0.7}, else {@code j}; so a similarity of θ ≥ 0.7 needs {@code j ≥
 * max(0.7, (θ − 0.4) / 0.6)} (0.8667 for 0.92), and {@code j ≤ (m/x + m/y + 1) / 3} for tokens of
 * lengths x and y with m matching characters. So the two tokens share at least {@code T = ⌈c·x·y /
 * (x + y)⌉} characters (as multisets), {@code c = 3·j_min − 1}. Prefix filtering (as in set-similarity
 * joins) finds every such pair exactly: order each token's characters (the k-th occurrence of a letter
 * is an element of its own) by how rare they are in the list; two tokens sharing at least T elements
 * share an element among the first {@code x − T + 1} of one and the first {@code y − T + 1} of the
 * other. The index keeps, per element, the tokens holding it with their length and the element's
 * position, so a query reads only the postings inside both prefixes. Rare letters come first, so those
 * postings are short. Every candidate is then scored exactly as a full scan would
 * ({@link #bruteForce} is that scan; {@code ScreeningIndexTest} compares both on seeded lists).
 *
 * <p>Immutable once built; any number of threads screen against it at once.
 */
public final class ScreeningIndex {
    private final String list;
    private final long version;
    private final List<ScreeningEntry> entries;
    private final Set<String> blockedCountries;

    /** Every name and alias: its entry, whether it is an alias, its text and its tokens. */
    private final int[] nameEntry;

    private final boolean[] nameIsAlias;
    private final String[] nameText;
    private final List<List<String>> nameTokens;

    /** The distinct tokens of every name, by id, and the names that hold each. */
    private final List<String> tokens = new ArrayList<>();

    private final Map<String, Integer> tokenIds = new HashMap<>();
    private final int[][] tokenNames;

    /** Element (a character and its occurrence in the token) → its rank, rarest first. */
    private final Map<Integer, Integer> elementRank = new HashMap<>();

    /** Element → postings {@code length << 40 | position << 24 | token id}, sorted. */
    private final Map<Integer, long[]> postings = new HashMap<>();

    /** First letter → tokens of two or more characters starting with it (for a screened initial). */
    private final Map<Character, int[]> byInitial = new HashMap<>();

    private final Map<String, int[]> byAddress = new HashMap<>();
    private final int tokenLengthMax;

    /** Per token: its characters as a bit set ({@link CharacterSketch}); per name: its token ids. */
    private long[] tokenSketch;

    private int[] tokenExcess;
    private final List<int[]> nameTokenIds;

    /** Tokens screened before and the names holding list tokens similar to them: names repeat given names. */
    private final ConcurrentHashMap<Similar, int[]> similar = new ConcurrentHashMap<>();

    private record Similar(String token, double threshold) {}

    /** Screened tokens whose similar names are kept, and how many names all of them hold at most. */
    private static final int SIMILAR_CACHED_MAX = 100_000;

    private static final long CACHED_NAMES_MAX = 20_000_000;
    private final AtomicLong cachedNames = new AtomicLong();

    private static final int TOKEN_IDS_MAX = 1 << 24;

    public ScreeningIndex(String list, long version, List<ScreeningEntry> entries, Set<String> blockedCountries) {
        this.list = list;
        this.version = version;
        this.entries = List.copyOf(entries);
        this.blockedCountries = Set.copyOf(blockedCountries);
        int names = 0;
        for (ScreeningEntry entry : this.entries) {
            names += 1 + entry.aliases().size();
        }
        nameEntry = new int[names];
        nameIsAlias = new boolean[names];
        nameText = new String[names];
        nameTokens = new ArrayList<>(names);
        nameTokenIds = new ArrayList<>(names);
        List<List<Integer>> namesOfToken = new ArrayList<>();
        int name = 0;
        for (int e = 0; e < this.entries.size(); e++) {
            ScreeningEntry entry = this.entries.get(e);
            name = addName(name, e, false, entry.name(), namesOfToken);
            for (String alias : entry.aliases()) {
                name = addName(name, e, true, alias, namesOfToken);
            }
            for (String address : entry.addresses()) {
                byAddress.merge(ScreeningEntry.addressKey(address), new int[] {e}, ScreeningIndex::concat);
            }
        }
        tokenNames = new int[tokens.size()][];
        for (int t = 0; t < tokens.size(); t++) {
            tokenNames[t] = namesOfToken.get(t).stream()
                    .mapToInt(Integer::intValue)
                    .distinct()
                    .toArray();
        }
        tokenLengthMax = tokens.stream().mapToInt(String::length).max().orElse(0);
        tokenSketch = new long[tokens.size()];
        tokenExcess = new int[tokens.size()];
        for (int t = 0; t < tokens.size(); t++) {
            tokenSketch[t] = CharacterSketch.bits(tokens.get(t));
            tokenExcess[t] = CharacterSketch.excess(tokens.get(t));
        }
        buildElements();
    }

    private int addName(int name, int entry, boolean alias, String text, List<List<Integer>> namesOfToken) {
        nameEntry[name] = entry;
        nameIsAlias[name] = alias;
        nameText[name] = text;
        List<String> normalised = NameNormalizer.tokens(text);
        nameTokens.add(normalised);
        int[] ids = new int[normalised.size()];
        int k = 0;
        for (String token : normalised) {
            Integer id = tokenIds.get(token);
            if (id == null) {
                Assert.that(tokens.size() < TOKEN_IDS_MAX, "a list holds fewer than 2^24 distinct tokens");
                id = tokens.size();
                tokenIds.put(token, id);
                tokens.add(token);
                namesOfToken.add(new ArrayList<>(2));
            }
            namesOfToken.get(id).add(name);
            ids[k++] = id;
        }
        nameTokenIds.add(ids);
        return name + 1;
    }

    /** Ranks the elements by how many tokens hold them, then fills the postings and the initials. */
    private void buildElements() {
        Map<Integer, Integer> frequency = new HashMap<>();
        List<int[]> elementsOfToken = new ArrayList<>(tokens.size());
        for (String token : tokens) {
            int[] elements = elements(token);
            elementsOfToken.add(elements);
            for (int element : elements) {
                frequency.merge(element, 1, Integer::sum);
            }
        }
        List<Integer> ordered = new ArrayList<>(frequency.keySet());
        ordered.sort(Comparator.<Integer>comparingInt(frequency::get).thenComparingInt(Integer::intValue));
        for (int rank = 0; rank < ordered.size(); rank++) {
            elementRank.put(ordered.get(rank), rank);
        }
        Map<Integer, List<Long>> lists = new HashMap<>();
        Map<Character, List<Integer>> initials = new HashMap<>();
        for (int t = 0; t < tokens.size(); t++) {
            String token = tokens.get(t);
            int[] sorted = sortedByRank(elementsOfToken.get(t));
            for (int position = 0; position < sorted.length; position++) {
                long posting = ((long) token.length() << 40) | ((long) position << 24) | t;
                lists.computeIfAbsent(sorted[position], k -> new ArrayList<>()).add(posting);
            }
            if (token.length() > 1 && Character.isLetter(token.charAt(0))) {
                initials.computeIfAbsent(token.charAt(0), k -> new ArrayList<>())
                        .add(t);
            }
        }
        lists.forEach((element, list) -> {
            long[] packed = list.stream().mapToLong(Long::longValue).toArray();
            Arrays.sort(packed);
            postings.put(element, packed);
        });
        initials.forEach((letter, ids) ->
                byInitial.put(letter, ids.stream().mapToInt(Integer::intValue).toArray()));
    }

    /** A token's characters as elements: the k-th occurrence of a character is {@code char << 16 | k}. */
    static int[] elements(String token) {
        int[] elements = new int[token.length()];
        Map<Character, Integer> seen = new HashMap<>();
        for (int i = 0; i < token.length(); i++) {
            int occurrence = seen.merge(token.charAt(i), 1, Integer::sum);
            elements[i] = (token.charAt(i) << 16) | Math.min(occurrence, 0xFFFF);
        }
        return elements;
    }

    /** The elements rarest first; elements no list token holds come before all others. */
    private int[] sortedByRank(int[] elements) {
        Integer[] boxed = Arrays.stream(elements).boxed().toArray(Integer[]::new);
        Arrays.sort(
                boxed,
                Comparator.<Integer>comparingInt(element -> elementRank.getOrDefault(element, -1))
                        .thenComparingInt(Integer::intValue));
        return Arrays.stream(boxed).mapToInt(Integer::intValue).toArray();
    }

    public String list() {
        return list;
    }

    public long version() {
        return version;
    }

    public int entryCount() {
        return entries.size();
    }

    /** Every hit of the subject: the best name or alias of each matching entry, its address, the country. */
    public List<Hit> screen(Subject subject, double threshold) {
        List<Hit> hits = new ArrayList<>();
        if (subject.name() != null) {
            List<String> query = NameNormalizer.tokens(subject.name());
            BitSet candidates = candidates(query, threshold);
            hits.addAll(nameHits(query, candidates, threshold));
        }
        otherHits(subject, hits);
        return sorted(hits);
    }

    /** The same hits by scoring every name of the list: what {@link #screen} must equal. */
    List<Hit> bruteForce(Subject subject, double threshold) {
        List<Hit> hits = new ArrayList<>();
        if (subject.name() != null) {
            BitSet all = new BitSet(nameText.length);
            all.set(0, nameText.length);
            hits.addAll(nameHits(NameNormalizer.tokens(subject.name()), all, threshold));
        }
        otherHits(subject, hits);
        return sorted(hits);
    }

    private void otherHits(Subject subject, List<Hit> hits) {
        if (subject.address() != null) {
            String key = ScreeningEntry.addressKey(subject.address());
            for (int e : byAddress.getOrDefault(key, new int[0])) {
                ScreeningEntry entry = entries.get(e);
                String matched = entry.addresses().stream()
                        .filter(address -> ScreeningEntry.addressKey(address).equals(key))
                        .findFirst()
                        .orElseThrow();
                hits.add(new Hit(list, version, entry, 1.0, Hit.ADDRESS, matched));
            }
        }
        if (subject.country() != null && blockedCountries.contains(subject.country())) {
            hits.add(new Hit(list, version, null, 1.0, Hit.COUNTRY, subject.country()));
        }
    }

    private static List<Hit> sorted(List<Hit> hits) {
        hits.sort(Comparator.comparingDouble(Hit::score)
                .reversed()
                .thenComparing(hit -> hit.entry() == null ? "" : hit.entry().id())
                .thenComparing(Hit::field));
        return List.copyOf(hits);
    }

    /** Of the candidate names, the best scoring at least the threshold per entry. */
    private List<Hit> nameHits(List<String> query, BitSet candidates, double threshold) {
        Map<Integer, Hit> best = new LinkedHashMap<>();
        if (query.isEmpty()) {
            return List.of();
        }
        for (int name = candidates.nextSetBit(0); name >= 0; name = candidates.nextSetBit(name + 1)) {
            double score = NameScore.names(query, nameTokens.get(name));
            if (score < threshold) {
                continue;
            }
            int entry = nameEntry[name];
            Hit current = best.get(entry);
            if (current == null || score > current.score()) {
                String field = nameIsAlias[name] ? Hit.ALIAS : Hit.NAME;
                best.put(entry, new Hit(list, version, entries.get(entry), score, field, nameText[name]));
            }
        }
        return List.copyOf(best.values());
    }

    /**
     * The names that may score at least the threshold, a superset of those that do: each of {@code n}
     * query tokens has the names holding a token at least {@link NameScore#floor} -similar to it; a
     * name of {@code m} tokens is kept when at least {@code min(n, m)} query tokens have it, and when
     * {@link NameScore#coverage}{@code (n, m)} reaches the threshold ({@link NameScore}: a name that
     * scores θ has {@code min(n, m)} aligned pairs of distinct query tokens, each at least the floor).
     * The per-token name lists are sorted, so counting is one merge of them.
     */
    BitSet candidates(List<String> query, double threshold) {
        int n = query.size();
        int[][] holders = new int[n][];
        for (int i = 0; i < n; i++) {
            holders[i] = namesNear(query.get(i), NameScore.floor(threshold) - 1e-9);
        }
        BitSet names = new BitSet(nameText.length);
        int[] at = new int[n];
        while (true) {
            int name = Integer.MAX_VALUE;
            for (int i = 0; i < n; i++) {
                if (at[i] < holders[i].length) {
                    name = Math.min(name, holders[i][at[i]]);
                }
            }
            if (name == Integer.MAX_VALUE) {
                return names;
            }
            int count = 0;
            for (int i = 0; i < n; i++) {
                if (at[i] < holders[i].length && holders[i][at[i]] == name) {
                    count++;
                    at[i]++;
                }
            }
            int m = nameTokenIds.get(name).length;
            if (count >= Math.min(n, m) && NameScore.coverage(n, m) >= threshold - 1e-9) {
                names.set(name);
            }
        }
    }

    /** The names holding a list token at least {@code floor}-similar to {@code q}, ascending; cached. */
    private int[] namesNear(String q, double floor) {
        Similar key = new Similar(q, floor);
        int[] known = similar.get(key);
        if (known != null) {
            return known;
        }
        int[] tokenIds = findSimilarTokens(q, floor);
        int size = 0;
        for (int t : tokenIds) {
            size += tokenNames[t].length;
        }
        int[] found = new int[size];
        int k = 0;
        for (int t : tokenIds) {
            System.arraycopy(tokenNames[t], 0, found, k, tokenNames[t].length);
            k += tokenNames[t].length;
        }
        found = tokenIds.length == 1
                ? found
                : Arrays.stream(found).sorted().distinct().toArray();
        if (similar.size() < SIMILAR_CACHED_MAX && cachedNames.addAndGet(found.length) < CACHED_NAMES_MAX) {
            similar.put(key, found);
        }
        return found;
    }

    /** Ids of the list's tokens that score at least {@code threshold} against {@code q}. */
    private int[] findSimilarTokens(String q, double threshold) {
        BitSet found = new BitSet(tokens.size());
        Integer exact = tokenIds.get(q);
        if (exact != null) {
            found.set(exact);
        }
        if (NameScore.INITIAL_SIMILARITY >= threshold) {
            initialMatches(q, found);
        }
        prefixCandidates(q, threshold, found);
        // The characters the two must share (the class comment), checked on sketches before Jaro-Winkler.
        double matches = 3 * jaroMin(threshold) - 1 - 1e-9;
        long bits = CharacterSketch.bits(q);
        int excess = CharacterSketch.excess(q);
        return found.stream()
                .filter(t -> (exact != null && t == exact)
                        || NameScore.isInitialOf(q, tokens.get(t))
                        || NameScore.isInitialOf(tokens.get(t), q)
                        || CharacterSketch.mayShare(
                                matches,
                                q.length(),
                                bits,
                                excess,
                                tokens.get(t).length(),
                                tokenSketch[t],
                                tokenExcess[t]))
                .filter(t -> NameScore.tokens(q, tokens.get(t)) >= threshold)
                .toArray();
    }

    private void initialMatches(String q, BitSet found) {
        if (q.length() == 1) {
            for (int t : byInitial.getOrDefault(q.charAt(0), new int[0])) {
                found.set(t);
            }
        } else if (Character.isLetter(q.charAt(0))) {
            Integer initial = tokenIds.get(q.substring(0, 1));
            if (initial != null) {
                found.set(initial);
            }
        }
    }

    /** Every list token sharing an element with {@code q} inside both prefixes (see the class comment). */
    private void prefixCandidates(String q, double threshold, BitSet found) {
        double c = 3 * jaroMin(threshold) - 1 - 1e-9;
        int[] sorted = sortedByRank(elements(q));
        int x = q.length();
        for (int y = 1; y <= tokenLengthMax; y++) {
            int overlap = Math.max(1, (int) Math.ceil(c * x * y / (x + y) - 1e-9));
            if (overlap > Math.min(x, y)) {
                continue;
            }
            int queryPrefix = x - overlap + 1;
            int listPrefix = y - overlap + 1;
            for (int k = 0; k < queryPrefix; k++) {
                long[] list = postings.get(sorted[k]);
                if (list != null) {
                    scan(list, y, listPrefix, found);
                }
            }
        }
    }

    /** The least Jaro similarity at which commons-text's Jaro-Winkler can reach the threshold. */
    static double jaroMin(double threshold) {
        return threshold >= 0.7 ? Math.max(0.7, (threshold - 0.4) / 0.6) : threshold;
    }

    /** Marks the tokens of length {@code y} whose element sits before {@code prefix} in their order. */
    private static void scan(long[] list, int y, int prefix, BitSet found) {
        long from = (long) y << 40;
        int i = Arrays.binarySearch(list, from);
        i = i < 0 ? -i - 1 : i;
        long end = ((long) y << 40) | ((long) prefix << 24);
        for (; i < list.length && list[i] < end; i++) {
            found.set((int) (list[i] & 0xFFFFFF));
        }
    }

    private static int[] concat(int[] a, int[] b) {
        int[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
