package dev.pacioli.postgres;

import java.util.List;
import java.util.Locale;

/**
 * A key that authenticates HTTP requests, as stored: never its secret, which only its holder has.
 *
 * @param ledgers the names of the ledgers the key may use, or null for every ledger
 * @param revokedAtMicros when it was revoked, or null while it is active
 */
public record ApiKey(
        String id, String name, Role role, List<String> ledgers, long createdAtMicros, Long revokedAtMicros) {
    public ApiKey {
        ledgers = ledgers == null ? null : List.copyOf(ledgers);
    }

    public boolean isRevoked() {
        return revokedAtMicros != null;
    }

    public boolean coversLedger(String ledgerName) {
        return ledgers == null || ledgers.contains(ledgerName);
    }

    /** What a key may do. Declared from least to most: each role may do all that the ones before it may. */
    public enum Role {
        READER,
        WRITER,
        OPERATOR,
        ADMIN;

        public boolean includes(Role other) {
            return compareTo(other) >= 0;
        }

        /** The name on the wire and in the database: {@code reader}, {@code writer}, … */
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Role ofCode(String code) {
            for (Role role : values()) {
                if (role.code().equals(code)) {
                    return role;
                }
            }
            throw new IllegalArgumentException("no role '" + code + "': reader, writer, operator or admin");
        }
    }
}
