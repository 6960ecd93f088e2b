package dev.pacioli.controls.screening;

/**
 * A cheap test of whether two tokens can be similar enough, for dropping candidates before scoring them.
 *
 * <p>Jaro similarity counts m matching characters, and those are characters both tokens hold, so m is
 * at most the size of the two tokens' common multiset of characters. A token's sketch is a bit per
 * (letter, first or second occurrence) and per digit's first occurrence; every other character counts
 * in its {@code excess}. The characters two tokens share are at most the bits their sketches share plus
 * the smaller excess: a popcount instead of Jaro-Winkler's matching pass.
 */
final class CharacterSketch {
    private CharacterSketch() {}

    static long bits(String token) {
        long bits = 0;
        for (int i = 0; i < token.length(); i++) {
            long bit = bit(token, i);
            if (bit != 0 && (bits & bit) == 0) {
                bits |= bit;
            } else if (bit != 0 && (bits & (bit << 26)) == 0 && isLetter(token.charAt(i))) {
                bits |= bit << 26;
            }
        }
        return bits;
    }

    static int excess(String token) {
        return token.length() - Long.bitCount(bits(token));
    }

    private static boolean isLetter(char c) {
        return c >= 'a' && c <= 'z';
    }

    /** The first-occurrence bit of the character at {@code i}: letters 0..25, digits 52..61; 0 for others. */
    private static long bit(String token, int i) {
        char c = token.charAt(i);
        if (isLetter(c)) {
            return 1L << (c - 'a');
        }
        if (c >= '0' && c <= '9') {
            return 1L << (52 + c - '0');
        }
        return 0;
    }

    /**
     * Whether tokens of lengths x and y may share the {@code ⌈matches·x·y/(x + y)⌉} characters that a
     * Jaro similarity of {@code (matches + 1) / 3} needs.
     */
    static boolean mayShare(double matches, int x, long bitsA, int excessA, int y, long bitsB, int excessB) {
        int shared = Long.bitCount(bitsA & bitsB) + Math.min(excessA, excessB);
        return shared >= Math.ceil(matches * x * y / (x + y) - 1e-9);
    }
}
