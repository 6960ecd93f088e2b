package dev.pacioli.bench;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws ranks 0..n-1 with probability proportional to 1 / (rank + 1)^exponent, by binary search over a
 * cumulative table built once (8 bytes per rank: 8 MB for a million accounts). Immutable, so every
 * producer thread shares one.
 */
final class Zipf {
    private final double[] cumulative;

    Zipf(int n, double exponent) {
        cumulative = new double[n];
        double sum = 0;
        for (int rank = 0; rank < n; rank++) {
            sum += 1.0 / Math.pow(rank + 1, exponent);
            cumulative[rank] = sum;
        }
        for (int rank = 0; rank < n; rank++) {
            cumulative[rank] /= sum;
        }
    }

    int next(SplittableRandom random) {
        int index = Arrays.binarySearch(cumulative, random.nextDouble());
        int rank = index >= 0 ? index : -index - 1;
        return Math.min(rank, cumulative.length - 1);
    }
}
