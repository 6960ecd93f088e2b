package dev.pacioli.postgres;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Microseconds since the epoch, to and from what PostgreSQL's timestamptz speaks. Every store uses it,
 * the ledger's here and each capability's beside its code.
 */
public final class Timestamps {
    private Timestamps() {}

    public static long micros(OffsetDateTime time) {
        Instant instant = time.toInstant();
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }

    public static OffsetDateTime offsetDateTime(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000)
                .atOffset(ZoneOffset.UTC);
    }

    /** The timestamptz in {@code column} of the current row, which must not be null. */
    public static long micros(ResultSet row, int column) throws SQLException {
        return micros(row.getObject(column, OffsetDateTime.class));
    }
}
