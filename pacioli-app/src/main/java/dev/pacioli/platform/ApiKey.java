package dev.pacioli.platform;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A key that authenticates HTTP requests, as stored: never its secret, which only its holder has.
 *
 * @param principal the person or service the key belongs to: what rules that need two people compare
 * @param flags what the key may do beside its role, in declaration order
 * @param ledgers the names of the ledgers the key may use, or null for every ledger
 * @param revokedAtMicros when it was revoked, or null while it is active
 */
public record ApiKey(
        String id,
        String name,
        String principal,
        Role role,
        Set<Flag> flags,
        List<String> ledgers,
        long createdAtMicros,
        Long revokedAtMicros) {
    /** Characters of a principal: an e-mail address or a service's name fits with room to spare. */
    public static final int PRINCIPAL_LENGTH_MAX = 256;

    public ApiKey {
        Objects.requireNonNull(principal, "principal");
        flags = flagSet(flags);
        ledgers = ledgers == null ? null : List.copyOf(ledgers);
    }

    /** The flags as an unmodifiable set in declaration order, so they are written the same way every time. */
    public static Set<Flag> flagSet(Collection<Flag> flags) {
        EnumSet<Flag> set = EnumSet.noneOf(Flag.class);
        set.addAll(flags);
        return Collections.unmodifiableSet(set);
    }

    public boolean hasFlag(Flag flag) {
        return flags.contains(flag);
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

    /**
     * What a key may do beside its role; any flag combines with any role and none raises it (a reader
     * that approves still cannot write). Stored and sent as its {@link #code()}.
     */
    public enum Flag {
        /** May approve what needs approval. */
        APPROVER,
        /** May decide screening hits. */
        COMPLIANCE;

        /** The name on the wire and in the database: {@code approver}, {@code compliance}. */
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Flag ofCode(String code) {
            for (Flag flag : values()) {
                if (flag.code().equals(code)) {
                    return flag;
                }
            }
            throw new IllegalArgumentException("no flag '" + code + "': approver or compliance");
        }
    }
}
