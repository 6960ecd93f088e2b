package dev.pacioli.app;

import dev.pacioli.controls.screening.ScreeningSettings;
import dev.pacioli.custody.CustodySettings;
import dev.pacioli.events.nats.NatsOptions;
import dev.pacioli.events.webhooks.WebhookSettings;
import dev.pacioli.ledger.engine.EngineConfig;
import dev.pacioli.platform.audit.MigrationAudit;
import dev.pacioli.platform.connectors.ConnectorOptions;
import dev.pacioli.platform.connectors.ConnectorSettings;
import dev.pacioli.platform.connectors.OutboundPolicy;
import dev.pacioli.platform.jobs.JobSettings;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.DatabaseUrl;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Configuration from flags and the environment, validated before anything starts. A flag wins over
 * its environment variable; nothing falls back silently to something dangerous. Every mistake is
 * reported with what is wrong and how to fix it.
 *
 * @param databaseUrl null for the embedded PostgreSQL under {@code dataDirectory}
 * @param adminKey the admin key's secret from {@code PACIOLI_ADMIN_KEY}, or null to generate one
 * @param rateLimitPerSecond requests per second per API key; 0 turns rate limiting off
 * @param webhooks the webhook dispatcher's settings ({@code PACIOLI_WEBHOOK_*})
 * @param nats JetStream publishing ({@code PACIOLI_NATS_URL}), or null when off
 * @param connectors the outbound allow-list ({@code PACIOLI_OUTBOUND_ALLOW}) and the connectors'
 *     default breaker ({@code PACIOLI_CONNECTOR_FAILURES}, {@code _OPEN_WAIT}, {@code _SUCCESSES})
 * @param jobs the job runner's settings ({@code PACIOLI_JOBS_POLL}, {@code PACIOLI_JOBS_RETENTION})
 * @param screening the name score that is a hit ({@code PACIOLI_SCREENING_THRESHOLD}, 0.92)
 */
record Settings(
        Path dataDirectory,
        DatabaseUrl databaseUrl,
        String host,
        int port,
        String adminKey,
        long rateLimitPerSecond,
        long rateLimitBurst,
        int poolSize,
        EngineConfig engine,
        boolean accessLog,
        WebhookSettings webhooks,
        NatsOptions nats,
        ConnectorOptions connectors,
        JobSettings jobs,
        ScreeningSettings screening,
        CustodySettings custody,
        List<String> arguments) {
    static final String DATA_DIRECTORY_VARIABLE = "PACIOLI_DATA_DIR";
    static final String DATABASE_URL_VARIABLE = "DATABASE_URL";
    static final String PORT_VARIABLE = "PACIOLI_HTTP_PORT";
    static final String HOST_VARIABLE = "PACIOLI_HTTP_HOST";
    static final String ADMIN_KEY_VARIABLE = "PACIOLI_ADMIN_KEY";
    static final int PORT_DEFAULT = 8080;
    static final int ADMIN_KEY_LENGTH_MIN = 32;
    static final long RATE_LIMIT_MAX = 1_000_000;

    /** Parses {@code --data-dir}, {@code --database-url}, {@code --host} and {@code --port}; other arguments stay in order. */
    static Settings parse(List<String> args, Map<String, String> environment) {
        Flags flags = new Flags(environment);
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String variable = switch (name) {
                case "--data-dir" -> DATA_DIRECTORY_VARIABLE;
                case "--database-url" -> DATABASE_URL_VARIABLE;
                case "--port" -> PORT_VARIABLE;
                case "--host" -> HOST_VARIABLE;
                default -> null;
            };
            if (variable == null) {
                rest.add(arg);
            } else if (arg.contains("=")) {
                flags.values.put(variable, arg.substring(arg.indexOf('=') + 1));
            } else {
                if (i + 1 >= args.size()) {
                    throw new ConfigurationException(arg + " needs a value");
                }
                flags.values.put(variable, args.get(++i));
            }
        }
        return flags.settings(rest);
    }

    /** The raw values, flags over environment, and their validation. */
    private static final class Flags {
        final Map<String, String> values;

        Flags(Map<String, String> environment) {
            this.values = new HashMap<>(environment);
        }

        Settings settings(List<String> rest) {
            String dataDirectory = values.getOrDefault(DATA_DIRECTORY_VARIABLE, "data");
            if (dataDirectory.isBlank()) {
                throw new ConfigurationException("the data directory (--data-dir or " + DATA_DIRECTORY_VARIABLE
                        + ") is empty; give a path such as ./data");
            }
            String adminKey = values.get(ADMIN_KEY_VARIABLE);
            if (adminKey != null && (adminKey.length() < ADMIN_KEY_LENGTH_MIN || !adminKey.matches("[\\x21-\\x7e]+"))) {
                throw new ConfigurationException(ADMIN_KEY_VARIABLE + " must be at least " + ADMIN_KEY_LENGTH_MIN
                        + " printable characters without spaces; generate one with: openssl rand -base64 32");
            }
            long rate = number("PACIOLI_RATE_LIMIT_PER_SECOND", 0, 0, RATE_LIMIT_MAX);
            long burst = number("PACIOLI_RATE_LIMIT_BURST", Math.max(1, rate), 1, RATE_LIMIT_MAX);
            EngineConfig engine;
            try {
                engine = new EngineConfig(
                        (int) number(
                                "PACIOLI_WRITER_QUEUE_CAPACITY", EngineConfig.DEFAULTS.queueCapacity(), 1, 1 << 22),
                        (int) number(
                                "PACIOLI_WRITER_BATCH_MAX", EngineConfig.DEFAULTS.batchOperationsMax(), 1, 1 << 16),
                        EngineConfig.DEFAULTS.accountCacheMax(),
                        EngineConfig.DEFAULTS.expiriesPerBatchMax(),
                        EngineConfig.DEFAULTS.idlePollMillis());
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("writer settings: " + e.getMessage());
            }
            return new Settings(
                    Path.of(dataDirectory),
                    databaseUrl(),
                    host(),
                    (int) number(PORT_VARIABLE, PORT_DEFAULT, 0, 65_535),
                    adminKey,
                    rate,
                    burst,
                    (int) number("PACIOLI_DB_POOL_SIZE", Database.POOL_SIZE_DEFAULT, 2, 1_000),
                    engine,
                    !"false".equals(values.getOrDefault("PACIOLI_ACCESS_LOG", "true")),
                    webhooks(),
                    nats(),
                    connectors(),
                    jobs(),
                    screening(),
                    custody(),
                    List.copyOf(rest));
        }

        /**
         * {@code PACIOLI_OUTBOUND_ALLOW} (comma-separated hosts, addresses and CIDR ranges outbound
         * requests may reach though they are not public), and the breaker every connector gets unless
         * its own configuration says otherwise: {@code PACIOLI_CONNECTOR_FAILURES} (in a row, to open),
         * {@code PACIOLI_CONNECTOR_OPEN_WAIT} (before half-open), {@code PACIOLI_CONNECTOR_SUCCESSES}
         * (in a row, to close).
         */
        private ConnectorOptions connectors() {
            ConnectorOptions options = ConnectorOptions.DEFAULTS;
            String allow = values.get(OutboundPolicy.ALLOW_VARIABLE);
            if (allow != null && !allow.isBlank()) {
                try {
                    options = options.withAllow(OutboundPolicy.Allow.parse(allow));
                } catch (IllegalArgumentException e) {
                    throw new ConfigurationException(OutboundPolicy.ALLOW_VARIABLE + " " + e.getMessage()
                            + "; give hosts, addresses or CIDR ranges separated by commas, such as"
                            + " hooks.internal,10.1.0.0/16");
                }
            }
            ConnectorSettings.Breaker defaults = ConnectorSettings.Breaker.DEFAULTS;
            try {
                return options.withBreaker(new ConnectorSettings.Breaker(
                        (int) number(
                                "PACIOLI_CONNECTOR_FAILURES",
                                defaults.failures(),
                                1,
                                ConnectorSettings.Breaker.FAILURES_MAX),
                        duration("PACIOLI_CONNECTOR_OPEN_WAIT", defaults.openWait()),
                        (int) number(
                                "PACIOLI_CONNECTOR_SUCCESSES",
                                defaults.successes(),
                                1,
                                ConnectorSettings.Breaker.SUCCESSES_MAX)));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("connector settings: " + e.getMessage());
            }
        }

        /** {@code PACIOLI_NATS_URL} turns JetStream publishing on; {@code PACIOLI_NATS_STREAM} names the stream. */
        private NatsOptions nats() {
            String url = values.get("PACIOLI_NATS_URL");
            String stream = values.get("PACIOLI_NATS_STREAM");
            if (url == null || url.isBlank()) {
                if (stream != null && !stream.isBlank()) {
                    throw new ConfigurationException(
                            "PACIOLI_NATS_STREAM is set but PACIOLI_NATS_URL is not; set both or neither");
                }
                return null;
            }
            try {
                NatsOptions options = NatsOptions.of(url.trim());
                return stream == null || stream.isBlank() ? options : options.withStream(stream.trim());
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(e.getMessage());
            }
        }

        /**
         * {@code PACIOLI_WEBHOOK_ALLOW_HTTP} (plain http to hosts other than loopback),
         * {@code PACIOLI_WEBHOOK_CONCURRENCY}, {@code PACIOLI_WEBHOOK_CONNECT_TIMEOUT},
         * {@code PACIOLI_WEBHOOK_READ_TIMEOUT}, {@code PACIOLI_WEBHOOK_RETRY_SCHEDULE} (durations such
         * as {@code 5s,5m,30m,2h,5h,10h}), {@code PACIOLI_WEBHOOK_DISABLE_AFTER},
         * {@code PACIOLI_WEBHOOK_SECRET_OVERLAP}, {@code PACIOLI_WEBHOOK_POLL}.
         */
        private WebhookSettings webhooks() {
            WebhookSettings defaults = WebhookSettings.DEFAULTS;
            String allowHttp = values.getOrDefault("PACIOLI_WEBHOOK_ALLOW_HTTP", "false");
            if (!allowHttp.equals("true") && !allowHttp.equals("false")) {
                throw new ConfigurationException(
                        "PACIOLI_WEBHOOK_ALLOW_HTTP must be true or false; got '" + allowHttp + "'");
            }
            try {
                return new WebhookSettings(
                        allowHttp.equals("true"),
                        (int) number(
                                "PACIOLI_WEBHOOK_CONCURRENCY",
                                defaults.concurrency(),
                                1,
                                WebhookSettings.CONCURRENCY_MAX),
                        duration("PACIOLI_WEBHOOK_CONNECT_TIMEOUT", defaults.connectTimeout()),
                        duration("PACIOLI_WEBHOOK_READ_TIMEOUT", defaults.readTimeout()),
                        schedule(defaults.retrySchedule()),
                        defaults.jitterFraction(),
                        defaults.retryAfterMax(),
                        duration("PACIOLI_WEBHOOK_DISABLE_AFTER", defaults.disableAfterFailing()),
                        duration("PACIOLI_WEBHOOK_SECRET_OVERLAP", defaults.secretOverlap()),
                        duration("PACIOLI_WEBHOOK_POLL", defaults.pollInterval()));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("webhook settings: " + e.getMessage());
            }
        }

        /** {@code PACIOLI_JOBS_POLL} (500ms) and {@code PACIOLI_JOBS_RETENTION} (7d, of succeeded jobs). */
        private JobSettings jobs() {
            try {
                return new JobSettings(
                        duration("PACIOLI_JOBS_POLL", JobSettings.DEFAULTS.pollInterval()),
                        duration("PACIOLI_JOBS_RETENTION", JobSettings.DEFAULTS.retention()));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("job settings: " + e.getMessage());
            }
        }

        /** {@code PACIOLI_SCREENING_THRESHOLD}: a decimal from 0.5 to 1 (0.92). */
        private ScreeningSettings screening() {
            String text = values.get("PACIOLI_SCREENING_THRESHOLD");
            if (text == null || text.isBlank()) {
                return ScreeningSettings.DEFAULTS;
            }
            try {
                return new ScreeningSettings(Double.parseDouble(text.trim()), ScreeningSettings.DEFAULTS.refresh());
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("PACIOLI_SCREENING_THRESHOLD must be a decimal from "
                        + ScreeningSettings.THRESHOLD_MIN + " to 1, such as 0.92; got '" + text + "'");
            }
        }

        /** {@code PACIOLI_KEK} and the variables beside it (docs/custody.md). */
        private CustodySettings custody() {
            try {
                return CustodySettings.of(values);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(e.getMessage());
            }
        }

        private Duration duration(String variable, Duration absent) {
            String text = values.get(variable);
            if (text == null || text.isBlank()) {
                return absent;
            }
            try {
                return WebhookSettings.parseDuration(text);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(variable + ": " + e.getMessage());
            }
        }

        private List<Duration> schedule(List<Duration> absent) {
            String text = values.get("PACIOLI_WEBHOOK_RETRY_SCHEDULE");
            if (text == null || text.isBlank()) {
                return absent;
            }
            try {
                return WebhookSettings.parseSchedule(text);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("PACIOLI_WEBHOOK_RETRY_SCHEDULE: " + e.getMessage()
                        + "; give waits separated by commas, such as 5s,5m,30m,2h,5h,10h");
            }
        }

        private DatabaseUrl databaseUrl() {
            String url = values.get(DATABASE_URL_VARIABLE);
            try {
                return url == null || url.isBlank() ? null : DatabaseUrl.parse(url);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(DATABASE_URL_VARIABLE + ": " + e.getMessage());
            }
        }

        private String host() {
            String host = values.getOrDefault(HOST_VARIABLE, "127.0.0.1");
            if (host.isBlank() || host.contains("/") || host.contains(" ")) {
                throw new ConfigurationException(HOST_VARIABLE + " (--host) must be an address to listen on, such as"
                        + " 127.0.0.1 or 0.0.0.0; got '" + host + "'");
            }
            return host;
        }

        private long number(String variable, long absent, long min, long max) {
            String text = values.get(variable);
            if (text == null || text.isBlank()) {
                return absent;
            }
            try {
                long value = Long.parseLong(text.trim());
                if (value >= min && value <= max) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new ConfigurationException(
                    variable + " must be a whole number from " + min + " to " + max + "; got '" + text + "'");
        }
    }

    /** Opens the database this configuration names; migrates it to the latest schema when asked. */
    Database openDatabase(boolean migrate) {
        Database database = databaseUrl == null
                ? Database.embedded(dataDirectory, poolSize)
                : Database.connect(databaseUrl, Database.DEFAULT_SCHEMA, poolSize);
        try {
            if (migrate) {
                database.migrate();
                MigrationAudit.record(database.dataSource());
            }
            return database;
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /**
     * The database for a command run beside a service (backup, restore): a running embedded server is
     * adopted and left running; nothing is migrated.
     */
    Database openDatabaseBeside() {
        return databaseUrl == null
                ? Database.embeddedBeside(dataDirectory, 4)
                : Database.connect(databaseUrl, Database.DEFAULT_SCHEMA, 4);
    }

    /** A configuration mistake: the message says what is wrong and how to fix it. */
    static final class ConfigurationException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ConfigurationException(String message) {
            super(message);
        }
    }
}
