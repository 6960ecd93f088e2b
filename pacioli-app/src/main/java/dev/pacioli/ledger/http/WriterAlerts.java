package dev.pacioli.ledger.http;

import dev.pacioli.ledger.LedgerStore;
import dev.pacioli.platform.alerts.Alerts;
import dev.pacioli.platform.alerts.Severity;
import java.util.HashSet;
import java.util.Set;

/**
 * A ledger's writer that stopped (a bug, or its lock lost) is a critical alert: the ledger takes no
 * writes until the service restarts. A writer that runs again (after a restart) resolves it. A writer
 * closed by a graceful shutdown has no stop cause and is not an alert.
 *
 * <p>{@link #check} runs on the alerts' watcher every few seconds; it touches the database only when
 * something changed, and once at start to resolve what an earlier process raised.
 */
public final class WriterAlerts implements Runnable {
    static final String CATEGORY = "ledger.writer";

    private final Ledgers ledgers;
    private final Alerts alerts;
    private final Set<String> raised = new HashSet<>();
    private boolean first = true;

    public WriterAlerts(Ledgers ledgers, Alerts alerts) {
        this.ledgers = ledgers;
        this.alerts = alerts;
    }

    static String key(String ledger) {
        return CATEGORY + ".stopped:" + ledger;
    }

    @Override
    public synchronized void run() {
        for (Ledgers.Running running : ledgers.all()) {
            String name = running.ledger().name();
            // Another instance writes it (a stand-by here), or this one stepped down: no writer stopped.
            Throwable cause = running.writesHere() ? running.engine().stopCause() : null;
            if (cause instanceof LedgerStore.WriterLockLostException) {
                cause = null;
            }
            if (cause != null) {
                alerts.raise(new Alerts.Raise(
                        Severity.CRITICAL,
                        CATEGORY,
                        key(name),
                        "the writer of ledger " + name + " stopped; the ledger takes no writes until a restart",
                        cause.getClass().getName() + ": " + cause.getMessage(),
                        "ledger:" + name));
                raised.add(name);
            } else if (first || raised.remove(name)) {
                alerts.resolve(key(name));
            }
        }
        first = false;
    }
}
