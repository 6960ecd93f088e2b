package dev.pacioli.payments.connectors;

import dev.pacioli.payments.inbound.InboundEvent;
import dev.pacioli.payments.rails.ConversionSettings;
import dev.pacioli.payments.rails.HttpRail;
import dev.pacioli.payments.rails.Rail;
import dev.pacioli.payments.rails.SimulatorRail;
import dev.pacioli.platform.connectors.Connector;
import dev.pacioli.platform.connectors.ConnectorSettings;
import dev.pacioli.platform.connectors.Connectors;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;

/**
 * The payment connectors as they run: each one's rail (a simulator, or the http protocol through a
 * platform connector with its breaker and the outbound policy) and its place in {@code GET
 * /v1/connectors}. Rebuilt from the rows by {@link #refresh}: at start, after each change through this
 * service, and when a lookup finds the last refresh older than {@link #STALE_AFTER_NANOS} (so another
 * instance's changes arrive within seconds).
 */
public final class PaymentRails implements AutoCloseable {
    private final PaymentConnectorStore store;
    private final Connectors connectors;
    private final Reports reports;
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private volatile long refreshedAtNanos;

    /** How old the running rails may be before a lookup reads the connectors again. */
    static final long STALE_AFTER_NANOS = 5_000_000_000L;

    private record Running(PaymentConnector connector, Rail rail) {}

    /** Where a built-in rail's reports go, with the connector that made them. */
    @FunctionalInterface
    public interface Reports {
        void report(String connector, InboundEvent event);
    }

    public PaymentRails(PaymentConnectorStore store, Connectors connectors, Reports reports) {
        this.store = store;
        this.connectors = connectors;
        this.reports = reports;
    }

    /** Brings the running rails in line with the stored connectors. */
    public synchronized void refresh() {
        refreshedAtNanos = System.nanoTime();
        List<PaymentConnector> stored = store.all();
        Set<String> ids = new HashSet<>();
        for (PaymentConnector connector : stored) {
            ids.add(connector.id());
            Running current = running.get(connector.id());
            if (current != null && current.connector().equals(connector)) {
                continue;
            }
            if (current != null) {
                stop(current);
            }
            running.put(connector.id(), start(connector));
        }
        for (String id : Set.copyOf(running.keySet())) {
            if (!ids.contains(id)) {
                stop(running.remove(id));
                connectors.remove(id);
            }
        }
    }

    private Running start(PaymentConnector connector) {
        Connector platform =
                connectors.connector(connector.id(), connector.kind().code(), settings(connector));
        connectors.describe(connector.id(), out -> PaymentConnectorJson.details(out, connector));
        Rail rail = switch (connector.kind()) {
            case SIMULATOR ->
                SimulatorRail.start(
                        connector.id(),
                        SimulatorRail.Settings.fromConfig(connector.config()),
                        ConversionSettings.fromConfig(connector.config()),
                        event -> reports.report(connector.id(), event));
            case HTTP -> new HttpRail(platform, HttpRail.Settings.fromConfig(connector.config()));
            case INBOUND, EVM_RPC -> null;
        };
        return new Running(connector, rail);
    }

    /**
     * The platform connector's timeouts: {@code config.connect_timeout_ms} and {@code
     * config.read_timeout_ms} when given (an adapter on a slow network), else the defaults. The read
     * timeout bounds how long a submission may hang before its outcome is unknown. An {@code evm_rpc}
     * connector's URLs take theirs from here too (custody's ChainNodes).
     */
    public static ConnectorSettings settings(PaymentConnector connector) {
        ConnectorSettings defaults = ConnectorSettings.DEFAULTS;
        return new ConnectorSettings(
                millis(connector.config(), "connect_timeout_ms", defaults.connectTimeout()),
                millis(connector.config(), "read_timeout_ms", defaults.readTimeout()),
                defaults.retry(),
                defaults.breaker());
    }

    /** A timeout in the config, 1 ms to {@link ConnectorSettings#TIMEOUT_MAX}; IllegalArgumentException naming it. */
    static Duration millis(JsonNode config, String name, Duration absent) {
        JsonNode value = config.get(name);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isIntegralNumber()
                || value.longValue() < 1
                || value.longValue() > ConnectorSettings.TIMEOUT_MAX.toMillis()) {
            throw new IllegalArgumentException(
                    "config." + name + " is a whole number of ms, 1 to " + ConnectorSettings.TIMEOUT_MAX.toMillis());
        }
        return Duration.ofMillis(value.longValue());
    }

    private static void stop(Running running) {
        if (running.rail() instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException(
                        "could not stop the rail of connector "
                                + running.connector().id(),
                        e);
            }
        }
    }

    /** Every connector as it runs (custody finds its chains' evm_rpc connectors here). */
    public List<PaymentConnector> all() {
        fresh();
        return running.values().stream().map(Running::connector).toList();
    }

    public Optional<PaymentConnector> connector(String id) {
        fresh();
        return Optional.ofNullable(running.get(id)).map(Running::connector);
    }

    /** The rail of a connector money can leave through; empty for an inbound one or none. */
    public Optional<Rail> rail(String id) {
        fresh();
        return Optional.ofNullable(running.get(id)).map(Running::rail);
    }

    private void fresh() {
        if (System.nanoTime() - refreshedAtNanos > STALE_AFTER_NANOS) {
            refresh();
        }
    }

    /** Whether the connector's breaker lets calls through (closed or half-open). */
    public boolean healthy(String id) {
        return connectors
                .find(id)
                .map(connector -> !connector.state().equals("open"))
                .orElse(false);
    }

    @Override
    public synchronized void close() {
        running.values().forEach(PaymentRails::stop);
        running.clear();
    }
}
