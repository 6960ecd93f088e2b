package dev.pacioli.events.nats;

import dev.pacioli.platform.ServiceMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

/**
 * The NATS publisher's series: what it published, dropped, failed, and how far each ledger lags
 * ({@code pacioli_nats_publish_lag{ledger}}, the service's own stream as {@code ledger="_service"}), read
 * from the publisher at every scrape.
 */
public final class NatsMetrics {
    private NatsMetrics() {}

    public static void watch(ServiceMetrics metrics, NatsPublisher publisher) {
        MeterRegistry registry = metrics.registry();

        FunctionCounter.builder("pacioli.nats.published", publisher, NatsPublisher::publishedTotal)
                .description("events JetStream stored on our publish")
                .register(registry);
        FunctionCounter.builder("pacioli.nats.duplicates", publisher, NatsPublisher::duplicatesTotal)
                .description("republished events JetStream dropped by Nats-Msg-Id")
                .register(registry);
        FunctionCounter.builder("pacioli.nats.failures", publisher, NatsPublisher::failuresTotal)
                .description("publisher rounds that failed and were retried after a backoff")
                .register(registry);
        FunctionCounter.builder("pacioli.nats.out.of.order", publisher, NatsPublisher::outOfOrderTotal)
                .description("events stored ahead of an earlier event of their ledger")
                .register(registry);
        Gauge.builder("pacioli.nats.connected", publisher, connected -> connected.connected() ? 1 : 0)
                .description("1 while the publisher holds a NATS connection")
                .register(registry);
        MultiGauge lag = MultiGauge.builder("pacioli.nats.publish.lag")
                .description("events committed but not yet acknowledged by JetStream (head - cursor)")
                .register(registry);
        metrics.beforeScrape(() -> lag.register(
                publisher.progress().stream()
                        .map(stream -> MultiGauge.Row.of(Tags.of("ledger", stream.stream()), stream.lag()))
                        .toList(),
                true));
    }
}
