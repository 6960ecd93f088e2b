package dev.pacioli.ledger;

import java.util.Objects;

/**
 * What a limit says: which accounts it covers ({@code accounts}: an account id, or a pattern in which
 * {@code *} stands for exactly one non-empty segment between colons), in which asset, which side of
 * their entries it counts, and its bounds. Each bound is null when absent; at least one is given, and
 * {@code windowSeconds} comes exactly with the window's bounds. The HTTP layer names the field that
 * breaks a rule; here a broken rule is a caller's bug.
 */
public record LimitSpec(
        String id,
        String accounts,
        String asset,
        LimitDirection direction,
        Long maxAmountPerTransaction,
        Long windowSeconds,
        Long maxAmountPerWindow,
        Long maxCountPerWindow) {
    public LimitSpec {
        if (!Limits.isIdentifier(id)) {
            throw new IllegalArgumentException("limit id does not match the identifier pattern");
        }
        String problem = accountsProblem(accounts);
        if (problem != null) {
            throw new IllegalArgumentException("accounts " + problem);
        }
        if (!Limits.isAssetCode(asset)) {
            throw new IllegalArgumentException("asset is not an asset code");
        }
        Objects.requireNonNull(direction, "direction");
        for (Long bound : new Long[] {maxAmountPerTransaction, windowSeconds, maxAmountPerWindow, maxCountPerWindow}) {
            if (bound != null && bound <= 0) {
                throw new IllegalArgumentException("a limit's bounds are positive");
            }
        }
        if (maxAmountPerTransaction == null && maxAmountPerWindow == null && maxCountPerWindow == null) {
            throw new IllegalArgumentException("a limit has at least one bound");
        }
        if ((windowSeconds == null) != (maxAmountPerWindow == null && maxCountPerWindow == null)) {
            throw new IllegalArgumentException("window_seconds comes with the window's bounds, and only with them");
        }
        if (windowSeconds != null && windowSeconds > Limits.LIMIT_WINDOW_SECONDS_MAX) {
            throw new IllegalArgumentException("window_seconds is at most " + Limits.LIMIT_WINDOW_SECONDS_MAX);
        }
    }

    /** Why {@code accounts} is not an account id or pattern, or null when it is one. */
    public static String accountsProblem(String accounts) {
        if (accounts == null || accounts.isEmpty()) {
            return "is empty";
        }
        if (accounts.length() > Limits.IDENTIFIER_LENGTH_MAX) {
            return "is longer than " + Limits.IDENTIFIER_LENGTH_MAX + " characters";
        }
        int start = 0;
        while (true) {
            int end = accounts.indexOf(':', start);
            end = end < 0 ? accounts.length() : end;
            boolean wildcard = end - start == 1 && accounts.charAt(start) == '*';
            if (!wildcard && accounts.substring(start, end).indexOf('*') >= 0) {
                return "has a * that is not a whole segment between colons";
            }
            if (end == accounts.length()) {
                break;
            }
            start = end + 1;
        }
        return Limits.isIdentifier(accounts.replace('*', 'x')) ? null : "is not an account id or a pattern of one";
    }

    /** Whether the account id matches {@code accounts}; allocates nothing. */
    public boolean covers(String accountId) {
        return matches(accounts, accountId);
    }

    /** Whether {@code accountId} matches the pattern, {@code *} matching one non-empty segment. */
    public static boolean matches(String pattern, String accountId) {
        int p = 0;
        int a = 0;
        while (true) {
            int patternEnd = pattern.indexOf(':', p);
            patternEnd = patternEnd < 0 ? pattern.length() : patternEnd;
            int accountEnd = accountId.indexOf(':', a);
            accountEnd = accountEnd < 0 ? accountId.length() : accountEnd;
            int length = patternEnd - p;
            if (length == 1 && pattern.charAt(p) == '*') {
                if (accountEnd == a) {
                    return false;
                }
            } else if (length != accountEnd - a || !pattern.regionMatches(p, accountId, a, length)) {
                return false;
            }
            boolean patternDone = patternEnd == pattern.length();
            boolean accountDone = accountEnd == accountId.length();
            if (patternDone || accountDone) {
                return patternDone && accountDone;
            }
            p = patternEnd + 1;
            a = accountEnd + 1;
        }
    }
}
