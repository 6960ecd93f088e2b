package dev.pacioli.events.webhooks;

import dev.pacioli.ledger.RecordType;
import dev.pacioli.platform.connectors.Connector;
import dev.pacioli.platform.connectors.ConnectorSettings;
import dev.pacioli.platform.connectors.Connectors;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The rules webhook endpoints follow: their URLs and event filters.
 */
public final class Webhooks {
    public static final int URL_LENGTH_MAX = 2_048;
    public static final int FILTERS_MAX = 32;

    /** Every event type of a ledger's stream, in declaration order. */
    public static final Set<String> LEDGER_EVENT_TYPES;

    static {
        Set<String> types = new LinkedHashSet<>();
        for (RecordType type : RecordType.values()) {
            types.add(type.eventType);
        }
        LEDGER_EVENT_TYPES = Set.copyOf(types);
    }

    /** Every type a filter may name: a ledger's, and those the capabilities append to the service stream. */
    public static Set<String> eventTypes(Collection<String> serviceEventTypes) {
        Set<String> types = new LinkedHashSet<>(LEDGER_EVENT_TYPES);
        types.addAll(serviceEventTypes);
        return Set.copyOf(types);
    }

    private Webhooks() {}

    /** The kind of every webhook endpoint's connector. */
    public static final String CONNECTOR_KIND = "webhook";

    /**
     * The connector an endpoint's deliveries go through, {@code webhook:<endpoint id>}: the dispatcher's
     * timeouts, no retries of its own (the dispatcher's durable schedule retries), the service's breaker.
     */
    public static Connector connector(Connectors connectors, WebhookSettings settings, String endpointId) {
        return connectors.connector(
                connectorName(endpointId),
                CONNECTOR_KIND,
                ConnectorSettings.DEFAULTS
                        .withTimeouts(settings.connectTimeout(), settings.readTimeout())
                        .withRetry(ConnectorSettings.Retry.NONE)
                        .withBreaker(connectors.breakerDefault()));
    }

    public static String connectorName(String endpointId) {
        return CONNECTOR_KIND + ":" + endpointId;
    }

    /**
     * What is wrong with an endpoint URL, or null when it is fine: absolute {@code http(s)} with a host,
     * no user or password in it (secrets belong in the signature, not in logs of URLs), and plain
     * {@code http} only to a loopback host unless {@code allowPlainHttp}.
     */
    public static String urlProblem(String url, boolean allowPlainHttp) {
        if (url.length() > URL_LENGTH_MAX) {
            return "is longer than " + URL_LENGTH_MAX + " characters";
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return "is not a valid URL: " + e.getReason();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("https") || scheme.equals("http"))) {
            return "must be an absolute https:// (or http://) URL";
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return "must name a host";
        }
        if (uri.getRawUserInfo() != null) {
            return "must not hold a user name or password";
        }
        if (uri.getRawFragment() != null) {
            return "must not have a fragment (#...)";
        }
        if (scheme.equals("http") && !allowPlainHttp && !isLoopback(uri.getHost())) {
            return "must use https unless the host is loopback (set PACIOLI_WEBHOOK_ALLOW_HTTP=true to allow http)";
        }
        return null;
    }

    /** Loopback by its literal name or address; no DNS lookup, so the answer cannot change under us. */
    public static boolean isLoopback(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        return name.equals("localhost")
                || name.endsWith(".localhost")
                || name.equals("[::1]")
                || name.matches("127(\\.[0-9]{1,3}){3}");
    }

    /**
     * What is wrong with an event filter, or null: one of {@code types} ({@code transaction.posted}),
     * a family of them ({@code transaction.*}, {@code api_key.*}) or {@code *} for every event.
     */
    public static String filterProblem(String filter, Set<String> types) {
        if (filter.equals("*") || types.contains(filter)) {
            return null;
        }
        if (filter.endsWith(".*")) {
            String family = filter.substring(0, filter.length() - 1);
            if (types.stream().anyMatch(type -> type.startsWith(family))) {
                return null;
            }
        }
        return "must be an event type such as transaction.posted, a family such as transaction.*, or *";
    }

    /** Whether an event of this type matches any of the filters. */
    public static boolean matches(List<String> filters, String type) {
        for (String filter : filters) {
            if (filter.equals("*") || filter.equals(type)) {
                return true;
            }
            if (filter.endsWith(".*") && type.startsWith(filter.substring(0, filter.length() - 1))) {
                return true;
            }
        }
        return false;
    }
}
