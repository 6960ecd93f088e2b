package dev.pacioli.controls.screening;

import java.util.List;
import org.apache.commons.text.similarity.JaroWinklerSimilarity;

/**
 * How alike two normalised names are, from 0 to 1 (docs/screening.md, Scoring).
 *
 * <p>Two tokens score 1 when equal, {@link #INITIAL_SIMILARITY} when one is a single letter that starts
 * the other ({@code v} and {@code vladimir}), and otherwise their Jaro-Winkler similarity (Apache
 * commons-text). Two names score by their best token alignment: pairs are taken greedily, most similar
 * first, each token in at most one pair, so word order does not matter; the score is the pairs'
 * similarities weighted by the lengths of both tokens, over the length of every token of both names.
 * A token left without a partner counts as 0, so {@code putin trading} against {@code vladimir putin}
 * scores about 0.6: a company that carries a sanctioned person's surname does not hit, nor does {@code
 * putin} alone, whose one token is less than half of what the two names hold.
 *
 * <p>The property candidate generation rests on ({@link ScreeningIndex}): the score is a weighted mean
 * of the aligned pairs' similarities and zeros, so it is never above the best pair's similarity. A
 * name that scores at least a threshold therefore shares with the other at least one pair of tokens
 * that alone scores at least that threshold.
 */
public final class NameScore {
    /** What a single-letter initial scores against a word it starts. */
    public static final double INITIAL_SIMILARITY = 0.95;

    private static final JaroWinklerSimilarity JARO_WINKLER = new JaroWinklerSimilarity();

    private NameScore() {}

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
        return aligned(a, b, similarity);
    }

    /** The greedy alignment's weighted score over a table of token similarities. */
    static double aligned(List<String> a, List<String> b, double[][] similarity) {
        boolean[] usedA = new boolean[a.size()];
        boolean[] usedB = new boolean[b.size()];
        double matched = 0;
        int pairs = Math.min(a.size(), b.size());
        for (int pair = 0; pair < pairs; pair++) {
            int bestI = -1;
            int bestJ = -1;
            double best = 0;
            for (int i = 0; i < a.size(); i++) {
                if (usedA[i]) {
                    continue;
                }
                for (int j = 0; j < b.size(); j++) {
                    if (!usedB[j] && similarity[i][j] > best) {
                        best = similarity[i][j];
                        bestI = i;
                        bestJ = j;
                    }
                }
            }
            if (bestI < 0) {
                break;
            }
            usedA[bestI] = true;
            usedB[bestJ] = true;
            matched += (a.get(bestI).length() + b.get(bestJ).length()) * best;
        }
        return matched / (length(a) + length(b));
    }

    private static int length(List<String> tokens) {
        int length = 0;
        for (String token : tokens) {
            length += token.length();
        }
        return length;
    }
}
