package dev.pacioli.treasury;

import dev.pacioli.ledger.Entry;
import dev.pacioli.ledger.LedgerPort;
import dev.pacioli.platform.ServiceEvents;
import dev.pacioli.platform.alerts.Alerts;
import dev.pacioli.platform.alerts.Severity;
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
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Balance monitors, evaluated as transactions commit: the ledger's writers call {@link #committed}
 * after every committed batch (dev.pacioli.ledger.http.Ledgers#onCommit), which only notes the ledger
 * and wakes this service's one evaluating thread. That thread reads, for each monitor of a noted
 * ledger, the account's entries after the sequence it last evaluated, oldest first, and judges the
 * balance after <em>each</em> entry: a crossing down and back up inside one batch is two transitions,
 * an alert raised then resolved, never missed because nobody looked in between. The monitor's row
 * moves only from the sequence it was read at (a guarded UPDATE), so two instances evaluating at once
 * record each transition once; the alert's dedupe key makes a repeated raise count, not duplicate.
 *
 * <p>Monitors are also evaluated once at start, for commits made while the service was down.
 */
final class BalanceMonitors implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BalanceMonitors.class);
    static final int ENTRIES_PAGE = 1_000;
    static final int MONITORS_PER_LEDGER_MAX = 1_000;

    private final DataSource dataSource;
    private final LedgerPort ledgers;
    private final Alerts alerts;
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean running = true;

    BalanceMonitors(DataSource dataSource, LedgerPort ledgers, Alerts alerts) {
        this.dataSource = dataSource;
        this.ledgers = ledgers;
        this.alerts = alerts;
        this.thread = Thread.ofVirtual().name("pacioli-balance-monitors").unstarted(this::loop);
    }

    void start() {
        dirty.addAll(ledgersWithMonitors());
        thread.start();
    }

    /** A writer committed a batch of {@code ledger}: cheap, never blocks. */
    void committed(String ledger) {
        if (dirty.add(ledger)) {
            LockSupport.unpark(thread);
        }
    }

    private void loop() {
        while (running) {
            if (dirty.isEmpty()) {
                LockSupport.park(this);
                continue;
            }
            for (String ledger : List.copyOf(dirty)) {
                dirty.remove(ledger);
                try {
                    evaluate(ledger);
                } catch (RuntimeException e) {
                    LOG.warn("balance monitors of {} not evaluated; trying again: {}", ledger, e.getMessage());
                    dirty.add(ledger);
                    LockSupport.parkNanos(1_000_000_000L);
                }
            }
        }
    }

    /** Every monitor of the ledger against the entries committed since it last looked. */
    void evaluate(String ledger) {
        for (BalanceMonitor monitor : monitors(ledger)) {
            List<Entry> entries = entriesAfter(ledger, monitor.account(), monitor.lastSequence());
            if (entries.isEmpty()) {
                continue;
            }
            String state = monitor.state();
            for (Entry entry : entries) {
                long value = monitor.on().equals("available") ? entry.availableAfter() : entry.balanceAfter();
                String next = monitor.stateOf(value);
                if (!next.equals(state)) {
                    transition(monitor, state, next, value, entry);
                    state = next;
                }
            }
            Entry last = entries.getLast();
            long value = monitor.on().equals("available") ? last.availableAfter() : last.balanceAfter();
            advance(monitor, state, last.sequence(), value);
        }
    }

    private void transition(BalanceMonitor monitor, String from, String to, long value, Entry entry) {
        if (!from.equals("ok")) {
            alerts.resolve(monitor.alertKey());
        }
        if (!to.equals("ok")) {
            alerts.raise(new Alerts.Raise(
                    Severity.valueOf(monitor.severity().toUpperCase(Locale.ROOT)),
                    "balance_monitor",
                    monitor.alertKey(),
                    monitor.account() + " is " + to + " " + (to.equals("below") ? monitor.below() : monitor.above())
                            + " (" + monitor.on() + " " + value + ")",
                    "transaction " + entry.transactionId() + " at sequence " + entry.sequence(),
                    "account:" + monitor.account()));
        }
    }

    /** The account's entries after {@code sequence}, oldest first. */
    private List<Entry> entriesAfter(String ledger, String account, long sequence) {
        List<Entry> newestFirst = new ArrayList<>();
        Long before = null;
        while (true) {
            List<Entry> page = ledgers.entries(ledger, account, before, ENTRIES_PAGE);
            for (Entry entry : page) {
                if (entry.sequence() <= sequence) {
                    Collections.reverse(newestFirst);
                    return newestFirst;
                }
                newestFirst.add(entry);
            }
            if (page.size() < ENTRIES_PAGE) {
                Collections.reverse(newestFirst);
                return newestFirst;
            }
            before = page.getLast().sequence();
        }
    }

    private void advance(BalanceMonitor monitor, String state, long sequence, long value) {
        Transactions.run(dataSource, "could not record the monitor's state", connection -> {
            try (PreparedStatement update = connection.prepareStatement("""
                    update treasury_balance_monitors set state = ?, last_sequence = ?, last_value = ?, updated_at = now()
                     where ledger = ? and id = ? and last_sequence = ?""")) {
                update.setString(1, state);
                update.setLong(2, sequence);
                update.setLong(3, value);
                update.setString(4, monitor.ledger());
                update.setString(5, monitor.id());
                update.setLong(6, monitor.lastSequence());
                return update.executeUpdate();
            }
        });
    }

    // ---- the rows

    /**
     * Creates or replaces a monitor, audited and evented, starting from the account as it is now: its
     * last entry's sequence and state (an account already across the line raises at once).
     */
    boolean put(BalanceMonitor monitor, Actor actor) {
        List<Entry> last = ledgers.entries(monitor.ledger(), monitor.account(), null, 1);
        long sequence = last.isEmpty() ? 0 : last.getFirst().sequence();
        long value = last.isEmpty()
                ? 0
                : monitor.on().equals("available")
                        ? last.getFirst().availableAfter()
                        : last.getFirst().balanceAfter();
        String state = monitor.stateOf(value);
        BalanceMonitor stored = new BalanceMonitor(
                monitor.ledger(),
                monitor.id(),
                monitor.account(),
                monitor.below(),
                monitor.above(),
                monitor.on(),
                monitor.severity(),
                state,
                sequence,
                value,
                0,
                0);
        boolean created = Transactions.run(dataSource, "could not store the monitor", connection -> {
            Optional<BalanceMonitor> before = find(connection, monitor.ledger(), monitor.id());
            upsert(connection, stored);
            BalanceMonitor after =
                    find(connection, monitor.ledger(), monitor.id()).orElseThrow();
            AuditAction action =
                    before.isEmpty() ? AuditAction.BALANCE_MONITOR_CREATED : AuditAction.BALANCE_MONITOR_REPLACED;
            byte[] json = MonitorJson.bytes(after);
            AuditLog.append(
                    connection,
                    actor,
                    AuditEntry.of(
                                    action,
                                    monitor.id(),
                                    before.map(b -> new String(MonitorJson.bytes(b), StandardCharsets.UTF_8))
                                            .orElse(null),
                                    new String(json, StandardCharsets.UTF_8))
                            .inLedger(monitor.ledger()));
            ServiceEvents.append(connection, action.code(), monitor.ledger(), json);
            return before.isEmpty();
        });
        alerts.resolve(stored.alertKey());
        if (!state.equals("ok") && !last.isEmpty()) {
            transition(stored, "ok", state, value, last.getFirst());
        }
        committed(monitor.ledger()); // entries committed between the read and the row: judged now
        return created;
    }

    private static void upsert(Connection connection, BalanceMonitor m) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("""
                insert into treasury_balance_monitors (ledger, id, account, below, above, on_balance, severity, state,
                       last_sequence, last_value) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                on conflict (ledger, id) do update set account = excluded.account, below = excluded.below,
                       above = excluded.above, on_balance = excluded.on_balance, severity = excluded.severity,
                       state = excluded.state, last_sequence = excluded.last_sequence, last_value = excluded.last_value,
                       updated_at = now()""")) {
            upsert.setString(1, m.ledger());
            upsert.setString(2, m.id());
            upsert.setString(3, m.account());
            upsert.setObject(4, m.below(), Types.BIGINT);
            upsert.setObject(5, m.above(), Types.BIGINT);
            upsert.setString(6, m.on());
            upsert.setString(7, m.severity());
            upsert.setString(8, m.state());
            upsert.setLong(9, m.lastSequence());
            upsert.setObject(10, m.lastValue(), Types.BIGINT);
            upsert.executeUpdate();
        }
    }

    List<BalanceMonitor> monitors(String ledger) {
        return Transactions.run(dataSource, "could not read monitors", connection -> {
            try (PreparedStatement select =
                    connection.prepareStatement(SELECT + " where ledger = ? order by id limit ?")) {
                select.setString(1, ledger);
                select.setInt(2, MONITORS_PER_LEDGER_MAX);
                return read(select);
            }
        });
    }

    private static Optional<BalanceMonitor> find(Connection connection, String ledger, String id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(SELECT + " where ledger = ? and id = ?")) {
            select.setString(1, ledger);
            select.setString(2, id);
            return read(select).stream().findFirst();
        }
    }

    private List<String> ledgersWithMonitors() {
        return Transactions.run(dataSource, "could not read monitors", connection -> {
            List<String> found = new ArrayList<>();
            try (PreparedStatement select =
                            connection.prepareStatement("select distinct ledger from treasury_balance_monitors");
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    found.add(rows.getString(1));
                }
            }
            return found;
        });
    }

    private static final String SELECT = """
            select ledger, id, account, below, above, on_balance, severity, state, last_sequence, last_value,
                   (extract(epoch from created_at) * 1000000)::bigint, (extract(epoch from updated_at) * 1000000)::bigint
              from treasury_balance_monitors""";

    private static List<BalanceMonitor> read(PreparedStatement select) throws SQLException {
        List<BalanceMonitor> found = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                found.add(new BalanceMonitor(
                        rows.getString(1),
                        rows.getString(2),
                        rows.getString(3),
                        (Long) rows.getObject(4),
                        (Long) rows.getObject(5),
                        rows.getString(6),
                        rows.getString(7),
                        rows.getString(8),
                        rows.getLong(9),
                        (Long) rows.getObject(10),
                        rows.getLong(11),
                        rows.getLong(12)));
            }
        }
        return found;
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
    }
}
