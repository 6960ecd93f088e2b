package dev.pacioli.controls;

import dev.pacioli.controls.ControlsState.EmergencyStop;
import dev.pacioli.controls.ControlsState.Mode;
import dev.pacioli.controls.ControlsState.Scope;
import dev.pacioli.ledger.LedgerStore.StoreException;
import dev.pacioli.platform.ServiceEvents;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.audit.AuditAction;
import dev.pacioli.platform.audit.AuditEntry;
import dev.pacioli.platform.audit.AuditLog;
import dev.pacioli.postgres.Transactions;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The one row of controls ({@code controls_state}): the configured mode and the emergency stop. Every
 * change is an UPDATE of that row with its audit record and its event in the same transaction. The
 * UPDATE's table lock (ROW EXCLUSIVE) waits for every submission holding the table in SHARE mode
 * ({@link SubmissionGate}), and submissions that come after it queue behind it, so when a change
 * commits, no worker on any instance is between its check and its send: the change is in force
 * everywhere before the caller is answered. The command line uses this class on the database
 * directly, so a stop works with the HTTP service down.
 */
public final class ControlsStore {
    static final String SELECT = "select mode, mode_changed_at, mode_changed_by, stop_scope, stop_reason,"
            + " stop_engaged_at, stop_engaged_by from controls_state where id = 1";

    private final DataSource dataSource;

    public ControlsStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public ControlsState read() {
        try (Connection connection = dataSource.getConnection()) {
            return read(connection);
        } catch (SQLException e) {
            throw new StoreException("could not read the controls", e);
        }
    }

    static ControlsState read(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(SELECT);
                ResultSet row = select.executeQuery()) {
            if (!row.next()) {
                throw new SQLException("the controls row is missing (migration V23)");
            }
            String scope = row.getString(4);
            return new ControlsState(
                    Mode.valueOf(row.getString(1).toUpperCase(Locale.ROOT)),
                    row.getTimestamp(2).toInstant(),
                    row.getString(3),
                    scope == null
                            ? null
                            : new EmergencyStop(
                                    Scope.valueOf(scope.toUpperCase(Locale.ROOT)),
                                    row.getString(5),
                                    row.getTimestamp(6).toInstant(),
                                    row.getString(7)));
        }
    }

    /** A change as the caller sees it: the state after, and whether anything changed (else nothing was written). */
    public record Changed(ControlsState state, boolean changed) {}

    /** Sets the configured mode; setting the mode it has changes nothing and records nothing. */
    public Changed setMode(Mode mode, String reason, Actor actor) {
        return change("could not change the mode", actor, reason, AuditAction.CONTROLS_MODE_CHANGED, before -> {
            if (before.mode() == mode) {
                return null;
            }
            return "update controls_state set mode = '" + mode.code()
                    + "', mode_changed_at = now(), mode_changed_by = ? where id = 1";
        });
    }

    /**
     * Engages the emergency stop, or changes the scope of the one in force; the same scope again changes
     * nothing.
     */
    public Changed engage(Scope scope, String reason, Actor actor) {
        Objects.requireNonNull(reason, "reason");
        return change(
                "could not engage the emergency stop",
                actor,
                reason,
                AuditAction.CONTROLS_EMERGENCY_STOP_ENGAGED,
                before -> {
                    if (before.stop() != null && before.stop().scope() == scope) {
                        return null;
                    }
                    return "update controls_state set stop_scope = '" + scope.code()
                            + "', stop_reason = ?, stop_engaged_at = now(), stop_engaged_by = ? where id = 1";
                });
    }

    /** Lifts the emergency stop; with none in force, nothing changes. What it held stays held. */
    public Changed lift(String reason, Actor actor) {
        return change(
                "could not lift the emergency stop",
                actor,
                reason,
                AuditAction.CONTROLS_EMERGENCY_STOP_LIFTED,
                before -> before.stop() == null
                        ? null
                        : "update controls_state set stop_scope = null, stop_reason = null, stop_engaged_at = null,"
                                + " stop_engaged_by = null where id = 1");
    }

    /** The UPDATE a change makes of the state before it, or null when there is nothing to change. */
    private interface Update {
        String sql(ControlsState before);
    }

    private Changed change(String failure, Actor actor, String reason, AuditAction action, Update update) {
        return Transactions.run(dataSource, failure, connection -> {
            ControlsState before = read(connection);
            String sql = update.sql(before);
            if (sql == null) {
                return new Changed(before, false);
            }
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                // Waits for every submission between its check and its send (they hold the table in SHARE mode).
                int index = 1;
                if (action == AuditAction.CONTROLS_EMERGENCY_STOP_ENGAGED) {
                    statement.setString(index++, reason);
                }
                if (action != AuditAction.CONTROLS_EMERGENCY_STOP_LIFTED) {
                    statement.setString(index, actor.principal());
                }
                statement.executeUpdate();
            }
            ControlsState after = read(connection);
            AuditLog.append(
                    connection,
                    actor,
                    AuditEntry.of(action, "controls", ControlsJson.audited(before), ControlsJson.audited(after))
                            .because(reason));
            // Last: the service stream's head stays locked from here to the commit.
            ServiceEvents.append(
                    connection, action.code(), ControlsJson.event(after).getBytes(StandardCharsets.UTF_8));
            return new Changed(after, true);
        });
    }
}
