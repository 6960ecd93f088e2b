package dev.pacioli.platform;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** Times on the wire: RFC 3339 in UTC with exactly six fractional digits, as API.md promises. */
public final class Times {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private Times() {}

    public static String format(long micros) {
        return FORMAT.format(Instant.EPOCH.plus(micros, ChronoUnit.MICROS));
    }

    /** Any RFC 3339 time with an offset; precision beyond microseconds is cut. Null when malformed. */
    public static Long parseMicros(String text) {
        try {
            Instant instant = OffsetDateTime.parse(text).toInstant();
            return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
        } catch (DateTimeParseException | ArithmeticException e) {
            return null;
        }
    }
}
