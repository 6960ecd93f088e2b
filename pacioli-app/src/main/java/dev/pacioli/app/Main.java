package dev.pacioli.app;

import dev.pacioli.ledger.Ledger;
import dev.pacioli.ledger.VerifyReport;
import dev.pacioli.postgres.Database;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The {@code pacioli} command line. */
public final class Main {
    private static final String USAGE = """
            usage: pacioli <command> [--data-dir DIR] [--database-url URL]

            commands:
              demo              create a ledger, move money through it, print the balances and verify it
              verify LEDGER     re-read a ledger from storage and check every invariant
              help              this text

            By default Pacioli runs its own PostgreSQL with its data under ./data (--data-dir or
            PACIOLI_DATA_DIR). Set DATABASE_URL (postgres://user:password@host:5432/db) to use yours.
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
                case "demo" -> {
                    try (Database database = settings.openDatabase()) {
                        yield new Demo(database, out).run() ? 0 : 1;
                    }
                }
                case "verify" -> verify(settings, rest, out);
                case "help", "--help", "-h" -> {
                    out.print(USAGE);
                    yield 0;
                }
                default -> {
                    System.err.println("pacioli: unknown command '" + command + "'\n\n" + USAGE);
                    yield 2;
                }
            };
        } catch (IllegalStateException | Settings.ConfigurationException e) {
            System.err.println("pacioli: " + e.getMessage());
            return 1;
        }
    }

    private static int verify(Settings settings, List<String> rest, PrintStream out) {
        if (rest.size() != 2) {
            System.err.println("pacioli: verify takes the ledger's name: pacioli verify LEDGER");
            return 2;
        }
        try (Database database = settings.openDatabase()) {
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
}
