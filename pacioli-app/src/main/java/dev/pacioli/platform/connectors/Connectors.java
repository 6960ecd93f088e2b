package dev.pacioli.platform.connectors;

import dev.pacioli.ledger.Limits;
import dev.pacioli.platform.ApiException;
import dev.pacioli.platform.FieldError;
import dev.pacioli.platform.JsonOutput;
import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every connector of the service, by name, and what they share: the outbound policy and its HTTP
 * client. A capability asks for its connector by name when it needs it ({@link #connector}); the same
 * name gives the same connector, so its breaker and health are shared by every caller. Names are
 * {@code <kind>:<id>} for connectors that stand for an object ({@code webhook:whk_…}); the listing's
 * {@code id} is the name.
 */
public final class Connectors implements AutoCloseable {
    private final OutboundHttp http;
    private final ConnectorMetrics metrics;
    private final ConnectorSettings.Breaker breakerDefault;
    private final Map<String, Connector> byName = new ConcurrentHashMap<>();
    private final Map<String, Details> details = new ConcurrentHashMap<>();

    /**
     * What the capability that owns a connector adds to it in {@code GET /v1/connectors} (a payment
     * connector's assets and priority): fields written into the connector's object, never a secret.
     */
    @FunctionalInterface
    public interface Details {
        void write(JsonOutput out);
    }

    /** @param breakerDefault the breaker of connectors whose configuration names none */
    public Connectors(OutboundPolicy policy, ConnectorSettings.Breaker breakerDefault, ConnectorMetrics metrics) {
        this.http = new OutboundHttp(policy);
        this.breakerDefault = breakerDefault;
        this.metrics = metrics;
    }

    /** The problem code of a URL the outbound policy refuses. */
    public static final String OUTBOUND_URL_REFUSED = "outbound_url_refused";

    /**
     * Refuses a configured URL the outbound policy would refuse (loopback, private, link-local,
     * metadata…): 400 {@code outbound_url_refused} naming {@code field}. Calls check again, on the
     * address they connect to.
     */
    public void refuseUrl(String field, String url) {
        String refusal = policy().urlRefusal(URI.create(url));
        if (refusal != null) {
            throw new ApiException(
                    400,
                    OUTBOUND_URL_REFUSED,
                    field + ": " + refusal,
                    List.of(new FieldError(field, OUTBOUND_URL_REFUSED, refusal)),
                    0);
        }
    }

    public OutboundPolicy policy() {
        return http.policy();
    }

    public ConnectorSettings.Breaker breakerDefault() {
        return breakerDefault;
    }

    /**
     * The connector of this name, made with these settings when there is none; one that exists with
     * other settings or another kind is replaced (its breaker starts closed again).
     */
    public Connector connector(String name, String kind, ConnectorSettings settings) {
        if (!Limits.isIdentifier(name)) {
            throw new IllegalArgumentException("a connector's name is an id (letters, digits, : _ . @ -): " + name);
        }
        Connector connector = byName.compute(
                name,
                (key, existing) -> existing != null
                                && existing.kind().equals(kind)
                                && existing.settings().equals(settings)
                        ? existing
                        : new Connector(name, kind, settings, http, metrics));
        metrics.watch(name, this);
        return connector;
    }

    public Optional<Connector> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** Sets what the connector's owner shows of it besides its health; see {@link Details}. */
    public void describe(String name, Details fields) {
        details.put(name, fields);
    }

    Optional<Details> details(String name) {
        return Optional.ofNullable(details.get(name));
    }

    /** Every connector, by name. */
    public List<Connector> all() {
        return byName.values().stream()
                .sorted(Comparator.comparing(Connector::name))
                .toList();
    }

    /** {@code pacioli_connector_state} of one connector; 0 once it is gone. */
    double stateCode(String name) {
        Connector connector = byName.get(name);
        return connector == null ? 0 : connector.stateCode();
    }

    /** Forgets a connector (its object was deleted): it leaves the listing and the metrics. */
    public void remove(String name) {
        details.remove(name);
        if (byName.remove(name) != null) {
            metrics.forget(name);
        }
    }

    @Override
    public void close() {
        http.close();
    }

    /**
     * A connector as {@code GET /v1/connectors} shows it: its health, its breaker and timeouts, and what
     * its owner adds ({@link #describe}). Nothing secret: no URL path or query, no header, no key.
     */
    public void write(JsonOutput out, Connector connector) {
        Connector.Health health = connector.health();
        ConnectorSettings settings = connector.settings();
        out.json.writeStartObject();
        out.string("id", connector.name());
        out.string("name", connector.name());
        out.string("kind", connector.kind());
        out.string("state", health.state());
        out.number("recent_failures", health.recentFailures());
        millis(out, "last_success_at", health.lastSuccessAtMillis());
        millis(out, "last_failure_at", health.lastFailureAtMillis());
        out.string("last_error", health.lastError());
        out.json.writeName("breaker");
        out.json.writeStartObject();
        out.number("failures", settings.breaker().failures());
        out.number("open_wait_ms", settings.breaker().openWait().toMillis());
        out.number("successes", settings.breaker().successes());
        out.json.writeEndObject();
        out.number("connect_timeout_ms", settings.connectTimeout().toMillis());
        out.number("read_timeout_ms", settings.readTimeout().toMillis());
        details(connector.name()).ifPresent(details -> details.write(out));
        out.json.writeEndObject();
    }

    private static void millis(JsonOutput out, String name, long millis) {
        if (millis == 0) {
            out.json.writeNullProperty(name);
        } else {
            out.time(name, millis * 1_000);
        }
    }
}
