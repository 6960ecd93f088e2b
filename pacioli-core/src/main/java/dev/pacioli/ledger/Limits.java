package dev.pacioli.ledger;

/**
 * Every limit the ledger's data model enforces, named once. The HTTP layer validates against the same
 * constants so that a request the API accepts is a request the engine accepts.
 */
public final class Limits {
    private Limits() {}

    /** Identifier length, per API.md's pattern {@code ^[A-Za-z0-9][A-Za-z0-9:_.@-]{0,127}$}. */
    public static final int IDENTIFIER_LENGTH_MAX = 128;

    /** Asset codes: {@code ^[A-Z][A-Z0-9_]{0,15}$}. */
    public static final int ASSET_CODE_LENGTH_MAX = 16;

    public static final int ASSET_SCALE_MAX = 18;

    /** Postings in one transaction. A payment with fees and splits fits in far fewer. */
    public static final int POSTINGS_PER_TRANSACTION_MAX = 64;

    /** Transactions in one batch request (API.md: up to 8,000). */
    public static final int TRANSACTIONS_PER_BATCH_MAX = 8_000;

    public static final int METADATA_KEYS_MAX = 64;
    public static final int METADATA_KEY_LENGTH_MAX = 64;
    public static final int METADATA_VALUE_LENGTH_MAX = 512;
    /** Sum of the UTF-8 lengths of every key and value of one metadata object. */
    public static final int METADATA_BYTES_MAX = 8 * 1024;

    public static final int DESCRIPTION_LENGTH_MAX = 1_024;

    /**
     * Limits in force in one ledger. Every posting is checked against the limits matching its accounts,
     * and a new account is matched against all of them once, so they are few by design.
     */
    public static final int LIMITS_PER_LEDGER_MAX = 1_000;

    /**
     * A limit's longest rolling window: 31 days, for daily, weekly and monthly limits. The writer keeps
     * every matching account's movements of the longest window in force in memory, and reads them back
     * from storage at start and at every change of limits.
     */
    public static final long LIMIT_WINDOW_SECONDS_MAX = 31L * 24 * 3600;

    /** A pending transaction may wait at most this long (about 10 years) before it expires. */
    public static final long PENDING_TIMEOUT_SECONDS_MAX = 10L * 366 * 24 * 3600;

    /**
     * Whether PostgreSQL stores this string exactly as sent: well-formed UTF-16, every surrogate in a
     * pair (the driver's UTF-8 encoder would silently write {@code ?} for a lone one), and no U+0000
     * ({@code text}, {@code jsonb} and COPY refuse it, failing the whole commit). Every other character
     * is stored as sent: control characters, right-to-left marks, characters beyond the BMP.
     */
    public static boolean isStorableText(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0 || Character.isLowSurrogate(c)) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    return false;
                }
                i++;
            }
        }
        return true;
    }

    public static boolean isIdentifier(String value) {
        if (value == null || value.isEmpty() || value.length() > IDENTIFIER_LENGTH_MAX) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean alphanumeric = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            boolean punctuation = c == ':' || c == '_' || c == '.' || c == '@' || c == '-';
            if (!(alphanumeric || (i > 0 && punctuation))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the value could begin an id: 1..128 characters, each of an id's ({@code [A-Za-z0-9:_.@-]}).
     * What the accounts list's {@code prefix} filter takes.
     */
    public static boolean isIdentifierPrefix(String value) {
        if (value == null || value.isEmpty() || value.length() > IDENTIFIER_LENGTH_MAX) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean alphanumeric = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!(alphanumeric || c == ':' || c == '_' || c == '.' || c == '@' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    public static boolean isAssetCode(String value) {
        if (value == null || value.isEmpty() || value.length() > ASSET_CODE_LENGTH_MAX) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean upper = c >= 'A' && c <= 'Z';
            if (!(upper || (i > 0 && ((c >= '0' && c <= '9') || c == '_')))) {
                return false;
            }
        }
        return true;
    }
}
