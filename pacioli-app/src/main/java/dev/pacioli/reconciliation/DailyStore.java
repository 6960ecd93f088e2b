package dev.pacioli.reconciliation;

import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.audit.AuditAction;
import dev.pacioli.platform.audit.AuditEntry;
import dev.pacioli.platform.audit.AuditLog;
import dev.pacioli.postgres.Transactions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Legacy comparisons, the daily schedules, and the one row per ledger and day that makes a daily run once. */
final class DailyStore {
    private final DataSource dataSource;

    DailyStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    record Schedule(String ledger, List<String> accounts, LocalTime at, ZoneId timeZone) {}

    void putComparison(
            String id,
            String ledger,
            OffsetDateTime asOf,
            long tolerance,
            String report,
            String csv,
            String principal) {
        Transactions.run(dataSource, "could not store the comparison", connection -> {
            try (PreparedStatement insert = connection.prepareStatement("insert into recon_comparisons (id, ledger,"
                    + " as_of, tolerance, report, rows, created_by) values (?, ?, ?, ?, ?::jsonb, ?, ?)")) {
                insert.setString(1, id);
                insert.setString(2, ledger);
                insert.setObject(3, asOf);
                insert.setLong(4, tolerance);
                insert.setString(5, report);
                insert.setString(6, csv);
                insert.setString(7, principal);
                insert.executeUpdate();
            }
            return null;
        });
    }

    /** The comparison's report JSON and its CSV, or empty. */
    Optional<String[]> comparison(String ledger, String id) {
        return Transactions.run(dataSource, "could not read the comparison", connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "select report::text, rows from recon_comparisons where ledger = ? and id = ?")) {
                select.setString(1, ledger);
                select.setString(2, id);
                try (ResultSet row = select.executeQuery()) {
                    return row.next()
                            ? Optional.of(new String[] {row.getString(1), row.getString(2)})
                            : Optional.<String[]>empty();
                }
            }
        });
    }

    void putSchedule(Schedule schedule, String json, Actor actor) {
        Transactions.run(dataSource, "could not store the schedule", connection -> {
            try (PreparedStatement upsert = connection.prepareStatement("insert into recon_schedules (ledger, accounts,"
                    + " at_time, time_zone) values (?, ?::jsonb, ?, ?) on conflict (ledger) do update set"
                    + " accounts = excluded.accounts, at_time = excluded.at_time, time_zone = excluded.time_zone,"
                    + " updated_at = now()")) {
                upsert.setString(1, schedule.ledger());
                upsert.setString(2, ReconciliationJson.text(schedule.accounts()));
                upsert.setString(3, schedule.at().toString());
                upsert.setString(4, schedule.timeZone().getId());
                upsert.executeUpdate();
            }
            AuditLog.append(
                    connection,
                    actor,
                    AuditEntry.of(AuditAction.RECONCILIATION_SCHEDULE_REPLACED, schedule.ledger(), null, json)
                            .inLedger(schedule.ledger()));
            return null;
        });
    }

    List<Schedule> schedules() {
        return Transactions.run(dataSource, "could not read the schedules", connection -> {
            List<Schedule> schedules = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                            "select ledger, accounts::text, at_time, time_zone from recon_schedules order by ledger");
                    ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    schedules.add(new Schedule(
                            row.getString(1),
                            ReconciliationJson.parseStrings(row.getString(2)),
                            LocalTime.parse(row.getString(3)),
                            ZoneId.of(row.getString(4))));
                }
            }
            return schedules;
        });
    }

    Optional<Schedule> schedule(String ledger) {
        return schedules().stream()
                .filter(schedule -> schedule.ledger().equals(ledger))
                .findFirst();
    }

    /** Claims the ledger's run of {@code day}: true for exactly one caller, whatever the instances. */
    boolean claimDay(String ledger, LocalDate day, String runner) {
        return Transactions.run(dataSource, "could not claim the daily run", connection -> {
            try (PreparedStatement insert = connection.prepareStatement("insert into recon_daily_runs (ledger, day,"
                    + " runner) values (?, ?, ?) on conflict do nothing")) {
                insert.setString(1, ledger);
                insert.setObject(2, day);
                insert.setString(3, runner);
                return insert.executeUpdate() == 1;
            }
        });
    }
}
