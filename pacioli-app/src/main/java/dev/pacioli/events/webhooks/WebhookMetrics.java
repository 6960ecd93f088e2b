package dev.pacioli.events.webhooks;

import dev.pacioli.platform.ServiceMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The webhook dispatcher's series.
 *
 * <ul>
 *   <li>{@code pacioli_webhook_deliveries_total{outcome}}: attempts by outcome ({@code succeeded},
 *       {@code retrying}: failed and scheduled again, {@code failed}: failed for good)
 *   <li>{@code pacioli_webhook_backlog}: pending deliveries;
 *       {@code pacioli_webhook_oldest_pending_seconds{webhook}}: age of the oldest undelivered event
 *       per endpoint (0 when it has none)
 *   <li>{@code pacioli_webhook_endpoints_disabled}: disabled endpoints now;
 *       {@code pacioli_webhook_disablements_total{reason}}: endpoints the dispatcher disabled
 *       ({@code gone}: a 410, {@code failing}: every attempt failed for the stated period)
 * </ul>
 */
public final class WebhookMetrics {
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Counter> webhookCounters = new ConcurrentHashMap<>();
    private final AtomicLong webhookBacklog = new AtomicLong();
    private final AtomicLong webhookEndpointsDisabled = new AtomicLong();
    private final ConcurrentHashMap<String, Double> webhookOldestSeconds = new ConcurrentHashMap<>();

    public WebhookMetrics(ServiceMetrics metrics) {
        this.registry = metrics.registry();
        Gauge.builder("pacioli.webhook.backlog", webhookBacklog, AtomicLong::get)
                .description("webhook deliveries not yet succeeded or given up")
                .register(registry);
        Gauge.builder("pacioli.webhook.endpoints.disabled", webhookEndpointsDisabled, AtomicLong::get)
                .description("webhook endpoints that are disabled")
                .register(registry);
    }

    /** One webhook delivery attempt's outcome: {@code succeeded}, {@code retrying} or {@code failed}. */
    public void webhookDelivery(String outcome) {
        webhookCounter("pacioli.webhook.deliveries", "outcome", outcome, "webhook delivery attempts by outcome");
    }

    /** The dispatcher disabled an endpoint: {@code gone} (410) or {@code failing}. */
    public void webhookEndpointDisabled(String reason) {
        webhookCounter(
                "pacioli.webhook.disablements", "reason", reason, "webhook endpoints disabled by the dispatcher");
        webhookEndpointsDisabled.incrementAndGet();
    }

    private void webhookCounter(String name, String tag, String value, String description) {
        webhookCounters
                .computeIfAbsent(
                        name + ' ' + value,
                        key -> Counter.builder(name)
                                .tag(tag, value)
                                .description(description)
                                .register(registry))
                .increment();
    }

    /**
     * The backlog as last read: pending deliveries, disabled endpoints, and per endpoint with pending
     * deliveries the age of its oldest undelivered event. Endpoints seen before and absent now read 0.
     */
    public void webhookBacklog(long pending, long disabledEndpoints, Map<String, Double> oldestSecondsByEndpoint) {
        webhookBacklog.set(pending);
        webhookEndpointsDisabled.set(disabledEndpoints);
        for (String endpoint : webhookOldestSeconds.keySet()) {
            if (!oldestSecondsByEndpoint.containsKey(endpoint)) {
                webhookOldestSeconds.put(endpoint, 0.0);
            }
        }
        oldestSecondsByEndpoint.forEach((endpoint, seconds) -> {
            if (webhookOldestSeconds.put(endpoint, seconds) == null) {
                Gauge.builder(
                                "pacioli.webhook.oldest.pending",
                                webhookOldestSeconds,
                                ages -> ages.getOrDefault(endpoint, 0.0))
                        .tag("webhook", endpoint)
                        .baseUnit("seconds")
                        .description("age of the oldest event not yet delivered to the webhook endpoint")
                        .register(registry);
            }
        });
    }
}
