package dev.pacioli.operations;

import dev.pacioli.platform.RequestReader;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * {@code dependency-outage}: the service's database cut ({@link DatabaseCut}) makes the effective
 * execution mode {@code dry} at once, money-moving writes are refused cleanly (503, never a 500 nor a
 * hang), and once the database is back the mode is {@code live} again, but only after 3 consecutive
 * healthy reads of the controls (controls.md, fail safe).
 *
 * <p>The drill goes live first (a dry service has no live to fall from; the mode found is put back
 * after), makes a transfer on a scratch ledger, cuts the database, watches {@code /health/ready}
 * (which answers from memory while the database is away) until its effective mode is dry, sends a
 * transfer and times its answer, lets connections in again, and samples {@code GET /v1/controls} until
 * it says live: every sample that says live must show at least {@link #HEALTHY_READS} healthy reads.
 * A transfer must then succeed again (the writers recover by themselves). The database is let in again
 * in a finally, whatever happened. A service that stays live, answers 500, hangs or never comes back
 * is a FAIL with what was seen.
 */
final class DependencyOutageDrill {
    static final String CHECKS =
            "database cut → effective mode dry, writes refused cleanly (503), live again after 3 healthy reads";

    /** The contract's number of consecutive healthy reads before live again. */
    static final int HEALTHY_READS = 3;

    /**
     * "At once", as the drill can see it: a failed read of the controls (every 200 ms) makes the mode
     * dry, and {@code /health/ready} reports the mode once its own database check gives up (within 2
     * s while the database is away); 2 s more for the scheduler of a busy machine.
     */
    private static final long DRY_WAIT_MILLIS = 5_000;

    /** A refusal must come before this: the service's pool gives up on a connection after 10 s. */
    private static final long ANSWER_MAX_MILLIS = 15_000;

    private static final long LIVE_WAIT_MILLIS = 60_000;
    private static final long CUT_HELD_MILLIS = 1_500;

    private DependencyOutageDrill() {}

    @SuppressWarnings("try") // the live mode is held for the whole drill, then put back
    static Drills.Result run(Drills d) throws Exception {
        List<String> figures = new ArrayList<>();
        try (LiveForDrill live = LiveForDrill.enter(d, "dependency-outage", figures)) {
            String base = d.scratchLedger("outage");
            int before = d.transfer(base, "before").statusCode();
            figures.add("transfer before the cut: " + before);
            Outage outage = new Outage(d, base, figures);
            try (DatabaseCut cut = DatabaseCut.of(d.database())) {
                figures.add("database " + cut.target() + " cut: " + cut.cut() + " connection(s) ended");
                outage.whileCut();
            }
            outage.afterCut();
            return new Drills.Result(before == 201 && outage.passed(), figures);
        }
    }

    /** What the drill sees during the cut and after it. */
    private static final class Outage {
        private final Drills d;
        private final String base;
        private final List<String> figures;
        private boolean dry;
        private boolean refused;
        private int errors;
        private boolean live;
        private boolean liveTooSoon;
        private boolean writesAgain;

        Outage(Drills d, String base, List<String> figures) {
            this.d = d;
            this.base = base;
            this.figures = figures;
        }

        void whileCut() throws Exception {
            long cutAt = System.nanoTime();
            while (!dry && millisSince(cutAt) < DRY_WAIT_MILLIS) {
                dry = "dry".equals(effectiveModeWhenReady());
                Thread.sleep(dry ? 0 : 50);
            }
            figures.add("effective mode "
                    + (dry
                            ? "dry, seen " + millisSince(cutAt) + " ms after the cut"
                            : "still " + effectiveModeWhenReady() + " " + DRY_WAIT_MILLIS + " ms after the cut"));
            long sent = System.nanoTime();
            Answer write = answer("POST", base + "/transactions", transferBody("during"));
            long took = millisSince(sent);
            refused = write.status == 503 && took < ANSWER_MAX_MILLIS;
            figures.add("transfer during the cut: " + write + " in " + took + " ms");
            Answer controls = answer("GET", "/v1/controls", null);
            figures.add("GET /v1/controls during the cut: " + controls);
            Thread.sleep(Math.max(0, CUT_HELD_MILLIS - millisSince(cutAt)));
        }

        void afterCut() throws Exception {
            long back = System.nanoTime();
            List<String> samples = new ArrayList<>();
            int healthyWhenLive = -1;
            while (!live && millisSince(back) < LIVE_WAIT_MILLIS) {
                Answer controls = answer("GET", "/v1/controls", null);
                if (controls.status == 200) {
                    String mode = controls.json.path("effective_mode").asString("");
                    int healthy = controls.json.path("healthy_reads").asInt(-1);
                    String sample = mode + "/" + healthy;
                    if (samples.isEmpty() || !samples.getLast().equals(sample)) {
                        samples.add(sample);
                    }
                    live = mode.equals("live");
                    liveTooSoon |= live && healthy < HEALTHY_READS;
                    healthyWhenLive = live ? healthy : healthyWhenLive;
                }
                Thread.sleep(live ? 0 : 20);
            }
            figures.add("after the database came back: "
                    + (live ? "live in " + millisSince(back) + " ms" : "not live in " + LIVE_WAIT_MILLIS + " ms")
                    + ", at " + healthyWhenLive + " healthy read(s); effective mode/healthy"
                    + " reads seen: " + samples);
            long writing = System.nanoTime();
            List<Integer> statuses = new ArrayList<>();
            while (!writesAgain && millisSince(writing) < LIVE_WAIT_MILLIS) {
                Answer write = answer("POST", base + "/transactions", transferBody("after"));
                statuses.add(write.status);
                writesAgain = write.status == 201 || write.status == 200; // 200: an earlier try went through
                Thread.sleep(writesAgain ? 0 : 200);
            }
            figures.add("transfer after: " + (writesAgain ? "accepted" : "not accepted") + " in " + millisSince(writing)
                    + " ms (answers " + statuses.stream().distinct().toList() + ")");
            figures.add("500s or hangs seen: " + errors);
        }

        boolean passed() {
            return dry && refused && live && !liveTooSoon && writesAgain && errors == 0;
        }

        /** The effective mode {@code /health/ready} reports (it answers without the database). */
        private String effectiveModeWhenReady() throws Exception {
            Answer ready = answer("GET", "/health/ready", null);
            return ready.json.path("controls").path("execution_mode").asString("?");
        }

        private Answer answer(String method, String path, String body) throws Exception {
            try {
                HttpResponse<String> response = d.send(method, path, body);
                JsonNode json;
                try {
                    json = RequestReader.MAPPER.readTree(response.body());
                } catch (RuntimeException e) {
                    json = RequestReader.MAPPER.createObjectNode();
                }
                errors += response.statusCode() >= 500 && response.statusCode() != 503 ? 1 : 0;
                return new Answer(response.statusCode(), json);
            } catch (HttpTimeoutException e) {
                errors++;
                return new Answer(-1, RequestReader.MAPPER.createObjectNode());
            }
        }

        private static String transferBody(String id) {
            return "{\"id\": \"" + id + "\", \"postings\": [{\"from\": \"world\", \"to\": \"wallet\", \"amount\": 100,"
                    + " \"asset\": \"USD\"}]}";
        }
    }

    private record Answer(int status, JsonNode json) {
        @Override
        public String toString() {
            return status == -1
                    ? "no answer (timed out)"
                    : status
                            + (json.path("code").isString()
                                    ? " " + json.path("code").stringValue()
                                    : "");
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
