package dev.pacioli.controls.screening;

import java.util.List;
import org.apache.commons.text.similarity.JaroWinklerSimilarity;

/**
 * How alike two normalised names are, from 0 to 1 (docs/screening.md, Scoring).
 *
 * <p>Two tokens score 1 when equal, {@link #INITIAL_SIMILARITY} when one is a single letter that starts
 * the other ({@code v} and {@code vladimir}), and otherwise their Jaro-Winkler similarity (Apache
 * commons-text). Two names are aligned token to token: pairs are taken greedily, most similar first,
 * each token in at most one pair, so word order does not matter, until every token of the name with
 * fewer tokens has a partner. Then the score is the least of
 *
 * <ul>
 *   <li>the pairs' mean similarity (every pair weighs the same: a long given name counts no more than
 *       a short surname), times {@code 1 − UNMATCHED_PENALTY · u / L}, where {@code u} of the longer
 *       name's {@code L} tokens were left without a partner; and
 *   <li>the weakest pair's similarity plus {@link #WEAKEST_PAIR_MARGIN}.
 * </ul>
 *
 * So a name hits at a threshold θ only if every token of its shorter side has a partner scoring at
 * least {@code θ − WEAKEST_PAIR_MARGIN} (0.90 at the default 0.92): a shared given name with another
 * surname ({@code Sufhasmaka Davsonguez} against {@code DOGU, Sufhasmaka}) or a shared surname with
 * another given name never hits, and a name holding one token of a two-token name ({@code Putin LLC}
 * against {@code Vladimir Putin}) scores at most 0.9.
 *
 * <p>What candidate generation rests on ({@link ScreeningIndex}): a name pair scoring at least θ has
 * {@code min(n, m)} aligned pairs (n and m tokens) that each score at least {@link #floor θ −
 * WEAKEST_PAIR_MARGIN}, and its {@link #coverage} is at least θ.
 */
public final class NameScore {
    /** What a single-letter initial scores against a word it starts. */
    public static final double INITIAL_SIMILARITY = 0.95;

    /** How far below the score its weakest pair may be. */
    public static final double WEAKEST_PAIR_MARGIN = 0.02;

    /** What leaving every token of the longer name without a partner would cost; proportionally less. */
    public static final double UNMATCHED_PENALTY = 0.2;

    private static final JaroWinklerSimilarity JARO_WINKLER = new JaroWinklerSimilarity();

    private NameScore() {}

    /** The least similarity every aligned pair of a name scoring at least {@code threshold} has. */
    public static double floor(double threshold) {
        return threshold - WEAKEST_PAIR_MARGIN;
    }

    /** The most two names of {@code n} and {@code m} tokens can score: the penalty of the unmatched. */
    public static double coverage(int n, int m) {
        int longer = Math.max(n, m);
        return 1 - UNMATCHED_PENALTY * (longer - Math.min(n, m)) / longer;
    }

    /** The similarity of two tokens, as above. */
    public static double tokens(String a, String b) {
        if (a.equals(b)) {
            return 1.0;
        }
        if (isInitialOf(a, b) || isInitialOf(b, a)) {
            return INITIAL_SIMILARITY;
        }
        return JARO_WINKLER.apply(a, b);
    }

    /** Whether {@code initial} is one letter and starts the longer {@code word}. */
    static boolean isInitialOf(String initial, String word) {
        return initial.length() == 1
                && word.length() > 1
                && Character.isLetter(initial.charAt(0))
                && word.charAt(0) == initial.charAt(0);
    }

    /** The score of two names given as tokens; 0 when either has none. */
    public static double names(List<String> a, List<String> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return 0.0;
        }
        double[][] similarity = new double[a.size()][b.size()];
        for (int i = 0; i < a.size(); i++) {
            for (int j = 0; j < b.size(); j++) {
                similarity[i][j] = tokens(a.get(i), b.get(j));
            }
        }
        return aligned(similarity);
    }

    /** The greedy alignment's score over a table of token similarities (rows: one name's tokens). */
    static double aligned(double[][] similarity) {
        int n = similarity.length;
        int m = similarity[0].length;
        boolean[] usedA = new boolean[n];
        boolean[] usedB = new boolean[m];
        int pairs = Math.min(n, m);
        double sum = 0;
        double weakest = 1;
        for (int pair = 0; pair < pairs; pair++) {
            int bestI = -1;
            int bestJ = -1;
            double best = -1;
            for (int i = 0; i < n; i++) {
                if (usedA[i]) {
                    continue;
                }
                for (int j = 0; j < m; j++) {
                    if (!usedB[j] && similarity[i][j] > best) {
                        best = similarity[i][j];
                        bestI = i;
                        bestJ = j;
                    }
                }
            }
            usedA[bestI] = true;
            usedB[bestJ] = true;
            sum += best;
            weakest = Math.min(weakest, best);
        }
        return Math.min(sum / pairs * coverage(n, m), weakest + WEAKEST_PAIR_MARGIN);
    }
}
