package dev.pacioli.postgres;

import dev.pacioli.ledger.Assert;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Microseconds since the epoch, to and from what PostgreSQL's timestamptz speaks. */
final class Timestamps {
    private Timestamps() {}

    /** Appends {@code 2026-11-23 14:00:00.123456+00}. */
    static void appendSql(StringBuilder out, long micros) {
        LocalDateTime time = LocalDateTime.ofEpochSecond(
                Math.floorDiv(micros, 1_000_000L), (int) Math.floorMod(micros, 1_000_000L) * 1_000, ZoneOffset.UTC);
        int year = time.getYear();
        Assert.that(year >= 1000 && year <= 9999, "timestamps are years 1000 to 9999");
        out.append(year).append('-');
        two(out, time.getMonthValue()).append('-');
        two(out, time.getDayOfMonth()).append(' ');
        two(out, time.getHour()).append(':');
        two(out, time.getMinute()).append(':');
        two(out, time.getSecond()).append('.');
        String fraction = Integer.toString(time.getNano() / 1_000 + 1_000_000);
        out.append(fraction, 1, 7).append("+00");
    }

    private static StringBuilder two(StringBuilder out, int value) {
        if (value < 10) {
            out.append('0');
        }
        return out.append(value);
    }

    static long micros(OffsetDateTime time) {
        Instant instant = time.toInstant();
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }

    static OffsetDateTime offsetDateTime(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000)
                .atOffset(ZoneOffset.UTC);
    }
}
