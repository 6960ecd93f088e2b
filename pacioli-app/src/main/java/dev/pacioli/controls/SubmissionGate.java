package dev.pacioli.controls;

import dev.pacioli.controls.ControlsState.Mode;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every submission to a connector (and every signature) passes first. {@link #enter} takes the
 * controls table in SHARE mode, reads the row, and keeps the lock until the pass is closed, which the
 * caller does after its send has been made. A change of the mode or the stop is an UPDATE, whose ROW
 * EXCLUSIVE lock waits for every open pass; so once a change has committed (and its caller been
 * answered) no worker on any instance starts a send on the state before it.
 *
 * <p>A table lock, not a row lock ({@code FOR SHARE}): PostgreSQL lets a new row share-locker join the
 * ones holding the row even while an UPDATE waits, so workers passing all the time would starve a
 * change forever; its table locks queue a new SHARE request behind a waiting ROW EXCLUSIVE one.
 *
 * <p>A pass is allowed only when the stored mode is live, no emergency stop is in force, and the
 * effective mode ({@link ModeWatch}) is live. When the row cannot be read, the pass is refused: fail
 * closed.
 */
public final class SubmissionGate {
    private static final Logger LOG = LoggerFactory.getLogger(SubmissionGate.class);

    /** Why a pass was refused, as a payout's {@code hold_reason} names it where it is one. */
    public enum Refusal {
        /** The stored mode is dry: the payout is held ({@code dry_mode}). */
        DRY_MODE,
        /** An emergency stop is in force: the payout is held ({@code emergency_stop}). */
        EMERGENCY_STOP,
        /** The controls cannot be read, or not yet trusted again: nothing is sent, the work waits. */
        UNREADABLE;

        public String holdReason() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final DataSource dataSource;
    private final ModeWatch watch;

    public SubmissionGate(DataSource dataSource, ModeWatch watch) {
        this.dataSource = dataSource;
        this.watch = watch;
    }

    /** A gate that lets everything through: for tools and tests that run a capability without controls. */
    public static SubmissionGate open() {
        return new SubmissionGate(null, null);
    }

    /** Passes the gate, or is refused; close it once the send has been made (or not made). */
    public Pass enter() {
        if (dataSource == null) {
            return new Pass(null, null);
        }
        Connection connection = null;
        try {
            connection = dataSource.getConnection();
            connection.setAutoCommit(false);
            try (Statement lock = connection.createStatement()) {
                lock.execute("lock table controls_state in share mode");
            }
            ControlsState state = ControlsStore.read(connection);
            Refusal refusal = state.stop() != null
                    ? Refusal.EMERGENCY_STOP
                    : state.mode() == Mode.DRY
                            ? Refusal.DRY_MODE
                            : watch.current().mode() != Mode.LIVE ? Refusal.UNREADABLE : null;
            return new Pass(connection, refusal);
        } catch (SQLException | RuntimeException e) {
            LOG.warn("cannot read the controls before a submission; nothing is sent: {}", e.getMessage());
            release(connection);
            return new Pass(null, Refusal.UNREADABLE);
        }
    }

    private static void release(Connection connection) {
        if (connection == null) {
            return;
        }
        try (connection) {
            connection.rollback();
        } catch (SQLException e) {
            LOG.debug("closing a controls connection: {}", e.getMessage());
        }
    }

    /** A passage through the gate; {@link #refusal} is null when the send may be made. */
    public static final class Pass implements AutoCloseable {
        private final Connection holding;
        private final Refusal refusal;

        private Pass(Connection holding, Refusal refusal) {
            this.holding = holding;
            this.refusal = refusal;
        }

        public boolean allowed() {
            return refusal == null;
        }

        public Refusal refusal() {
            return refusal;
        }

        @Override
        public void close() {
            release(holding);
        }
    }
}
