package dev.pacioli.reconciliation;

import dev.pacioli.ledger.Assert;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntToLongFunction;

/**
 * Matching statement lines against an account's ledger entries, tier by tier, decided for the whole
 * period at once.
 *
 * <p>The rule that makes the result independent of the order of the input: within a tier every
 * candidate pair (or group) is found first, and only then is anything accepted, and only what is
 * <em>mutually unique</em>: a line with exactly one candidate entry that has exactly one candidate line
 * (for groups: every item of the group in no other group of the tier). Everything else a tier found is
 * an ambiguity a person settles: its candidates become proposals with a score and the reasons, and the
 * items in them are held back from the weaker tiers below (a weaker tier sees a superset of the same
 * candidates, so it could only resolve the ambiguity by chance). Nothing is ever picked first-come, and
 * the input is sorted by id before anything else, so even the caps on proposals are stable.
 *
 * <p>Each line and each entry ends in at most one match. Pure: no database, no clock.
 *
 * <p>Limits: a one-to-many or many-to-one group has at most {@link #GROUP_SIZE_MAX} members drawn from
 * a pool of at most {@link #POOL_SIZE_MAX} items (the same reference, or the same day); a larger pool is
 * not searched (its combinations grow too fast and a coincidence becomes likely). A line keeps at most
 * {@link #PROPOSALS_PER_ITEM_MAX} proposals per tier, the best scored.
 */
public final class Matcher {
    public static final int GROUP_SIZE_MAX = 5;
    public static final int POOL_SIZE_MAX = 16;
    public static final int PROPOSALS_PER_ITEM_MAX = 5;
    public static final int WINDOW_DAYS_MAX = 31;

    /** The tiers, strongest first; the code is what is stored and shown. */
    public enum Tier {
        EXACT_ID("exact_id"),
        REFERENCE_AMOUNT_DATE("reference_amount_date"),
        AMOUNT_DATE("amount_date"),
        ONE_TO_MANY("one_to_many"),
        MANY_TO_ONE("many_to_one"),
        MANUAL("manual");

        public final String code;

        Tier(String code) {
            this.code = code;
        }

        public static Tier ofCode(String code) {
            for (Tier tier : values()) {
                if (tier.code.equals(code)) {
                    return tier;
                }
            }
            throw new IllegalArgumentException("no tier " + code);
        }
    }

    /** A statement line: amount signed, positive is money into the account. */
    public record Line(
            String id, long amount, LocalDate date, String externalId, String endToEndId, String reference) {}

    /** A ledger entry of the account: its journal sequence, its transaction, the signed change of balance. */
    public record Item(
            long sequence,
            String transactionId,
            long amount,
            LocalDate date,
            String externalId,
            String endToEndId,
            String reference) {}

    public record Match(Tier tier, List<String> lines, List<Long> entries) {}

    /** A candidate a person accepts or not; {@code score} a decimal string from 0 to 1. */
    public record Proposal(Tier tier, List<String> lines, List<Long> entries, String score, List<String> reasons) {}

    public record Outcome(
            List<Match> matches, List<Proposal> proposals, List<String> unmatchedLines, List<Long> unmatchedEntries) {
        public Map<Tier, Integer> countsPerTier() {
            Map<Tier, Integer> counts = new TreeMap<>();
            for (Match match : matches) {
                counts.merge(match.tier(), 1, Integer::sum);
            }
            return counts;
        }
    }

    private final Line[] lines;
    private final Item[] items;
    private final int windowDays;
    /** Matched, or held back by an ambiguity of a stronger tier. */
    private final boolean[] lineSettled;

    private final boolean[] itemSettled;
    private final List<Match> matches = new ArrayList<>();
    private final List<Proposal> proposals = new ArrayList<>();

    private Matcher(List<Line> lines, List<Item> items, int windowDays) {
        Assert.that(windowDays >= 0 && windowDays <= WINDOW_DAYS_MAX, "window of %s days", windowDays);
        this.lines = lines.toArray(Line[]::new);
        this.items = items.toArray(Item[]::new);
        Arrays.sort(this.lines, Comparator.comparing(Line::id));
        Arrays.sort(this.items, Comparator.comparingLong(Item::sequence));
        for (int i = 1; i < this.lines.length; i++) {
            Assert.that(!this.lines[i].id().equals(this.lines[i - 1].id()), "line %s twice", this.lines[i].id());
        }
        for (int i = 1; i < this.items.length; i++) {
            Assert.that(this.items[i].sequence() != this.items[i - 1].sequence(), "entry twice");
        }
        this.windowDays = windowDays;
        this.lineSettled = new boolean[this.lines.length];
        this.itemSettled = new boolean[this.items.length];
    }

    /** Matches the lines against the entries; the outcome depends on neither list's order. */
    public static Outcome match(List<Line> lines, List<Item> items, int windowDays) {
        Matcher matcher = new Matcher(lines, items, windowDays);
        matcher.pairTier(Tier.EXACT_ID);
        matcher.pairTier(Tier.REFERENCE_AMOUNT_DATE);
        matcher.pairTier(Tier.AMOUNT_DATE);
        matcher.groupTier();
        return matcher.outcome();
    }

    private Outcome outcome() {
        List<String> openLines = new ArrayList<>();
        List<Long> openEntries = new ArrayList<>();
        Set<String> matchedLines = new HashSet<>();
        Set<Long> matchedEntries = new HashSet<>();
        for (Match match : matches) {
            for (String line : match.lines()) {
                Assert.that(matchedLines.add(line), "line %s in two matches", line);
            }
            for (Long entry : match.entries()) {
                Assert.that(matchedEntries.add(entry), "entry %s in two matches", entry);
            }
        }
        for (Line line : lines) {
            if (!matchedLines.contains(line.id())) {
                openLines.add(line.id());
            }
        }
        for (Item item : items) {
            if (!matchedEntries.contains(item.sequence())) {
                openEntries.add(item.sequence());
            }
        }
        Comparator<Match> byTier = Comparator.comparing(Match::tier);
        matches.sort(byTier.thenComparing(match -> match.lines().getFirst()));
        return new Outcome(List.copyOf(matches), List.copyOf(proposals), openLines, openEntries);
    }

    // ---- one line, one entry -------------------------------------------------------------------------

    /** Candidates of a one-to-one tier, as (line, item) index pairs, each pair once. */
    private List<int[]> candidates(Tier tier) {
        List<int[]> pairs = new ArrayList<>();
        Map<Object, List<Integer>> index = new HashMap<>();
        for (int j = 0; j < items.length; j++) {
            if (itemSettled[j]) {
                continue;
            }
            for (Object key : itemKeys(tier, items[j])) {
                index.computeIfAbsent(key, k -> new ArrayList<>()).add(j);
            }
        }
        for (int i = 0; i < lines.length; i++) {
            if (lineSettled[i]) {
                continue;
            }
            Set<Integer> found = new LinkedHashSet<>();
            for (Object key : lineKeys(tier, lines[i])) {
                for (int j : index.getOrDefault(key, List.of())) {
                    if (tier == Tier.EXACT_ID || withinWindow(lines[i].date(), items[j].date())) {
                        found.add(j);
                    }
                }
            }
            for (int j : found) {
                pairs.add(new int[] {i, j});
            }
        }
        return pairs;
    }

    private static List<Object> itemKeys(Tier tier, Item item) {
        return switch (tier) {
            case EXACT_ID -> nonNull(item.transactionId(), item.externalId(), item.endToEndId());
            case REFERENCE_AMOUNT_DATE -> {
                String reference = normalized(item.reference());
                yield reference == null ? List.of() : List.of(new ReferenceAmount(reference, item.amount()));
            }
            case AMOUNT_DATE -> List.of(item.amount());
            default -> throw new IllegalArgumentException(tier.code);
        };
    }

    private static List<Object> lineKeys(Tier tier, Line line) {
        return switch (tier) {
            case EXACT_ID -> nonNull(line.externalId(), line.endToEndId());
            case REFERENCE_AMOUNT_DATE -> {
                String reference = normalized(line.reference());
                yield reference == null ? List.of() : List.of(new ReferenceAmount(reference, line.amount()));
            }
            case AMOUNT_DATE -> List.of(line.amount());
            default -> throw new IllegalArgumentException(tier.code);
        };
    }

    private record ReferenceAmount(String reference, long amount) {}

    private static List<Object> nonNull(String... values) {
        List<Object> keys = new ArrayList<>(values.length);
        for (String value : values) {
            if (value != null && !value.isBlank() && !keys.contains(value)) {
                keys.add(value);
            }
        }
        return keys;
    }

    /** References compare without case, and with runs of blanks as one. */
    static String normalized(String reference) {
        if (reference == null) {
            return null;
        }
        String normalized = reference.trim().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
        return normalized.isEmpty() ? null : normalized;
    }

    private boolean withinWindow(LocalDate a, LocalDate b) {
        return Math.abs(ChronoUnit.DAYS.between(a, b)) <= windowDays;
    }

    /**
     * A one-to-one tier: the mutually unique pairs are matched (for {@code exact_id}, only when the amounts
     * agree too); every other pair becomes a proposal and holds its line and entry back.
     */
    private void pairTier(Tier tier) {
        List<int[]> pairs = candidates(tier);
        int[] perLine = new int[lines.length];
        int[] perItem = new int[items.length];
        for (int[] pair : pairs) {
            perLine[pair[0]]++;
            perItem[pair[1]]++;
        }
        Map<Integer, List<Proposal>> proposed = new TreeMap<>();
        for (int[] pair : pairs) {
            Line line = lines[pair[0]];
            Item item = items[pair[1]];
            boolean unique = perLine[pair[0]] == 1 && perItem[pair[1]] == 1;
            if (unique && line.amount() == item.amount()) {
                matches.add(new Match(tier, List.of(line.id()), List.of(item.sequence())));
            } else {
                proposed.computeIfAbsent(pair[0], k -> new ArrayList<>())
                        .add(pairProposal(tier, line, item, perLine[pair[0]], perItem[pair[1]]));
            }
        }
        for (int[] pair : pairs) {
            lineSettled[pair[0]] = true;
            itemSettled[pair[1]] = true;
        }
        proposed.values().forEach(this::keepBest);
    }

    private void keepBest(List<Proposal> ofOneItem) {
        ofOneItem.sort(Comparator.comparing((Proposal proposal) -> new BigDecimal(proposal.score()))
                .reversed()
                .thenComparing(proposal -> proposal.entries().getFirst()));
        proposals.addAll(ofOneItem.subList(0, Math.min(PROPOSALS_PER_ITEM_MAX, ofOneItem.size())));
    }

    private Proposal pairProposal(Tier tier, Line line, Item item, int linesCandidates, int itemsCandidates) {
        List<String> reasons = new ArrayList<>();
        long days = Math.abs(ChronoUnit.DAYS.between(line.date(), item.date()));
        BigDecimal score = switch (tier) {
            case EXACT_ID -> {
                reasons.add("same id");
                yield new BigDecimal("0.95");
            }
            case REFERENCE_AMOUNT_DATE -> {
                reasons.add("same reference");
                yield new BigDecimal("0.90");
            }
            default -> new BigDecimal("0.70");
        };
        if (line.amount() == item.amount()) {
            reasons.add("same amount");
        } else {
            reasons.add("amounts differ by " + Math.abs(line.amount() - item.amount()));
            score = score.subtract(new BigDecimal("0.30"));
        }
        reasons.add(days == 0 ? "same day" : days + (days == 1 ? " day apart" : " days apart"));
        score = score.subtract(new BigDecimal("0.05").multiply(BigDecimal.valueOf(days)));
        if (linesCandidates > 1) {
            reasons.add("the line has " + linesCandidates + " candidate entries");
        }
        if (itemsCandidates > 1) {
            reasons.add("the entry is a candidate of " + itemsCandidates + " lines");
        }
        return new Proposal(tier, List.of(line.id()), List.of(item.sequence()), clamp(score), List.copyOf(reasons));
    }

    private static String clamp(BigDecimal score) {
        return score.max(BigDecimal.ZERO).min(BigDecimal.ONE).setScale(2).toPlainString();
    }

    // ---- groups --------------------------------------------------------------------------------------

    /** A candidate group: one line with several entries, or one entry with several lines. */
    private record Group(Tier tier, int[] lineIndexes, int[] itemIndexes, boolean sameReference) {}

    /**
     * One line equal to the sum of 2 to 5 entries (or the reverse) that share its reference or its day.
     * A group is matched when none of its items is in another group; the rest are proposals.
     */
    private void groupTier() {
        List<Group> groups = new ArrayList<>();
        Map<String, List<Integer>> itemsByReference = new TreeMap<>();
        Map<LocalDate, List<Integer>> itemsByDay = new TreeMap<>();
        for (int j = 0; j < items.length; j++) {
            if (!itemSettled[j]) {
                String reference = normalized(items[j].reference());
                if (reference != null) {
                    itemsByReference
                            .computeIfAbsent(reference, k -> new ArrayList<>())
                            .add(j);
                }
                itemsByDay
                        .computeIfAbsent(items[j].date(), k -> new ArrayList<>())
                        .add(j);
            }
        }
        Map<String, List<Integer>> linesByReference = new TreeMap<>();
        Map<LocalDate, List<Integer>> linesByDay = new TreeMap<>();
        for (int i = 0; i < lines.length; i++) {
            if (!lineSettled[i]) {
                String reference = normalized(lines[i].reference());
                if (reference != null) {
                    linesByReference
                            .computeIfAbsent(reference, k -> new ArrayList<>())
                            .add(i);
                }
                linesByDay
                        .computeIfAbsent(lines[i].date(), k -> new ArrayList<>())
                        .add(i);
            }
        }
        for (int i = 0; i < lines.length; i++) {
            if (!lineSettled[i]) {
                String reference = normalized(lines[i].reference());
                List<Integer> byReference = reference == null ? List.of() : itemsByReference.get(reference);
                List<Integer> byDay = itemsByDay.getOrDefault(lines[i].date(), List.of());
                oneToMany(i, byReference == null ? List.of() : byReference, byDay, groups);
            }
        }
        for (int j = 0; j < items.length; j++) {
            if (!itemSettled[j]) {
                String reference = normalized(items[j].reference());
                List<Integer> byReference = reference == null ? List.of() : linesByReference.get(reference);
                List<Integer> byDay = linesByDay.getOrDefault(items[j].date(), List.of());
                manyToOne(j, byReference == null ? List.of() : byReference, byDay, groups);
            }
        }
        settleGroups(groups);
    }

    private void oneToMany(int line, List<Integer> byReference, List<Integer> byDay, List<Group> groups) {
        Set<List<Integer>> found = new LinkedHashSet<>();
        long target = lines[line].amount();
        for (List<Integer> subset : subsetsSumming(byReference, j -> items[j].amount(), target)) {
            if (found.add(subset)) {
                groups.add(new Group(Tier.ONE_TO_MANY, new int[] {line}, toArray(subset), true));
            }
        }
        for (List<Integer> subset : subsetsSumming(byDay, j -> items[j].amount(), target)) {
            if (found.add(subset)) {
                groups.add(new Group(Tier.ONE_TO_MANY, new int[] {line}, toArray(subset), false));
            }
        }
    }

    private void manyToOne(int item, List<Integer> byReference, List<Integer> byDay, List<Group> groups) {
        Set<List<Integer>> found = new LinkedHashSet<>();
        long target = items[item].amount();
        for (List<Integer> subset : subsetsSumming(byReference, i -> lines[i].amount(), target)) {
            if (found.add(subset)) {
                groups.add(new Group(Tier.MANY_TO_ONE, toArray(subset), new int[] {item}, true));
            }
        }
        for (List<Integer> subset : subsetsSumming(byDay, i -> lines[i].amount(), target)) {
            if (found.add(subset)) {
                groups.add(new Group(Tier.MANY_TO_ONE, toArray(subset), new int[] {item}, false));
            }
        }
    }

    private static int[] toArray(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Every subset of 2 to 5 of the pool (ascending indexes) whose amounts sum to the target. */
    private static List<List<Integer>> subsetsSumming(List<Integer> pool, IntToLongFunction amount, long target) {
        List<List<Integer>> found = new ArrayList<>();
        if (pool.size() < 2 || pool.size() > POOL_SIZE_MAX) {
            return found;
        }
        search(pool, amount, target, 0, new ArrayList<>(), 0, found);
        return found;
    }

    private static void search(
            List<Integer> pool,
            IntToLongFunction amount,
            long target,
            int from,
            List<Integer> chosen,
            long sum,
            List<List<Integer>> found) {
        if (chosen.size() >= 2 && sum == target) {
            found.add(List.copyOf(chosen));
        }
        if (chosen.size() == GROUP_SIZE_MAX) {
            return;
        }
        for (int k = from; k < pool.size(); k++) {
            int index = pool.get(k);
            chosen.add(index);
            search(pool, amount, target, k + 1, chosen, Math.addExact(sum, amount.applyAsLong(index)), found);
            chosen.removeLast();
        }
    }

    private void settleGroups(List<Group> groups) {
        int[] perLine = new int[lines.length];
        int[] perItem = new int[items.length];
        for (Group group : groups) {
            for (int i : group.lineIndexes()) {
                perLine[i]++;
            }
            for (int j : group.itemIndexes()) {
                perItem[j]++;
            }
        }
        Map<String, List<Proposal>> proposed = new TreeMap<>();
        for (Group group : groups) {
            boolean unique = true;
            for (int i : group.lineIndexes()) {
                unique &= perLine[i] == 1;
            }
            for (int j : group.itemIndexes()) {
                unique &= perItem[j] == 1;
            }
            List<String> lineIds = new ArrayList<>();
            for (int i : group.lineIndexes()) {
                lineIds.add(lines[i].id());
            }
            List<Long> entries = new ArrayList<>();
            for (int j : group.itemIndexes()) {
                entries.add(items[j].sequence());
            }
            if (unique) {
                matches.add(new Match(group.tier(), List.copyOf(lineIds), List.copyOf(entries)));
            } else {
                String one = group.tier() == Tier.ONE_TO_MANY ? lineIds.getFirst() : "e" + entries.getFirst();
                proposed.computeIfAbsent(one, k -> new ArrayList<>()).add(groupProposal(group, lineIds, entries));
            }
        }
        proposed.values().forEach(this::keepBest);
    }

    private static Proposal groupProposal(Group group, List<String> lineIds, List<Long> entries) {
        List<String> reasons = new ArrayList<>();
        reasons.add(
                group.tier() == Tier.ONE_TO_MANY
                        ? "the line equals the sum of " + entries.size() + " entries"
                        : "the entry equals the sum of " + lineIds.size() + " lines");
        reasons.add(group.sameReference() ? "same reference" : "same day");
        reasons.add("another group shares an item");
        String score = group.sameReference() ? "0.60" : "0.40";
        return new Proposal(group.tier(), List.copyOf(lineIds), List.copyOf(entries), score, List.copyOf(reasons));
    }
}
