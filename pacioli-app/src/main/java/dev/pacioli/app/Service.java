package dev.pacioli.app;

import dev.pacioli.access.AccessCapability;
import dev.pacioli.access.ApiKeys;
import dev.pacioli.clearing.ClearingCapability;
import dev.pacioli.controls.ControlSettings;
import dev.pacioli.controls.ControlledLedgers;
import dev.pacioli.controls.Controls;
import dev.pacioli.controls.ControlsCapability;
import dev.pacioli.controls.limits.LimitsCapability;
import dev.pacioli.controls.screening.Screening;
import dev.pacioli.controls.screening.ScreeningCapability;
import dev.pacioli.controls.screening.ScreeningSettings;
import dev.pacioli.custody.CustodyCapability;
import dev.pacioli.custody.CustodySettings;
import dev.pacioli.events.EventsCapability;
import dev.pacioli.events.feed.ServiceEventStore;
import dev.pacioli.events.nats.NatsMetrics;
import dev.pacioli.events.nats.NatsOptions;
import dev.pacioli.events.nats.NatsPublisher;
import dev.pacioli.events.webhooks.WebhookAlerts;
import dev.pacioli.events.webhooks.WebhookDispatcher;
import dev.pacioli.events.webhooks.WebhookMetrics;
import dev.pacioli.events.webhooks.WebhookSettings;
import dev.pacioli.ledger.LedgerPort;
import dev.pacioli.ledger.engine.EngineConfig;
import dev.pacioli.ledger.engine.LedgerClock;
import dev.pacioli.ledger.http.LedgerCapability;
import dev.pacioli.ledger.http.LedgerMetrics;
import dev.pacioli.ledger.http.Ledgers;
import dev.pacioli.ledger.http.LocalLedgers;
import dev.pacioli.ledger.http.WriterAlerts;
import dev.pacioli.operations.BackupCommands;
import dev.pacioli.operations.BackupSchedule;
import dev.pacioli.payments.PaymentsCapability;
import dev.pacioli.payments.commissions.CommissionsCapability;
import dev.pacioli.payments.execution.PaymentSettings;
import dev.pacioli.platform.ApiKey;
import dev.pacioli.platform.Authenticator;
import dev.pacioli.platform.Capability;
import dev.pacioli.platform.HttpServer;
import dev.pacioli.platform.IdempotencyKeys;
import dev.pacioli.platform.IdempotencyStore;
import dev.pacioli.platform.Route;
import dev.pacioli.platform.ServiceMetrics;
import dev.pacioli.platform.alerts.AlertMetrics;
import dev.pacioli.platform.alerts.AlertService;
import dev.pacioli.platform.alerts.AlertSettings;
import dev.pacioli.platform.alerts.Alerts;
import dev.pacioli.platform.alerts.AlertsCapability;
import dev.pacioli.platform.alerts.ConnectorAlerts;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.audit.AuditCapability;
import dev.pacioli.platform.audit.MigrationAudit;
import dev.pacioli.platform.connectors.ConnectorMetrics;
import dev.pacioli.platform.connectors.ConnectorOptions;
import dev.pacioli.platform.connectors.ConnectorRoutes;
import dev.pacioli.platform.connectors.Connectors;
import dev.pacioli.platform.jobs.JobRoutes;
import dev.pacioli.platform.jobs.JobSettings;
import dev.pacioli.platform.jobs.Jobs;
import dev.pacioli.postgres.Database;
import dev.pacioli.reconciliation.ReconciliationCapability;
import dev.pacioli.treasury.TreasuryCapability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service: a migrated database, a writer per ledger, and the HTTP server in front.
 *
 * <p>The jobs service, the webhook dispatcher (its first user) and the NATS publisher (when configured)
 * start after the ledgers and stop before them.
 *
 * <p>Closing it is the graceful shutdown SIGTERM triggers: the server stops taking requests and lets
 * those in flight finish, the webhook dispatcher stops, then every writer commits what is queued and releases its ledger. The
 * database stays open: whoever opened it closes it, after the service.
 */
public final class Service implements AutoCloseable {
    /** Where this instance takes the writes other instances forward to it (operations.md). */
    public static final String ADVERTISE_URL_VARIABLE = "PACIOLI_ADVERTISE_URL";

    private static final Logger LOG = LoggerFactory.getLogger(Service.class);
    static final String ADMIN_KEY_FILE = "admin-key";

    /**
     * What the service needs beyond its database.
     *
     * @param dataDirectory where the generated admin key file is written
     * @param adminKey the admin secret to install, or null to generate one on first start
     * @param webhooks the webhook dispatcher's settings
     * @param nats JetStream publishing, or null when off
     * @param connectors the outbound allow-list and the connectors' default breaker
     * @param jobs the job runner's settings
     * @param alerts re-notify, retries and timeouts of alert deliveries
     * @param payments the payout worker's timings and deadlines
     * @param controls how the execution mode and the emergency stop are read
     * @param screening the screening threshold and how fresh other instances' lists are
     * @param custody where custody's key-encryption key is and how rotations run
     */
    public record Options(
            Path dataDirectory,
            String adminKey,
            HttpServer.Settings http,
            EngineConfig engine,
            WebhookSettings webhooks,
            NatsOptions nats,
            ConnectorOptions connectors,
            JobSettings jobs,
            AlertSettings alerts,
            PaymentSettings payments,
            ControlSettings controls,
            ScreeningSettings screening,
            CustodySettings custody) {
        /** With the production settings of payments, controls and screening. */
        public Options(
                Path dataDirectory,
                String adminKey,
                HttpServer.Settings http,
                EngineConfig engine,
                WebhookSettings webhooks,
                NatsOptions nats,
                ConnectorOptions connectors,
                JobSettings jobs,
                AlertSettings alerts) {
            this(
                    dataDirectory,
                    adminKey,
                    http,
                    engine,
                    webhooks,
                    nats,
                    connectors,
                    jobs,
                    alerts,
                    PaymentSettings.DEFAULTS,
                    ControlSettings.DEFAULTS,
                    ScreeningSettings.DEFAULTS,
                    CustodySettings.DEFAULTS);
        }

        /** With the production settings of webhooks, connectors, jobs and alerts, and no NATS. */
        public Options(Path dataDirectory, String adminKey, HttpServer.Settings http, EngineConfig engine) {
            this(dataDirectory, adminKey, http, engine, WebhookSettings.DEFAULTS, null);
        }

        /** With the production settings of connectors, jobs and alerts. */
        public Options(
                Path dataDirectory,
                String adminKey,
                HttpServer.Settings http,
                EngineConfig engine,
                WebhookSettings webhooks,
                NatsOptions nats) {
            this(
                    dataDirectory,
                    adminKey,
                    http,
                    engine,
                    webhooks,
                    nats,
                    ConnectorOptions.DEFAULTS,
                    JobSettings.DEFAULTS,
                    AlertSettings.DEFAULTS);
        }

        public Options withConnectors(ConnectorOptions settings) {
            return new Options(
                    dataDirectory,
                    adminKey,
                    http,
                    engine,
                    webhooks,
                    nats,
                    settings,
                    jobs,
                    alerts,
                    payments,
                    controls,
                    screening,
                    custody);
        }

        public Options withJobs(JobSettings settings) {
            return new Options(
                    dataDirectory,
                    adminKey,
                    http,
                    engine,
                    webhooks,
                    nats,
                    connectors,
                    settings,
                    alerts,
                    payments,
                    controls,
                    screening,
                    custody);
        }

        public Options withAlerts(AlertSettings settings) {
            return new Options(
                    dataDirectory,
                    adminKey,
                    http,
                    engine,
                    webhooks,
                    nats,
                    connectors,
                    jobs,
                    settings,
                    payments,
                    controls,
                    screening,
                    custody);
        }

        public Options withPayments(PaymentSettings settings) {
            return new Options(
                    dataDirectory,
                    adminKey,
                    http,
                    engine,
                    webhooks,
                    nats,
                    connectors,
                    jobs,
                    alerts,
                    settings,
                    controls,
                    screening,
                    custody);
        }

        public Options withControls(ControlSettings settings) {
            return new Options(
                    dataDirectory,
                    adminKey,
                    http,
                    engine,
                    webhooks,
                    nats,
                    connectors,
                    jobs,
                    alerts,
                    payments,
                    settings,
                    screening,
                    custody);
        }

        public Options withScreening(ScreeningSettings settings) {
            return new Options(
                    dataDirectory,
                    adminKey,
                    http,
                    engine,
                    webhooks,
                    nats,
                    connectors,
                    jobs,
                    alerts,
                    payments,
                    controls,
                    settings,
                    custody);
        }

        public Options withCustody(CustodySettings settings) {
            return new Options(
                    dataDirectory,
                    adminKey,
                    http,
                    engine,
                    webhooks,
                    nats,
                    connectors,
                    jobs,
                    alerts,
                    payments,
                    controls,
                    screening,
                    settings);
        }
    }

    private final Database database;
    private final Ledgers ledgers;
    private final Jobs jobs;
    private final AlertService alerts;
    private final WebhookDispatcher webhooks;
    private final NatsPublisher nats;
    private final Connectors connectors;
    private final Controls controls;
    private final HttpServer server;
    private final Screening screening;
    private final List<Capability> capabilities;

    private Service(
            Database database,
            Ledgers ledgers,
            Jobs jobs,
            AlertService alerts,
            WebhookDispatcher webhooks,
            NatsPublisher nats,
            Connectors connectors,
            Controls controls,
            HttpServer server,
            Screening screening,
            List<Capability> capabilities) {
        this.database = database;
        this.controls = controls;
        this.ledgers = ledgers;
        this.jobs = jobs;
        this.alerts = alerts;
        this.webhooks = webhooks;
        this.nats = nats;
        this.connectors = connectors;
        this.server = server;
        this.screening = screening;
        this.capabilities = capabilities;
    }

    /** The ledgers' writers, a stand-by trying to take them over every {@code PACIOLI_WRITER_TAKEOVER_EVERY}. */
    private static Ledgers ledgers(Database database, Options options, ServiceMetrics metrics) {
        return new Ledgers(
                database,
                options.engine(),
                LedgerClock.SYSTEM,
                new LedgerMetrics(metrics),
                Ledgers.takeoverEvery(System.getenv(Ledgers.TAKEOVER_EVERY_VARIABLE)));
    }

    /** Starts on a migrated database. One service per database: each takes its ledgers' writer locks. */
    public static Service start(Database database, Options options) {
        ServiceMetrics metrics = new ServiceMetrics();
        Ledgers ledgers = ledgers(database, options, metrics);
        Connectors connectors = new Connectors(
                options.connectors().policy(options.http().host()),
                options.connectors().breaker(),
                new ConnectorMetrics(metrics.registry()));
        Jobs jobs = new Jobs(database.dataSource(), options.jobs(), metrics);
        WebhookDispatcher webhooks = null;
        NatsPublisher nats = null;
        Controls controls = null;
        List<Capability> capabilities = List.of();
        // Alerts start before the ledgers and stop after them, so every other part can raise while it
        // runs; their deliveries are jobs, sent once the runner starts.
        AlertService alerts = AlertService.start(
                database.dataSource(), jobs, options.alerts(), new AlertMetrics(metrics), connectors);
        try {
            // Migrations applied before this start that the audit log lacks (a crash after Flyway).
            MigrationAudit.record(database.dataSource());
            installAdminKey(database, options);
            if (options.http().port() != 0) {
                database.store()
                        .advertise(advertisedUrl(options.http(), options.http().port()));
            }
            ledgers.startAll();
            controls = Controls.start(database, options.controls(), metrics.registry(), alerts);
            watch(alerts, ledgers, database, connectors);
            webhooks = WebhookDispatcher.start(
                    database, options.webhooks(), new WebhookMetrics(metrics), jobs, connectors);
            jobs.start();
            if (options.nats() != null) {
                nats = NatsPublisher.start(database, options.nats());
                NatsMetrics.watch(metrics, nats);
            }
            Authenticator authenticator = new Authenticator(new ApiKeys(database.dataSource()));
            ScreeningCapability screening =
                    new ScreeningCapability(database.dataSource(), options.screening(), metrics.registry());
            capabilities = capabilities(
                    database, ledgers, metrics, authenticator, connectors, alerts, options, jobs, controls, screening);
            HttpServer server = new HttpServer(
                            options.http(),
                            authenticator,
                            ledgers,
                            metrics,
                            idempotencyKeys(database),
                            routes(database, ledgers, metrics, connectors, jobs, controls, capabilities))
                    .start();
            database.store().advertise(advertisedUrl(options.http(), server.port()));
            logListening(database, ledgers, options, server);
            return new Service(
                    database,
                    ledgers,
                    jobs,
                    alerts,
                    webhooks,
                    nats,
                    connectors,
                    controls,
                    server,
                    screening.screening(),
                    capabilities);
        } catch (RuntimeException e) {
            new Service(database, ledgers, jobs, alerts, webhooks, nats, connectors, controls, null, null, capabilities)
                    .close();
            throw e;
        }
    }

    /**
     * Where other instances forward this one the writes of the ledgers it writes: {@code
     * PACIOLI_ADVERTISE_URL} (the {@code pacioli.advertise.url} property first, as tests set it), else
     * this instance's own address on its port — loopback when it listens on every interface, which
     * serves instances on one machine; instances on several machines set the variable.
     */
    static String advertisedUrl(HttpServer.Settings http, int port) {
        String configured = System.getProperty("pacioli.advertise.url", System.getenv(ADVERTISE_URL_VARIABLE));
        if (configured == null || configured.isBlank()) {
            String host = http.host().equals("0.0.0.0") || http.host().equals("::") ? "127.0.0.1" : http.host();
            return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
        URI url;
        try {
            url = URI.create(configured.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ADVERTISE_URL_VARIABLE + " is not a URL: " + configured);
        }
        if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
            throw new IllegalArgumentException(ADVERTISE_URL_VARIABLE
                    + " is an http(s) URL with a host, such as http://10.0.0.7:8080: " + configured);
        }
        return url.toString().replaceAll("/+$", "");
    }

    /** The conditions the service's own parts raise alerts for. */
    private static void watch(AlertService alerts, Ledgers ledgers, Database database, Connectors connectors) {
        alerts.watch(new WriterAlerts(ledgers, alerts));
        alerts.watch(new WebhookAlerts(database.dataSource(), alerts));
        alerts.watch(new ConnectorAlerts(connectors, alerts));
    }

    private static IdempotencyKeys idempotencyKeys(Database database) {
        return new IdempotencyKeys(new IdempotencyStore(
                database.dataSource(), IdempotencyKeys.LEASE_MILLIS, IdempotencyKeys.RETENTION_MILLIS));
    }

    private static void logListening(Database database, Ledgers ledgers, Options options, HttpServer server) {
        LOG.atInfo()
                .addKeyValue("port", server.port())
                .addKeyValue("database", database.describe())
                .addKeyValue("ledgers", ledgers.all().size())
                .log("pacioli is listening on http://{}:{}", options.http().host(), server.port());
    }

    /** Every route: the service's own, then each capability's in their declared order, then the console's files. */
    private static List<Route> routes(
            Database database,
            Ledgers ledgers,
            ServiceMetrics metrics,
            Connectors connectors,
            Jobs jobs,
            Controls controls,
            List<Capability> capabilities) {
        List<Route> routes = new ArrayList<>(new ServiceRoutes(database, ledgers, metrics, controls.watch()).routes());
        routes.addAll(new ConnectorRoutes(connectors).routes());
        routes.addAll(new JobRoutes(jobs).routes());
        capabilities.forEach(capability -> routes.addAll(capability.routes()));
        routes.addAll(new ConsoleRoutes().routes());
        return List.copyOf(routes);
    }

    /** Every capability, in their declared order (the order their routes are served and closed in reverse). */
    private static List<Capability> capabilities(
            Database database,
            Ledgers ledgers,
            ServiceMetrics metrics,
            Authenticator authenticator,
            Connectors connectors,
            AlertService alerts,
            Options options,
            Jobs jobs,
            Controls controls,
            ScreeningCapability screening) {
        // Every write of money goes through this port, behind the emergency stop; a capability gets it,
        // never a writer.
        LocalLedgers local = new LocalLedgers(ledgers, database.reads());
        LedgerPort port = new ControlledLedgers(local, controls.watch());
        PaymentsCapability payments = new PaymentsCapability(
                database.dataSource(),
                port,
                jobs,
                connectors,
                alerts,
                metrics.registry(),
                options.payments(),
                controls,
                screening.screening(),
                ledgers);
        List<Capability> capabilities = new ArrayList<>(List.of(
                new AlertsCapability(alerts),
                new ControlsCapability(controls),
                new LedgerCapability(database, ledgers, port, ledgers.metrics(), alerts),
                new AccessCapability(database, authenticator),
                new AuditCapability(database.dataSource()),
                new LimitsCapability(local, database.catalog()),
                screening,
                payments,
                new CommissionsCapability(database, port),
                clearing(database, port, jobs, alerts, metrics, screening)));
        capabilities.add(treasury(database, port, jobs, payments, controls, alerts, metrics, ledgers));
        capabilities.add(new ReconciliationCapability(
                database, port, alerts, controls, payments.payoutHolds(), jobs, metrics.registry()));
        capabilities.add(custody(
                database,
                jobs,
                options,
                new CustodyCapability.Reach(
                        port, payments.rails(), connectors, controls.gate(), alerts, metrics.registry())));
        scheduleBackups(database, jobs, alerts, metrics, options);
        List<String> serviceEventTypes = capabilities.stream()
                .flatMap(capability -> capability.serviceEventTypes().stream())
                .toList();
        capabilities.add(new EventsCapability(
                database,
                ledgers,
                new ServiceEventStore(database.dataSource()),
                options.webhooks(),
                connectors,
                jobs,
                serviceEventTypes));
        return List.copyOf(capabilities);
    }

    private static ClearingCapability clearing(
            Database database,
            LedgerPort port,
            Jobs jobs,
            AlertService alerts,
            ServiceMetrics metrics,
            ScreeningCapability screening) {
        return new ClearingCapability(
                database.dataSource(),
                port,
                jobs,
                alerts,
                metrics.registry(),
                screening.screening(),
                code -> database.catalog().listAssets().stream()
                        .filter(stored -> stored.asset().code().equals(code))
                        .map(stored -> stored.asset().scale())
                        .findFirst()
                        .orElse(null));
    }

    /** Treasury on the payments' connectors, cycling every {@code PACIOLI_TREASURY_CYCLE}. */
    private static TreasuryCapability treasury(
            Database database,
            LedgerPort port,
            Jobs jobs,
            PaymentsCapability payments,
            Controls controls,
            AlertService alerts,
            ServiceMetrics metrics,
            Ledgers ledgers) {
        String cycle = System.getProperty("pacioli.treasury.cycle", System.getenv(TreasuryCapability.CYCLE_VARIABLE));
        return new TreasuryCapability(
                database.dataSource(),
                port,
                jobs,
                payments.rails(),
                controls.gate(),
                alerts,
                metrics.registry(),
                TreasuryCapability.cycle(cycle),
                ledgers::onCommit);
    }

    /** Scheduled backups when {@code PACIOLI_BACKUP_DIR} is set (docs/operations.md). */
    private static void scheduleBackups(
            Database database, Jobs jobs, AlertService alerts, ServiceMetrics metrics, Options options) {
        BackupSchedule.Settings settings = BackupSchedule.Settings.of(System.getenv());
        if (settings != null) {
            new BackupSchedule(
                            database.dataSource(),
                            database.schema(),
                            settings,
                            alerts,
                            BackupCommands.kek(options.custody(), options.dataDirectory()),
                            Instant::now)
                    .start(jobs, metrics.registry());
        }
    }

    private static CustodyCapability custody(
            Database database, Jobs jobs, Options options, CustodyCapability.Reach reach) {
        return new CustodyCapability(database.dataSource(), jobs, options.custody(), options.dataDirectory(), reach);
    }

    public int port() {
        return server.port();
    }

    public Database database() {
        return database;
    }

    /** The outbound connectors and their breakers (tests trip one). */
    public Connectors connectors() {
        return connectors;
    }

    /** The jobs service every capability's background work runs on. */
    public Jobs jobs() {
        return jobs;
    }

    /** Screening, the hook capabilities hold objects through: for tools and tests that register a handler. */
    public Screening screening() {
        return screening;
    }

    /** The service's alerts, for tools and tests that raise or resolve as a source would. */
    public Alerts alerts() {
        return alerts;
    }

    /**
     * Whoever operates the service holds the keys it installs itself; they get no flags, so approving
     * needs keys made for the people who approve.
     */
    static final String ADMIN_PRINCIPAL = "admin";

    /**
     * Makes sure an admin can get in. With {@code PACIOLI_ADMIN_KEY}, that secret is installed as an
     * admin key (once). Without it, and when no active admin key exists, one is generated and written
     * to a file only its owner can read; the log says where, never what.
     */
    private static void installAdminKey(Database database, Options options) {
        ApiKeys keys = new ApiKeys(database.dataSource());
        if (options.adminKey() != null) {
            byte[] hash = Authenticator.hash(options.adminKey());
            Optional<ApiKey> existing = keys.findBySecretHash(hash);
            if (existing.isPresent() && existing.get().isRevoked()) {
                throw new Settings.ConfigurationException(
                        Settings.ADMIN_KEY_VARIABLE + " names a key that was revoked; set a new secret");
            }
            if (existing.isEmpty()) {
                ApiKey key = keys.create(
                        "admin (PACIOLI_ADMIN_KEY)",
                        ADMIN_PRINCIPAL,
                        ApiKey.Role.ADMIN,
                        Set.of(),
                        null,
                        hash,
                        Actor.SYSTEM);
                LOG.info("installed the admin key from {} as {}", Settings.ADMIN_KEY_VARIABLE, key.id());
            }
            return;
        }
        if (keys.anyActiveAdmin()) {
            return;
        }
        String secret = Authenticator.newSecret();
        Path file = writeSecret(options.dataDirectory().resolve(ADMIN_KEY_FILE), secret);
        ApiKey key = keys.create(
                "admin", ADMIN_PRINCIPAL, ApiKey.Role.ADMIN, Set.of(), null, Authenticator.hash(secret), Actor.SYSTEM);
        LOG.info("created the first admin key {}; its secret is in {} (readable only by its owner)", key.id(), file);
    }

    /** Writes the secret to a new owner-only file, then moves it into place, so no reader sees it half written. */
    static Path writeSecret(Path file, String secret) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path temporary = Files.createTempFile(
                    file.toAbsolutePath().getParent(),
                    ".admin-key",
                    ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temporary, secret + "\n");
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return file.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the admin key to " + file, e);
        }
    }

    /**
     * Graceful shutdown: drain HTTP, stop the webhook dispatcher (attempts in flight may finish), then
     * commit every queue. Whoever opened the database closes it. Also what a failed start runs, on
     * whatever it had started (the parts not yet made are null).
     */
    @Override
    public void close() {
        LOG.info("shutting down: draining requests, then committing every ledger's queue");
        if (server != null) {
            server.close();
        }
        // The checks stop before what they watch, so a writer closed on purpose is not an alert.
        alerts.stopWatching();
        if (nats != null) {
            nats.close();
        }
        jobs.close();
        for (Capability capability : capabilities.reversed()) {
            capability.close();
        }
        if (webhooks != null) {
            webhooks.close();
        }
        connectors.close();
        if (controls != null) {
            controls.close();
        }
        ledgers.close();
        alerts.close();
        LOG.info("stopped");
    }
}
