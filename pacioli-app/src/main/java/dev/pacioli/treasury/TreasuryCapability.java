package dev.pacioli.treasury;

import dev.pacioli.controls.SubmissionGate;
import dev.pacioli.ledger.LedgerPort;
import dev.pacioli.payments.connectors.PaymentRails;
import dev.pacioli.platform.Capability;
import dev.pacioli.platform.Route;
import dev.pacioli.platform.alerts.Alerts;
import dev.pacioli.platform.jobs.Jobs;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Treasury (treasury.md, docs/treasury.md): buffers kept between bounds by cycles, conversions through
 * the payment connectors that speak the protocol's conversion calls. Money moves only through the
 * {@link LedgerPort}; every submission to a provider passes the controls' {@link SubmissionGate}.
 */
public final class TreasuryCapability implements Capability {
    /** How often cycles run: {@code PACIOLI_TREASURY_CYCLE} (seconds, or with a unit: 30s, 5m), default 5 min. */
    public static final String CYCLE_VARIABLE = "PACIOLI_TREASURY_CYCLE";

    public static final Duration CYCLE_DEFAULT = Duration.ofMinutes(5);

    private final List<Route> routes = new ArrayList<>();

    private final BalanceMonitors monitors;

    public TreasuryCapability(
            DataSource dataSource,
            LedgerPort ledgers,
            Jobs jobs,
            PaymentRails rails,
            SubmissionGate gate,
            Alerts alerts,
            MeterRegistry registry,
            Duration cycle,
            Consumer<Consumer<String>> commits) {
        TreasuryStore store = new TreasuryStore(dataSource, jobs);
        Providers providers = new Providers(rails);
        Duration poll = Duration.ofMillis(Math.min(2_000, Math.max(200, cycle.toMillis() / 2)));
        ConversionWorker worker = new ConversionWorker(store, providers, ledgers, gate, alerts, registry, poll);
        jobs.register(worker.type());
        Cycles cycles = new Cycles(store, ledgers, providers, jobs, alerts, registry, cycle);
        cycles.start();
        routes.addAll(new TreasuryRoutes(store, cycles, providers, worker, jobs).routes());
        monitors = new BalanceMonitors(dataSource, ledgers, alerts);
        commits.accept(monitors::committed);
        monitors.start();
        routes.addAll(new MonitorRoutes(monitors, store).routes());
    }

    /** The cycle's period from the environment's value, or the default when unset. */
    public static Duration cycle(String value) {
        if (value == null || value.isBlank()) {
            return CYCLE_DEFAULT;
        }
        String text = value.strip().toLowerCase(Locale.ROOT);
        try {
            Duration parsed = text.endsWith("ms")
                    ? Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)))
                    : text.endsWith("s")
                            ? Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)))
                            : text.endsWith("m")
                                    ? Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)))
                                    : Duration.ofSeconds(Long.parseLong(text));
            if (parsed.toMillis() < 100 || parsed.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException(CYCLE_VARIABLE + " is 100ms to 1 day: " + value);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(CYCLE_VARIABLE + " is a duration such as 300, 30s or 5m: " + value);
        }
    }

    @Override
    public String name() {
        return "treasury";
    }

    /** Stops the balance monitors' loop (the cycles and conversions are jobs: the runner stops them). */
    @Override
    public void close() {
        monitors.close();
    }

    @Override
    public List<Route> routes() {
        return List.copyOf(routes);
    }

    /** {@code treasury.conversion.<state>}, the buffers' configuration changes. */
    @Override
    public List<String> serviceEventTypes() {
        List<String> types = new ArrayList<>(List.of(
                "treasury_buffer.created",
                "treasury_buffer.replaced",
                "balance_monitor.created",
                "balance_monitor.replaced"));
        Arrays.stream(ConversionStatus.values()).forEach(status -> types.add("treasury.conversion." + status.code()));
        return types;
    }
}
