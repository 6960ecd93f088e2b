package dev.pacioli.events.nats;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Where an event goes in NATS: {@code <prefix>.<ledger>.<event type>}, for example
 * {@code pacioli.main.transaction.created}.
 *
 * <p>A ledger name may hold {@code .}, which separates tokens in a NATS subject, so the ledger token
 * is the name with every character outside {@code A-Z a-z 0-9 _ - : @} percent-encoded as in a URL
 * ({@code %2E} for {@code .}, uppercase hex of each UTF-8 byte). Ledger names cannot contain {@code %},
 * so the mapping is one-to-one and reversible, and {@code eu.main} never meets {@code eu_main}; the
 * wildcards {@code *} and {@code >} and whitespace could never reach a subject even if the name rules
 * were widened. The event type keeps its dot: subscribing to {@code pacioli.main.transaction.>} takes
 * every transaction event of ledger {@code main}.
 */
public final class NatsSubjects {
    public static final String PREFIX_DEFAULT = "pacioli";

    /** Dot-separated tokens of safe characters; a stream captures {@code <prefix>.>}. */
    public static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private NatsSubjects() {}

    public static String subject(String prefix, String ledger, String eventType) {
        return prefix + '.' + ledgerToken(ledger) + '.' + eventType;
    }

    /** Every subject of one ledger's events: {@code <prefix>.<ledger>.>}. */
    public static String ledgerSubjects(String prefix, String ledger) {
        return prefix + '.' + ledgerToken(ledger) + ".>";
    }

    /** Every subject of the stream: {@code <prefix>.>}. */
    public static String streamSubjects(String prefix) {
        return prefix + ".>";
    }

    public static String ledgerToken(String ledger) {
        if (ledger.isEmpty()) {
            throw new IllegalArgumentException("a ledger name is not empty");
        }
        StringBuilder token = new StringBuilder(ledger.length() + 8);
        for (byte b : ledger.getBytes(StandardCharsets.UTF_8)) {
            if (kept(b)) {
                token.append((char) b);
            } else {
                token.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
            }
        }
        return token.toString();
    }

    /** The ledger name a subject token stands for: the inverse of {@link #ledgerToken}. */
    public static String ledgerName(String token) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(token.length());
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '%') {
                if (i + 2 >= token.length()) {
                    throw new IllegalArgumentException("a cut-off escape in ledger token " + token);
                }
                bytes.write(Integer.parseInt(token, i + 1, i + 3, 16));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static boolean kept(byte b) {
        return (b >= 'A' && b <= 'Z')
                || (b >= 'a' && b <= 'z')
                || (b >= '0' && b <= '9')
                || b == '_'
                || b == '-'
                || b == ':'
                || b == '@';
    }
}
