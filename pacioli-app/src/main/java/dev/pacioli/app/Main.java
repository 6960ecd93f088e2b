package dev.pacioli.app;

import dev.pacioli.access.ApiKeys;
import dev.pacioli.controls.ControlsStore;
import dev.pacioli.ledger.Ledger;
import dev.pacioli.ledger.VerifyReport;
import dev.pacioli.operations.BackupCommands;
import dev.pacioli.operations.DrillCommand;
import dev.pacioli.operations.PreflightCommand;
import dev.pacioli.platform.ApiKey;
import dev.pacioli.platform.Authenticator;
import dev.pacioli.platform.HttpServer;
import dev.pacioli.platform.alerts.AlertSettings;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.audit.MigrationAudit;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.MigrationsDown;
import java.io.PrintStream;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.flywaydb.core.api.MigrationInfo;

/** The {@code pacioli} command line. */
public final class Main {
    /** Who the audit log names for a key made at the command line: {@code cli:} and the system user. */
    static final String COMMAND_LINE_PRINCIPAL_PREFIX = "cli:";

    private static final String USAGE = """
            usage: pacioli <command> [--data-dir DIR] [--database-url URL] [--host H] [--port N]

            commands:
              serve                          run the HTTP API (default port 8080, on 127.0.0.1)
              demo                           start the service, drive a small payments ledger through the
                                             HTTP API printing each call as curl, then balances and verify
              verify LEDGER                  re-read a ledger from storage and check every invariant
              migrate status|up              show or apply the database migrations
              migrate down [N] [--allow-data-loss]
                                             take back the N newest migrations (default 1), each by
                                             its undo script, in one transaction; refuses, changing
                                             nothing, when a step would drop rows, and says which
              backup --to FILE [--encrypt]   a consistent backup of the database, while the service runs:
                                             a zip of a manifest (migration, every ledger's head) and
                                             every table; --encrypt: under the custody KEK
                                             (docs/operations.md)
              restore --from FILE            restore a backup into an empty data directory or database,
                                             then verify every ledger and print its head
              drill list | drill run NAME|all [--url URL]
                                             failure drills against a running service (PASS/FAIL
                                             with figures; docs/operations.md)
              preflight [--url URL] [--expect-mode live|dry] [--admin-key-days N]
                                             the go-live checks against a running service and its
                                             database: PASS, WARN or FAIL each, exit 1 on a FAIL
              keys create --role R [--ledger L]... [--name N] [--principal P] [--flag F]...
                                             create an API key: role reader, writer, operator or admin;
                                             principal (who holds it) defaults to the name (cli);
                                             flags approver, compliance
              controls show|stop|lift|mode   the execution mode and the emergency stop, on the database
                                             directly (works with the HTTP service down):
                                             stop --scope payouts|all --reason R, lift --reason R,
                                             mode live|dry --reason R
              help                           this text

            By default Pacioli runs its own PostgreSQL with its data under ./data (--data-dir or
            PACIOLI_DATA_DIR). As root, where user nobody (the server's user) cannot enter that
            directory, its cluster lives in /var/lib/pacioli/clusters/ and DIR/postgres links to it.
            Set DATABASE_URL (postgres://user:password@host:5432/db) to use yours.
            Other settings: PACIOLI_HTTP_PORT, PACIOLI_HTTP_HOST, PACIOLI_ADMIN_KEY,
            PACIOLI_RATE_LIMIT_PER_SECOND, PACIOLI_RATE_LIMIT_BURST, PACIOLI_DB_POOL_SIZE,
            PACIOLI_WRITER_QUEUE_CAPACITY, PACIOLI_WRITER_BATCH_MAX, PACIOLI_ACCESS_LOG, PACIOLI_LOG_LEVEL.
            Webhooks: PACIOLI_WEBHOOK_ALLOW_HTTP (true: plain http beyond loopback), PACIOLI_WEBHOOK_CONCURRENCY
            (16), PACIOLI_WEBHOOK_CONNECT_TIMEOUT (5s), PACIOLI_WEBHOOK_READ_TIMEOUT (15s),
            PACIOLI_WEBHOOK_RETRY_SCHEDULE (5s,5m,30m,2h,5h,10h), PACIOLI_WEBHOOK_DISABLE_AFTER (5d),
            PACIOLI_WEBHOOK_SECRET_OVERLAP (24h), PACIOLI_WEBHOOK_POLL (500ms).
            Jobs: PACIOLI_JOBS_POLL (500ms), PACIOLI_JOBS_RETENTION (7d, of succeeded jobs).
            Backups: PACIOLI_BACKUP_DIR (unset: none scheduled), PACIOLI_BACKUP_EVERY (24h), PACIOLI_BACKUP_KEEP (7),
            PACIOLI_BACKUP_ENCRYPT (true: under the custody KEK).
            NATS JetStream: PACIOLI_NATS_URL (nats://host:4222; unset: off), PACIOLI_NATS_STREAM (PACIOLI).
            """;

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.out));
    }

    static int run(List<String> args, PrintStream out) {
        Settings settings;
        try {
            settings = Settings.parse(args, System.getenv());
        } catch (Settings.ConfigurationException e) {
            System.err.println("pacioli: " + e.getMessage());
            return 2;
        }
        List<String> rest = settings.arguments();
        String command = rest.isEmpty() ? "help" : rest.get(0);
        try {
            return switch (command) {
                case "serve" -> serve(settings, out);
                case "demo" -> demo(settings, out);
                case "verify" -> verify(settings, rest, out);
                case "migrate" -> migrate(settings, rest, out);
                case "keys" -> keys(settings, rest, out);
                case "controls" -> controls(settings, rest, out);
                case "backup", "restore" -> backupOrRestore(settings, rest, out);
                case "preflight" -> preflight(settings, rest, out);
                case "drill" ->
                    DrillCommand.run(
                            rest.subList(1, rest.size()),
                            URI.create("http://" + (settings.host().equals("0.0.0.0") ? "127.0.0.1" : settings.host())
                                    + ":" + settings.port()),
                            settings.adminKey(),
                            settings::openDatabaseBeside,
                            out,
                            System.err);
                case "help", "--help", "-h" -> {
                    out.print(USAGE);
                    yield 0;
                }
                default -> usage("unknown command '" + command + "'");
            };
        } catch (IllegalStateException | IllegalArgumentException | Settings.ConfigurationException e) {
            System.err.println("pacioli: " + e.getMessage());
            return 1;
        }
    }

    private static int usage(String problem) {
        System.err.println("pacioli: " + problem + "\n\n" + USAGE);
        return 2;
    }

    static Service.Options options(Settings settings, int port) {
        return new Service.Options(
                        settings.dataDirectory(),
                        settings.adminKey(),
                        new HttpServer.Settings(
                                settings.host(),
                                port,
                                settings.rateLimitPerSecond(),
                                settings.rateLimitBurst(),
                                settings.accessLog()),
                        settings.engine(),
                        settings.webhooks(),
                        settings.nats(),
                        settings.connectors(),
                        settings.jobs(),
                        AlertSettings.DEFAULTS)
                .withScreening(settings.screening())
                .withCustody(settings.custody());
    }

    /** The demo prints its own story; an access log line per call would only interleave with it. */
    private static Service.Options quiet(Service.Options options) {
        HttpServer.Settings http = options.http();
        return new Service.Options(
                options.dataDirectory(),
                options.adminKey(),
                new HttpServer.Settings(
                        http.host(), http.port(), http.rateLimitPerSecond(), http.rateLimitBurst(), false),
                options.engine(),
                options.webhooks(),
                options.nats(),
                options.connectors(),
                options.jobs(),
                options.alerts(),
                options.payments(),
                options.controls(),
                options.screening(),
                options.custody());
    }

    /** Runs until SIGTERM or SIGINT, then shuts down gracefully. */
    private static int serve(Settings settings, PrintStream out) {
        if (settings.arguments().size() != 1) {
            return usage("serve takes no arguments besides flags");
        }
        Database database = settings.openDatabase(true);
        Service service;
        try {
            service = Service.start(database, options(settings, settings.port()));
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            service.close();
                            database.close();
                            stopped.countDown();
                        },
                        "pacioli-shutdown"));
        out.printf("Pacioli is listening on http://%s:%d (stop with Ctrl-C)%n", settings.host(), service.port());
        out.printf("The operator console is http://%s:%d/console%n", settings.host(), service.port());
        if (settings.adminKey() == null) {
            out.printf("The admin key is in %s%n", settings.dataDirectory().resolve(Service.ADMIN_KEY_FILE));
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static int demo(Settings settings, PrintStream out) {
        Database database = settings.openDatabase(true);
        Service service;
        try {
            // The demo listens on any free port, so it runs beside a service already on 8080.
            service = Service.start(database, quiet(options(settings, 0)));
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        try (database;
                service) {
            return new Demo(service, settings.host(), out).run() ? 0 : 1;
        }
    }

    private static int verify(Settings settings, List<String> rest, PrintStream out) {
        if (rest.size() != 2) {
            return usage("verify takes the ledger's name: pacioli verify LEDGER");
        }
        try (Database database = settings.openDatabase(true)) {
            Optional<Ledger> ledger = database.catalog().findLedger(rest.get(1));
            if (ledger.isEmpty()) {
                System.err.println("pacioli: no ledger named '" + rest.get(1) + "'");
                return 1;
            }
            VerifyReport report = database.verification().verify(ledger.get());
            Demo.printReport(out, report);
            return report.ok() ? 0 : 1;
        }
    }

    private static int migrate(Settings settings, List<String> rest, PrintStream out) {
        if (rest.size() >= 2 && rest.get(1).equals("down")) {
            return migrateDown(settings, rest.subList(2, rest.size()), out);
        }
        if (rest.size() != 2 || !(rest.get(1).equals("status") || rest.get(1).equals("up"))) {
            return usage("migrate takes status, up or down");
        }
        try (Database database = settings.openDatabase(false)) {
            if (rest.get(1).equals("up")) {
                out.printf("applied %d migration(s)%n", database.migrate());
                MigrationAudit.record(database.dataSource());
            }
            out.printf("%-8s %-32s %-10s %s%n", "version", "description", "state", "installed on");
            for (MigrationInfo info : database.migrations()) {
                if (info.getVersion() == null) {
                    continue; // Flyway's own record of creating the schema
                }
                out.printf(
                        "%-8s %-32s %-10s %s%n",
                        info.getVersion(),
                        info.getDescription(),
                        info.getState().getDisplayName(),
                        info.getInstalledOn() == null ? "" : info.getInstalledOn());
            }
            return 0;
        }
    }

    /** {@code migrate down [N] [--allow-data-loss]}: audited as {@code cli:<user>} while the audit log exists. */
    private static int migrateDown(Settings settings, List<String> args, PrintStream out) {
        boolean allow = args.contains("--allow-data-loss");
        List<String> counts =
                args.stream().filter(arg -> !arg.equals("--allow-data-loss")).toList();
        if (counts.size() > 1 || (counts.size() == 1 && !counts.get(0).matches("[1-9][0-9]{0,3}"))) {
            return usage("migrate down takes a count of migrations (default 1) and --allow-data-loss");
        }
        int count = counts.isEmpty() ? 1 : Integer.parseInt(counts.get(0));
        Actor actor = Actor.commandLine(COMMAND_LINE_PRINCIPAL_PREFIX + System.getProperty("user.name"));
        try (Database database = settings.openDatabase(false)) {
            MigrationsDown.Outcome outcome = database.migrationsDown()
                    .down(
                            count,
                            allow,
                            (transaction, step) -> MigrationAudit.reverted(
                                    transaction,
                                    actor,
                                    step.version(),
                                    step.description(),
                                    step.undoScript(),
                                    step.actual().toString()));
            for (MigrationsDown.Step step : outcome.steps()) {
                out.printf(
                        "%s V%s %s (%s)%n",
                        outcome.refused() ? "would take back" : "took back",
                        step.version(),
                        step.description(),
                        step.undoScript());
                for (MigrationsDown.Loss loss : step.actual()) {
                    out.printf(
                            "    %s: %d row(s) %s%n",
                            loss.what(), loss.rows(), outcome.refused() ? "would be lost" : "lost");
                }
            }
            if (outcome.refused()) {
                System.err.println("pacioli: migrate down would drop data (above); nothing was changed."
                        + " Back up first, then run it again with --allow-data-loss.");
                return 1;
            }
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println("pacioli: " + e.getMessage());
            return 1;
        }
    }

    private static int backupOrRestore(Settings settings, List<String> rest, PrintStream out) {
        var kek = BackupCommands.kek(settings.custody(), settings.dataDirectory());
        List<String> args = rest.subList(1, rest.size());
        return rest.get(0).equals("backup")
                ? BackupCommands.backup(args, settings::openDatabaseBeside, kek, out, System.err)
                : BackupCommands.restore(args, settings::openDatabaseBeside, kek, out, System.err);
    }

    private static int preflight(Settings settings, List<String> rest, PrintStream out) {
        return PreflightCommand.run(
                rest.subList(1, rest.size()),
                new PreflightCommand.Service(
                        settings.host(),
                        settings.port(),
                        settings.adminKey(),
                        settings.nats() == null ? null : settings.nats().url(),
                        settings.custody(),
                        settings.dataDirectory()),
                System.getenv(),
                settings::openDatabaseBeside,
                out,
                System.err);
    }

    private static int controls(Settings settings, List<String> rest, PrintStream out) {
        try (Database database = settings.openDatabase(true)) {
            return ControlsCommand.run(new ControlsStore(database.dataSource()), rest.subList(1, rest.size()), out);
        }
    }

    private static int keys(Settings settings, List<String> rest, PrintStream out) {
        if (rest.size() < 2 || !rest.get(1).equals("create")) {
            return usage("keys takes: " + KeyOptions.USAGE);
        }
        KeyOptions options;
        try {
            options = KeyOptions.parse(rest.subList(2, rest.size()));
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        try (Database database = settings.openDatabase(true)) {
            String secret = Authenticator.newSecret();
            ApiKey key = new ApiKeys(database.dataSource())
                    .create(
                            options.name(),
                            options.principal(),
                            options.role(),
                            options.flags(),
                            options.ledgers(),
                            Authenticator.hash(secret),
                            Actor.commandLine(COMMAND_LINE_PRINCIPAL_PREFIX + System.getProperty("user.name")));
            System.err.printf(
                    "created %s key %s of %s for %s; the secret below is shown once%n",
                    key.role().code(),
                    key.id(),
                    key.principal(),
                    key.ledgers() == null ? "every ledger" : String.join(", ", key.ledgers()));
            out.println(secret);
            return 0;
        }
    }
}
