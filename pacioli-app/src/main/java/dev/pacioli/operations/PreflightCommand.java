package dev.pacioli.operations;

import dev.pacioli.custody.CustodySettings;
import dev.pacioli.postgres.Database;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code pacioli preflight [--url URL] [--expect-mode live|dry] [--admin-key-days N]}: the arguments and
 * the environment into {@link Preflight.Inputs}, the table printed, the exit code (docs/operations.md).
 */
public final class PreflightCommand {
    public static final String USAGE = "preflight [--url URL] [--expect-mode live|dry] [--admin-key-days N]";
    private static final long ADMIN_KEY_DAYS_DEFAULT = 90;

    private PreflightCommand() {}

    /** The service's own address and settings as the command was started with them. */
    public record Service(
            String host, int port, String adminKey, String natsUrl, CustodySettings custody, Path dataDirectory) {}

    public static int run(
            List<String> args,
            Service service,
            Map<String, String> environment,
            Supplier<Database> open,
            PrintStream out,
            PrintStream err) {
        String host = service.host().equals("0.0.0.0") || service.host().equals("::") ? "127.0.0.1" : service.host();
        URI url = URI.create("http://" + host + ":" + service.port());
        String mode = "live";
        long keyDays = ADMIN_KEY_DAYS_DEFAULT;
        for (int i = 0; i < args.size(); i++) {
            String value = i + 1 < args.size() ? args.get(i + 1) : null;
            switch (args.get(i)) {
                case "--url" -> url = URI.create(required(value, "--url"));
                case "--expect-mode" -> mode = required(value, "--expect-mode");
                case "--admin-key-days" -> keyDays = Long.parseLong(required(value, "--admin-key-days"));
                default -> {
                    err.println("pacioli: unknown argument '" + args.get(i) + "'; usage: pacioli " + USAGE);
                    return 2;
                }
            }
            i++;
        }
        if (!mode.equals("live") && !mode.equals("dry")) {
            err.println("pacioli: --expect-mode is live or dry");
            return 2;
        }
        BackupSchedule.Settings backups = BackupSchedule.Settings.of(environment);
        try (Database database = open.get()) {
            Preflight.Inputs inputs = new Preflight.Inputs(
                    database,
                    service.custody(),
                    BackupCommands.kek(service.custody(), service.dataDirectory()),
                    service.dataDirectory(),
                    backups == null ? null : backups.directory(),
                    backups == null ? Duration.ofDays(1) : backups.every(),
                    url,
                    service.adminKey(),
                    natsAddress(service.natsUrl()),
                    mode,
                    Duration.ofDays(keyDays));
            return Preflight.print(Preflight.run(inputs), out);
        }
    }

    private static String required(String value, String flag) {
        if (value == null) {
            throw new IllegalArgumentException(flag + " takes a value");
        }
        return value;
    }

    private static InetSocketAddress natsAddress(String natsUrl) {
        if (natsUrl == null) {
            return null;
        }
        URI nats = URI.create(natsUrl.split(",")[0].strip());
        return new InetSocketAddress(nats.getHost(), nats.getPort() == -1 ? 4222 : nats.getPort());
    }
}
