package dev.pacioli.platform;

import dev.pacioli.ledger.Limits;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque list cursors: base64url of {@code <kind>:<position>}, where the position is the last id or
 * sequence of the previous page. Opaque so that the ordering key can change without breaking
 * clients; tagged with a kind so a cursor from one list is refused by another.
 */
public final class Cursor {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private Cursor() {}

    public static String ofId(String kind, String id) {
        return ENCODER.encodeToString((kind + ":" + id).getBytes(StandardCharsets.UTF_8));
    }

    public static String ofSequence(String kind, long sequence) {
        return ofId(kind, Long.toString(sequence));
    }

    /** The id a cursor of this kind points after, or null without a cursor. Throws 400 invalid_cursor. */
    public static String id(String cursor, String kind) {
        if (cursor == null) {
            return null;
        }
        String position = position(cursor, kind);
        if (!Limits.isIdentifier(position)) {
            throw invalid();
        }
        return position;
    }

    /** The sequence a cursor of this kind points before, or null without a cursor. */
    public static Long sequence(String cursor, String kind) {
        if (cursor == null) {
            return null;
        }
        try {
            long sequence = Long.parseLong(position(cursor, kind));
            if (sequence < 1) {
                throw invalid();
            }
            return sequence;
        } catch (NumberFormatException e) {
            throw invalid();
        }
    }

    private static String position(String cursor, String kind) {
        String decoded;
        try {
            decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        if (!decoded.startsWith(kind + ":")) {
            throw invalid();
        }
        return decoded.substring(kind.length() + 1);
    }

    private static ApiException invalid() {
        return new ApiException(400, "invalid_cursor", "the cursor is not one this list gave out");
    }
}
