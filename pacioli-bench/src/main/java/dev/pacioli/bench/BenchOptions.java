package dev.pacioli.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What one benchmark run does. Every run is bounded: each measurement has a warm-up and a measured
 * window in seconds, and the default full run fits in about 20 minutes on a 2-core machine.
 *
 * @param externalUrl the second PostgreSQL (a server on this machine), or null for the embedded one only
 * @param scaling user counts beyond {@code users} for the scaling rows (engine, uniform, embedded)
 * @param transfers the ledger's runs: engine, baseline, HTTP modes, scaling ({@code --only ...}: none)
 * @param payments the payments runs ({@link PaymentsRun}) on each database
 * @param screening the screening run ({@link ScreeningRun}: 10,000 names against 100,000 entries, in memory)
 * @param limits with 1 to 3, each engine run is made again with that many limits covering every user
 *     account ({@link Runs#LIMITS}), to measure what enforcing them costs; 0 for none
 */
record BenchOptions(
        boolean quick,
        Path dataDirectory,
        String externalUrl,
        double warmupSeconds,
        double measureSeconds,
        int users,
        List<Workload> workloads,
        List<Integer> scaling,
        boolean http,
        boolean transfers,
        boolean payments,
        boolean screening,
        boolean jmh,
        int limits,
        Path output,
        String command) {
    static final String EXTERNAL_DEFAULT = "postgres://postgres@127.0.0.1:5432/test";

    static BenchOptions parse(String[] args) {
        boolean quick = false;
        Path dataDirectory = Path.of("pacioli-bench", "target", "bench-data");
        String external = EXTERNAL_DEFAULT;
        boolean externalChosen = false;
        Double warmup = null;
        Double measure = null;
        boolean http = true;
        boolean transfers = true;
        boolean payments = true;
        boolean screening = true;
        boolean jmh = true;
        int limits = 0;
        List<Integer> scaling = null;
        Path output = Path.of("BENCHMARKS.md");
        List<Workload> workloads = Arrays.asList(Workload.values());
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--data-dir" -> dataDirectory = Path.of(args[++i]);
                case "--external-url" -> {
                    external = args[++i];
                    externalChosen = true;
                }
                case "--no-external" -> {
                    external = null;
                    externalChosen = true;
                }
                case "--warmup" -> warmup = Double.parseDouble(args[++i]);
                case "--seconds" -> measure = Double.parseDouble(args[++i]);
                case "--no-http" -> http = false;
                case "--no-jmh" -> jmh = false;
                case "--no-payments" -> payments = false;
                case "--no-screening" -> screening = false;
                case "--limits" -> limits = limitsCount(args[++i]);
                case "--only" -> {
                    String only = args[++i];
                    if (!only.equals("payments") && !only.equals("screening")) {
                        throw new IllegalArgumentException("--only takes payments or screening\n" + usage());
                    }
                    transfers = false;
                    jmh = false;
                    payments = only.equals("payments");
                    screening = only.equals("screening");
                }
                case "--scaling" -> scaling = parseInts(args[++i]);
                case "--output" -> output = Path.of(args[++i]);
                case "--workloads" -> workloads = parseWorkloads(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + usage());
            }
        }
        List<Integer> scales = scaling != null ? scaling : quick ? List.of() : List.of(100_000, 1_000_000);
        return new BenchOptions(
                quick,
                dataDirectory,
                quick && !externalChosen ? null : external,
                warmup != null ? warmup : quick ? 1 : 3,
                measure != null ? measure : quick ? 3 : 8,
                10_000,
                workloads,
                scales,
                http,
                transfers,
                payments,
                screening,
                jmh,
                limits,
                output,
                "./pacioli-bench/run" + (args.length == 0 ? "" : " " + String.join(" ", args)));
    }

    private static int limitsCount(String count) {
        int limits = Integer.parseInt(count);
        if (limits < 0 || limits > Runs.LIMITS.size()) {
            throw new IllegalArgumentException("--limits takes 0 to " + Runs.LIMITS.size() + "\n" + usage());
        }
        return limits;
    }

    private static List<Workload> parseWorkloads(String list) {
        List<Workload> workloads = new ArrayList<>();
        for (String label : list.split(",")) {
            workloads.add(Workload.of(label.trim()));
        }
        return workloads;
    }

    private static List<Integer> parseInts(String list) {
        List<Integer> values = new ArrayList<>();
        if (!list.isBlank()) {
            for (String value : list.split(",")) {
                values.add(Integer.parseInt(value.trim()));
            }
        }
        return values;
    }

    static String usage() {
        return """
                usage: ./pacioli-bench/run [--quick] [--data-dir DIR] [--external-url URL | --no-external]
                                           [--warmup S] [--seconds S] [--scaling 100000,1000000]
                                           [--workloads uniform,hot-source,...] [--no-http] [--no-jmh]
                                           [--no-payments] [--no-screening]
                                           [--only payments | --only screening] [--limits 3]
                                           [--output BENCHMARKS.md]""";
    }
}
