package dev.pacioli.reconciliation;

import dev.pacioli.platform.ServiceEvents;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.audit.AuditAction;
import dev.pacioli.platform.audit.AuditEntry;
import dev.pacioli.platform.audit.AuditJson;
import dev.pacioli.platform.audit.AuditLog;
import dev.pacioli.postgres.Timestamps;
import dev.pacioli.postgres.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/** Per-account drift settings, every measured drift, and the payout holds an uncleared one places. */
final class DriftStore {
    private final DataSource dataSource;

    DriftStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** One measure: {@code drift = ledger − outside} as of the end of {@code asOf}. */
    record Drift(
            long id,
            String ledger,
            String account,
            LocalDate asOf,
            String source,
            long ledgerBalance,
            long outsideBalance,
            long drift,
            String severity,
            String action,
            boolean holdsPayouts,
            Long clearedAtMicros,
            long createdAtMicros) {
        Map<String, Object> json() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("account", account);
            out.put("as_of_date", asOf.toString());
            out.put("source", source);
            out.put("ledger_balance", ledgerBalance);
            out.put("outside_balance", outsideBalance);
            out.put("drift", drift);
            out.put("severity", severity);
            out.put("action", action);
            out.put("holds_payouts", holdsPayouts && clearedAtMicros == null);
            return out;
        }
    }

    Optional<String> settings(String ledger, String account) {
        return Transactions.run(dataSource, "could not read the reconciliation settings", connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "select settings::text from recon_account_settings where ledger = ? and account = ?")) {
                select.setString(1, ledger);
                select.setString(2, account);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(row.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    /** Replaces the settings, audited with what they were. */
    void putSettings(String ledger, String account, String json, Actor actor) {
        Transactions.run(dataSource, "could not save the reconciliation settings", connection -> {
            String before = null;
            try (PreparedStatement select = connection.prepareStatement("select settings::text from"
                    + " recon_account_settings where ledger = ? and account = ? for update")) {
                select.setString(1, ledger);
                select.setString(2, account);
                try (ResultSet row = select.executeQuery()) {
                    before = row.next() ? row.getString(1) : null;
                }
            }
            try (PreparedStatement upsert = connection.prepareStatement("insert into recon_account_settings"
                    + " (ledger, account, settings) values (?, ?, ?::jsonb) on conflict (ledger, account)"
                    + " do update set settings = excluded.settings, updated_at = now()")) {
                upsert.setString(1, ledger);
                upsert.setString(2, account);
                upsert.setString(3, json);
                upsert.executeUpdate();
            }
            AuditLog.append(
                    connection,
                    actor,
                    AuditEntry.of(AuditAction.RECONCILIATION_SETTINGS_REPLACED, account, before, json)
                            .inLedger(ledger));
            return null;
        });
    }

    Drift insert(Connection connection, Drift drift) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("insert into recon_drifts (ledger, account,"
                + " as_of_date, source, ledger_balance, outside_balance, drift, severity, action, holds_payouts)"
                + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id, created_at")) {
            insert.setString(1, drift.ledger());
            insert.setString(2, drift.account());
            insert.setObject(3, drift.asOf());
            insert.setString(4, drift.source());
            insert.setLong(5, drift.ledgerBalance());
            insert.setLong(6, drift.outsideBalance());
            insert.setLong(7, drift.drift());
            insert.setString(8, drift.severity());
            insert.setString(9, drift.action());
            insert.setBoolean(10, drift.holdsPayouts());
            try (ResultSet row = insert.executeQuery()) {
                row.next();
                Drift stored = new Drift(
                        row.getLong(1),
                        drift.ledger(),
                        drift.account(),
                        drift.asOf(),
                        drift.source(),
                        drift.ledgerBalance(),
                        drift.outsideBalance(),
                        drift.drift(),
                        drift.severity(),
                        drift.action(),
                        drift.holdsPayouts(),
                        null,
                        Timestamps.micros(row, 2));
                if (!"none".equals(stored.severity())) {
                    ServiceEvents.append(
                            connection,
                            "reconciliation.drift_detected",
                            stored.ledger(),
                            ReconciliationJson.bytes(stored.json()));
                }
                return stored;
            }
        }
    }

    /** Whether an uncleared {@code hold_payouts} drift stands anywhere in the ledger. */
    boolean holdsPayouts(String ledger) {
        return Transactions.run(dataSource, "could not read the reconciliation holds", connection -> {
            try (PreparedStatement select = connection.prepareStatement("select exists (select 1 from recon_drifts"
                    + " where ledger = ? and holds_payouts and cleared_at is null)")) {
                select.setString(1, ledger);
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    return row.getBoolean(1);
                }
            }
        });
    }

    /**
     * Clears the account's uncleared drifts (an operator looked and decided), audited; answers how many
     * were cleared and whether the ledger still holds payouts for another account.
     */
    record Cleared(int drifts, boolean ledgerStillHolds) {}

    Cleared clear(String ledger, String account, String reason, Actor actor) {
        return Transactions.run(dataSource, "could not clear the drift", connection -> {
            int cleared;
            try (PreparedStatement update = connection.prepareStatement("update recon_drifts set cleared_at = now(),"
                    + " cleared_by = ? where ledger = ? and account = ? and cleared_at is null"
                    + " and severity <> 'none'")) {
                update.setString(1, actor.principal());
                update.setString(2, ledger);
                update.setString(3, account);
                cleared = update.executeUpdate();
            }
            AuditLog.append(
                    connection,
                    actor,
                    AuditEntry.of(
                                    AuditAction.RECONCILIATION_DRIFT_CLEARED,
                                    account,
                                    AuditJson.object("uncleared_drifts", cleared),
                                    AuditJson.object("uncleared_drifts", 0))
                            .inLedger(ledger)
                            .because(reason));
            ServiceEvents.append(
                    connection,
                    "reconciliation.drift_cleared",
                    ledger,
                    ReconciliationJson.bytes(Map.of("account", account, "cleared", cleared)));
            boolean still;
            try (PreparedStatement select = connection.prepareStatement("select exists (select 1 from recon_drifts"
                    + " where ledger = ? and holds_payouts and cleared_at is null)")) {
                select.setString(1, ledger);
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    still = row.getBoolean(1);
                }
            }
            return new Cleared(cleared, still);
        });
    }

    /** The account's drifts measured from {@code from} on, oldest first: the report's chart. */
    List<Drift> history(String ledger, String account, LocalDate from) {
        return Transactions.run(dataSource, "could not read the drift history", connection -> {
            try (PreparedStatement select = connection.prepareStatement("select id, ledger, account, as_of_date,"
                    + " source, ledger_balance, outside_balance, drift, severity, action, holds_payouts, cleared_at,"
                    + " created_at from recon_drifts where ledger = ? and account = ? and as_of_date >= ?"
                    + " order by as_of_date, id")) {
                select.setString(1, ledger);
                select.setString(2, account);
                select.setObject(3, from);
                List<Drift> drifts = new ArrayList<>();
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        OffsetDateTime cleared = row.getObject(12, OffsetDateTime.class);
                        drifts.add(new Drift(
                                row.getLong(1),
                                row.getString(2),
                                row.getString(3),
                                row.getObject(4, LocalDate.class),
                                row.getString(5),
                                row.getLong(6),
                                row.getLong(7),
                                row.getLong(8),
                                row.getString(9),
                                row.getString(10),
                                row.getBoolean(11),
                                cleared == null ? null : Timestamps.micros(cleared),
                                Timestamps.micros(row, 13)));
                    }
                }
                return drifts;
            }
        });
    }
}
