package dev.pacioli.postgres;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Microseconds since the epoch, to and from what PostgreSQL's timestamptz speaks. */
final class Timestamps {
    private Timestamps() {}

    static long micros(OffsetDateTime time) {
        Instant instant = time.toInstant();
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }

    static OffsetDateTime offsetDateTime(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000)
                .atOffset(ZoneOffset.UTC);
    }
}
