package dev.pacioli.operations;

import dev.pacioli.postgres.Database;
import java.io.PrintStream;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code pacioli drill list} and {@code pacioli drill run NAME|all [--url URL]}: the drills of {@link
 * Drills} against the running service at {@code url} (the admin key from {@code PACIOLI_ADMIN_KEY}) and
 * its database; PASS or FAIL with the figures, exit 1 when one fails.
 */
public final class DrillCommand {
    public static final String USAGE = "drill list | drill run NAME|all [--url URL]";

    private DrillCommand() {}

    public static int run(
            List<String> args,
            URI service,
            String adminKey,
            Supplier<Database> open,
            PrintStream out,
            PrintStream err) {
        if (args.size() == 1 && args.getFirst().equals("list")) {
            for (Drills.Drill drill : Drills.ALL) {
                out.printf("%-22s %s%n", drill.name(), drill.checks());
            }
            return 0;
        }
        URI url = service;
        if (args.size() == 4 && args.get(2).equals("--url")) {
            url = URI.create(args.get(3));
        } else if (args.size() != 2) {
            err.println("pacioli: usage: pacioli " + USAGE);
            return 2;
        }
        if (!args.getFirst().equals("run")) {
            err.println("pacioli: usage: pacioli " + USAGE);
            return 2;
        }
        Map<String, Drills.Drill> drills = Drills.byName();
        String name = args.get(1);
        List<Drills.Drill> chosen = name.equals("all")
                ? Drills.ALL.stream().filter(drill -> drill.run() != null).toList()
                : drills.containsKey(name) ? List.of(drills.get(name)) : List.of();
        if (chosen.isEmpty() || chosen.getFirst().run() == null) {
            err.println("pacioli: no drill '" + name + "' to run (pacioli drill list)");
            return 2;
        }
        if (adminKey == null) {
            err.println("pacioli: the drills use the API: set PACIOLI_ADMIN_KEY");
            return 2;
        }
        boolean passed = true;
        try (Database database = open.get()) {
            Drills runner = new Drills(database, url, adminKey);
            for (Drills.Drill drill : chosen) {
                Map.Entry<Drills.Drill, Drills.Result> result = runner.run(drill);
                out.printf("%s  %s%n", result.getValue().passed() ? "PASS" : "FAIL", drill.name());
                result.getValue().figures().forEach(figure -> out.println("      " + figure));
                passed &= result.getValue().passed();
            }
        }
        return passed ? 0 : 1;
    }
}
