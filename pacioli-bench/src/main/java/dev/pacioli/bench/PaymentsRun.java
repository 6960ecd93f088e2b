package dev.pacioli.bench;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Payments on loopback: the real service in process, set up and driven only through its HTTP API.
 *
 * <ol>
 *   <li>Payouts: {@link #PAYOUT_CLIENTS} clients, each with a funded wallet of its own, POST {@code
 *       /v1/ledgers/{ledger}/payouts} through a {@code simulator} connector (no approval policy, so
 *       every payout is approved at once and the worker pays it). Counted: the 201s in the measured
 *       window, with each request's latency. Then the tail is waited for (nothing approved or
 *       processing), every payout is listed, and the paid ones whose {@code updated_at} falls in the
 *       measured window give the paid rate; {@code updated_at - created_at} is creation to paid.
 *   <li>Deposits: {@link #DEPOSIT_CLIENTS} clients POST signed {@code deposit.succeeded} events to
 *       {@code /v1/inbound/{connector}} (HMAC-SHA256, hex). Counted: the 200s that were not
 *       duplicates. A job applies them; the credited wallet's balance at the window's edges gives
 *       the recorded rate, and the tail is waited for until every accepted event is a deposit.
 * </ol>
 *
 * Checks (a failing one reports 0): every 201 payout is listed and no other; every payout ends
 * paid; a sample of paid payouts has its reserve posted; the ledger's verify is ok; deposits listed =
 * events accepted = the wallet's balance / amount.
 */
final class PaymentsRun {
    static final int PAYOUT_CLIENTS = 32;
    static final int DEPOSIT_CLIENTS = 32;
    static final long AMOUNT = 100;
    static final long FUNDING = 1_000_000_000_000L;
    /** How many paid payouts have their reserve looked up (spread over all of them). */
    static final int RESERVE_SAMPLE = 500;
    /** How long the tail (payouts not yet final, events not yet applied) may take before it counts as stuck. */
    static final long TAIL_MAX_NANOS = 120_000_000_000L;

    private static final long LATENCY_MAX_MICROS = 600_000_000L;
    private static final String INBOUND_SECRET = "pacioli-bench-inbound-secret-0123456789";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([^\"]*)\"");

    private final String database;
    private final int port;
    private final String adminSecret;
    private final String ledger;
    private final String base;
    private final String simulator;
    private final String bank;
    /** The first answer of each kind that was not the expected one, for the report. */
    private final Map<String, String> firstAnswers = new ConcurrentHashMap<>();

    PaymentsRun(String database, int port, String adminSecret, String ledger, int run) {
        this.database = database;
        this.port = port;
        this.adminSecret = adminSecret;
        this.ledger = ledger;
        this.base = "/v1/ledgers/" + ledger;
        this.simulator = "bench-sim-" + run;
        this.bank = "bench-bank-" + run;
    }

    /** Four rows: payouts created, payouts paid, webhooks accepted, deposits recorded. */
    List<PaymentMeasurement> run(RunWindow payoutWindow, RunWindow depositWindow)
            throws IOException, InterruptedException {
        try (LoopbackHttp http = new LoopbackHttp(port, adminSecret)) {
            setUp(http);
            List<PaymentMeasurement> rows = new ArrayList<>(payouts(http, payoutWindow));
            rows.addAll(deposits(http, depositWindow));
            String verify = verify(http);
            List<PaymentMeasurement> checked = new ArrayList<>();
            for (PaymentMeasurement row : rows) {
                String check = !row.ok() ? row.check() : verify;
                String detail = row.detail();
                if (!firstAnswers.isEmpty()) {
                    detail += "; first unexpected answers: " + firstAnswers;
                }
                checked.add(new PaymentMeasurement(
                        row.database(),
                        row.what(),
                        row.clients(),
                        row.perSecond(),
                        row.counted(),
                        row.latency(),
                        row.rejected(),
                        check,
                        detail));
            }
            return checked;
        }
    }

    // ---- Set-up --------------------------------------------------------------------------------

    private void setUp(LoopbackHttp http) throws IOException {
        // A fresh installation is dry (its payouts would be held): the benchmark sends, so it goes live.
        expect(
                http.send(
                        "PUT",
                        "/v1/controls/mode",
                        bytes("{\"mode\": \"live\", \"reason\": \"the benchmark sends its payouts\"}"),
                        null),
                "live mode",
                200);
        expect(http.send("PUT", "/v1/assets/USD", bytes("{\"scale\": 2}"), null), "asset", 200, 201);
        expect(http.post("/v1/ledgers", bytes("{\"name\": \"" + ledger + "\"}")), "ledger", 201);
        account(http, "{\"id\": \"world\", \"asset\": \"USD\", \"normal_balance\": \"debit\"}");
        account(http, "{\"id\": \"wallet\", \"asset\": \"USD\", \"min_balance\": 0}");
        for (int c = 0; c < PAYOUT_CLIENTS; c++) {
            account(http, "{\"id\": \"" + payer(c) + "\", \"asset\": \"USD\", \"min_balance\": 0}");
            expect(
                    http.post(
                            base + "/transactions",
                            bytes("{\"id\": \"fund:" + c + "\", \"postings\": [{\"from\": \"world\", \"to\": \""
                                    + payer(c) + "\", \"amount\": " + FUNDING + ", \"asset\": \"USD\"}]}")),
                    "funding",
                    201);
        }
        expect(
                http.post(
                        "/v1/connectors",
                        bytes("{\"id\": \"" + simulator + "\", \"kind\": \"simulator\","
                                + " \"assets\": {\"USD\": \"providers:sim:USD\"}, \"config\": {}}")),
                "simulator connector",
                201);
        expect(
                http.post(
                        "/v1/connectors",
                        bytes("{\"id\": \"" + bank + "\", \"kind\": \"inbound\", \"assets\": {\"USD\":"
                                + " \"providers:bank:USD\"}, \"config\": {}, \"inbound\": {\"scheme\":"
                                + " \"hmac_sha256_hex\", \"secret\": \"" + INBOUND_SECRET + "\", \"kind\": \"events\","
                                + " \"default_ledger\": \"" + ledger + "\"}}")),
                "inbound connector",
                201);
    }

    private void account(LoopbackHttp http, String json) throws IOException {
        expect(http.post(base + "/accounts", bytes(json)), "account", 201);
    }

    private static String payer(int client) {
        return "payer:" + client;
    }

    // ---- Payouts -------------------------------------------------------------------------------

    /** What the payout clients saw: the 201s, their latency, the other answers, the window's edges. */
    private static final class PayoutLoad {
        final Histogram latency = new Histogram(LATENCY_MAX_MICROS, 3);
        final Tally rejected = new Tally();
        final Set<String> created = ConcurrentHashMap.newKeySet();
        final long[] edges = new long[2]; // wall-clock micros of the measured window
    }

    /** What the list of payouts showed once the tail had settled. */
    private static final class PayoutList {
        final Map<String, Long> byStatus = new TreeMap<>();
        final Set<String> listed = new HashSet<>();
        final List<String> paid = new ArrayList<>();
        final Histogram toPaid = new Histogram(LATENCY_MAX_MICROS, 3);
        long paidInWindow;
        long firstCreated = Long.MAX_VALUE;
        long lastPaid = Long.MIN_VALUE;
        boolean settled;
        double tailSeconds;
    }

    private List<PaymentMeasurement> payouts(LoopbackHttp http, RunWindow window)
            throws IOException, InterruptedException {
        PayoutLoad load = new PayoutLoad();
        drive(
                PAYOUT_CLIENTS,
                window,
                (client, counter) -> {
                    String id = "po-" + client + "-" + counter;
                    byte[] body = bytes("{\"id\": \"" + id + "\", \"source\": \"" + payer(client) + "\", \"amount\": "
                            + AMOUNT + ", \"asset\": \"USD\", \"connector\": \"" + simulator + "\", \"destination\":"
                            + " {\"type\": \"wallet_address\", \"address\": \"0xabc\"}}");
                    return new Request(base + "/payouts", body, null, id);
                },
                (request, response) -> {
                    if (response.status() == 201) {
                        load.created.add(request.id());
                        return true;
                    }
                    unexpected(load.rejected, response);
                    return false;
                },
                load.latency,
                () -> load.edges[0] = nowMicros(),
                () -> load.edges[1] = nowMicros());
        PayoutList list = settle(http);
        listPayouts(http, load, list);
        return payoutRows(http, window, load, list);
    }

    /** Waits until no payout is approved or processing any more, or {@link #TAIL_MAX_NANOS}. */
    private PayoutList settle(LoopbackHttp http) throws IOException, InterruptedException {
        PayoutList list = new PayoutList();
        long started = System.nanoTime();
        while (System.nanoTime() - started < TAIL_MAX_NANOS) {
            if (none(http, "approved") && none(http, "processing")) {
                list.settled = true;
                break;
            }
            Thread.sleep(100);
        }
        list.tailSeconds = (System.nanoTime() - started) / 1e9;
        return list;
    }

    private void listPayouts(LoopbackHttp http, PayoutLoad load, PayoutList list) throws IOException {
        for (JsonNode payout : list(http, base + "/payouts")) {
            String id = payout.path("id").stringValue();
            String status = payout.path("status").stringValue();
            list.listed.add(id);
            list.byStatus.merge(status, 1L, Long::sum);
            long createdAt = micros(payout.path("created_at").stringValue());
            list.firstCreated = Math.min(list.firstCreated, createdAt);
            if (status.equals("paid")) {
                long updatedAt = micros(payout.path("updated_at").stringValue());
                list.paid.add(id);
                list.lastPaid = Math.max(list.lastPaid, updatedAt);
                list.toPaid.recordValue(Math.max(0, Math.min(updatedAt - createdAt, LATENCY_MAX_MICROS)));
                if (updatedAt >= load.edges[0] && updatedAt < load.edges[1]) {
                    list.paidInWindow++;
                }
            }
        }
    }

    private List<PaymentMeasurement> payoutRows(LoopbackHttp http, RunWindow window, PayoutLoad load, PayoutList list)
            throws IOException, InterruptedException {
        String existsCheck = existsCheck(load.created, list.listed);
        String paidCheck = existsCheck;
        if (paidCheck.equals("ok") && list.paid.size() != list.listed.size()) {
            paidCheck = String.format(
                    Locale.ROOT,
                    "%d of %d payouts not paid %.0f s after the window: %s",
                    list.listed.size() - list.paid.size(),
                    list.listed.size(),
                    list.tailSeconds,
                    list.byStatus);
        }
        String reserves = reserves(http, list.paid);
        if (paidCheck.equals("ok") && !reserves.startsWith("ok")) {
            paidCheck = reserves;
        }
        PaymentMeasurement createdRow = new PaymentMeasurement(
                database,
                "payouts created (POST .../payouts → 201)",
                PAYOUT_CLIENTS,
                window.perSecond(),
                load.created.size(),
                latency(load.latency),
                load.rejected.snapshot(),
                existsCheck,
                String.format(
                        Locale.ROOT,
                        "%,d answered 201, %,d listed afterwards",
                        load.created.size(),
                        list.listed.size()));
        double seconds = (load.edges[1] - load.edges[0]) / 1e6;
        double overall =
                list.lastPaid > list.firstCreated ? list.paid.size() / ((list.lastPaid - list.firstCreated) / 1e6) : 0;
        PaymentMeasurement paidRow = new PaymentMeasurement(
                database,
                "payouts paid through the simulator (latency: created → paid)",
                PAYOUT_CLIENTS,
                seconds > 0 ? list.paidInWindow / seconds : 0,
                list.paid.size(),
                list.paid.isEmpty() ? null : latency(list.toPaid),
                Map.of(),
                paidCheck,
                String.format(
                        Locale.ROOT,
                        "%,d paid in the measured window; tail %s %.1f s after it; all %,d paid from the first"
                                + " creation to the last payment: %,.0f/s; by status: %s; reserves: %s",
                        list.paidInWindow,
                        list.settled ? "settled" : "NOT settled",
                        list.tailSeconds,
                        list.paid.size(),
                        overall,
                        list.byStatus,
                        reserves));
        return List.of(createdRow, paidRow);
    }

    /** Every payout answered 201 is listed, and no other. */
    private static String existsCheck(Set<String> created, Set<String> listed) {
        Set<String> missing = new HashSet<>(created);
        missing.removeAll(listed);
        Set<String> unacknowledged = new HashSet<>(listed);
        unacknowledged.removeAll(created);
        if (missing.isEmpty() && unacknowledged.isEmpty()) {
            return "ok";
        }
        return String.format(
                Locale.ROOT,
                "%d payouts answered 201 are not listed (e.g. %s); %d listed were never answered 201 (e.g. %s)",
                missing.size(),
                first(missing),
                unacknowledged.size(),
                first(unacknowledged));
    }

    /** Samples paid payouts' reserves; each must become posted (a job posts it after the payment). */
    private String reserves(LoopbackHttp http, List<String> paid) throws IOException, InterruptedException {
        if (paid.isEmpty()) {
            return "ok, none paid";
        }
        List<String> pending = new ArrayList<>();
        int step = Math.max(1, paid.size() / RESERVE_SAMPLE);
        for (int i = 0; i < paid.size(); i += step) {
            pending.add(paid.get(i));
        }
        int sampled = pending.size();
        long started = System.nanoTime();
        Map<String, String> last = new HashMap<>();
        while (!pending.isEmpty() && System.nanoTime() - started < TAIL_MAX_NANOS) {
            List<String> still = new ArrayList<>();
            for (String id : pending) {
                LoopbackHttp.Response response = http.get(base + "/transactions/payout:" + id + ":reserve");
                String status = response.status() == 200
                        ? json(response).path("status").stringValue()
                        : "HTTP " + response.status();
                if (!"posted".equals(status)) {
                    still.add(id);
                    last.put(id, status);
                }
            }
            pending = still;
            if (!pending.isEmpty()) {
                Thread.sleep(200);
            }
        }
        if (!pending.isEmpty()) {
            return String.format(
                    Locale.ROOT,
                    "%d of %d sampled paid payouts' reserves not posted after %.0f s (e.g. %s: %s)",
                    pending.size(),
                    sampled,
                    (System.nanoTime() - started) / 1e9,
                    pending.get(0),
                    last.get(pending.get(0)));
        }
        return String.format(Locale.ROOT, "ok, %d of %d sampled posted", sampled, paid.size());
    }

    private boolean none(LoopbackHttp http, String status) throws IOException {
        LoopbackHttp.Response response = http.get(base + "/payouts?status=" + status + "&limit=1");
        expect(response, "list payouts", 200);
        return json(response).path("data").isEmpty();
    }

    // ---- Deposits ------------------------------------------------------------------------------

    private List<PaymentMeasurement> deposits(LoopbackHttp http, RunWindow window)
            throws IOException, InterruptedException {
        Histogram latency = new Histogram(LATENCY_MAX_MICROS, 3);
        Tally rejected = new Tally();
        AtomicLong accepted = new AtomicLong();
        long[] balances = new long[2];
        long[] edges = new long[2];
        AtomicReference<IOException> failed = new AtomicReference<>();
        drive(
                DEPOSIT_CLIENTS,
                window,
                (client, counter) -> {
                    String id = client + "-" + counter;
                    byte[] body =
                            bytes("{\"id\": \"evt-" + id + "\", \"type\": \"deposit.succeeded\", \"data\": {\"id\":"
                                    + " \"dep-" + id + "\", \"amount\": " + AMOUNT
                                    + ", \"asset\": \"USD\", \"reference\": \"r\","
                                    + " \"metadata\": {\"pacioli_account\": \"wallet\"}}}");
                    return new Request("/v1/inbound/" + bank, body, "X-Signature: " + sign(body), id);
                },
                (request, response) -> {
                    if (response.status() == 200 && !response.text().contains("\"duplicate\":true")) {
                        accepted.incrementAndGet();
                        return true;
                    }
                    unexpected(rejected, response);
                    return false;
                },
                latency,
                () -> {
                    balances[0] = balanceOrFail(http, failed);
                    edges[0] = System.nanoTime();
                },
                () -> {
                    balances[1] = balanceOrFail(http, failed);
                    edges[1] = System.nanoTime();
                });
        if (failed.get() != null) {
            throw failed.get();
        }
        double seconds = (edges[1] - edges[0]) / 1e9;
        return depositRows(http, window, latency, rejected, accepted.get(), balances[1] - balances[0], seconds);
    }

    private List<PaymentMeasurement> depositRows(
            LoopbackHttp http,
            RunWindow window,
            Histogram latency,
            Tally rejected,
            long accepted,
            long creditedInWindow,
            double seconds)
            throws IOException, InterruptedException {
        long expected = accepted * AMOUNT;
        long tailStarted = System.nanoTime();
        long balance = balance(http);
        while (balance < expected && System.nanoTime() - tailStarted < TAIL_MAX_NANOS) {
            Thread.sleep(100);
            balance = balance(http);
        }
        double tailSeconds = (System.nanoTime() - tailStarted) / 1e9;
        long listed = list(http, base + "/deposits").size();
        String check = listed == accepted && balance == expected
                ? "ok"
                : String.format(
                        Locale.ROOT,
                        "%,d events accepted, %,d deposits listed, wallet balance %,d (expected %,d) %.0f s after"
                                + " the window",
                        accepted,
                        listed,
                        balance,
                        expected,
                        tailSeconds);
        PaymentMeasurement acceptedRow = new PaymentMeasurement(
                database,
                "deposit webhooks accepted (POST /v1/inbound/… → 200)",
                DEPOSIT_CLIENTS,
                window.perSecond(),
                accepted,
                latency(latency),
                rejected.snapshot(),
                check,
                String.format(Locale.ROOT, "%,d distinct events accepted", accepted));
        PaymentMeasurement recordedRow = new PaymentMeasurement(
                database,
                "deposits recorded by the job (wallet credited)",
                DEPOSIT_CLIENTS,
                seconds > 0 ? creditedInWindow / (double) AMOUNT / seconds : 0,
                listed,
                null,
                Map.of(),
                check,
                String.format(
                        Locale.ROOT,
                        "%,d recorded in the measured window; %,d listed; the last applied %.1f s after the window",
                        creditedInWindow / AMOUNT,
                        listed,
                        tailSeconds));
        return List.of(acceptedRow, recordedRow);
    }

    private long balanceOrFail(LoopbackHttp http, AtomicReference<IOException> failed) {
        try {
            return balance(http);
        } catch (IOException e) {
            failed.compareAndSet(null, e);
            return 0;
        }
    }

    private long balance(LoopbackHttp http) throws IOException {
        LoopbackHttp.Response response = http.get(base + "/accounts/wallet");
        expect(response, "wallet", 200);
        return json(response).path("balances").path("balance").longValue();
    }

    private static String sign(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(INBOUND_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- The load and the lists ----------------------------------------------------------------

    record Request(String path, byte[] body, String header, String id) {}

    interface Requests {
        Request next(int client, long counter);
    }

    interface Answers {
        /** True when the answer is the one counted. */
        boolean count(Request request, LoopbackHttp.Response response);
    }

    /** {@code clients} threads, each on its own connection, send requests until the window stops. */
    private void drive(
            int clients,
            RunWindow window,
            Requests requests,
            Answers answers,
            Histogram latency,
            Runnable onStart,
            Runnable onEnd)
            throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            threads.add(Thread.ofPlatform().name("payments-client-" + c).start(() -> {
                Histogram own = new Histogram(LATENCY_MAX_MICROS, 3);
                long counter = 0;
                try (LoopbackHttp http = new LoopbackHttp(port, adminSecret)) {
                    while (!window.stopped()) {
                        Request request = requests.next(client, counter++);
                        boolean measured = window.measuring();
                        long started = System.nanoTime();
                        LoopbackHttp.Response response = http.post(request.path(), request.body(), request.header());
                        long micros = (System.nanoTime() - started) / 1000;
                        if (measured) {
                            own.recordValue(Math.min(micros, LATENCY_MAX_MICROS));
                        }
                        if (answers.count(request, response)) {
                            window.acknowledge(1);
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
                synchronized (latency) {
                    latency.add(own);
                }
            }));
        }
        window.run(onStart, onEnd);
        for (Thread thread : threads) {
            thread.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a payments client failed", failure.get());
        }
    }

    /** Every item of a list, page after page. */
    private static List<JsonNode> list(LoopbackHttp http, String path) throws IOException {
        List<JsonNode> items = new ArrayList<>();
        String cursor = null;
        do {
            String page = path + "?limit=1000"
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            LoopbackHttp.Response response = http.get(page);
            expect(response, "list " + path, 200);
            JsonNode body = json(response);
            body.path("data").forEach(items::add);
            JsonNode next = body.get("next_cursor");
            cursor = next == null || next.isNull() ? null : next.stringValue();
        } while (cursor != null);
        return items;
    }

    private String verify(LoopbackHttp http) throws IOException {
        LoopbackHttp.Response response = http.post(base + "/verify", bytes("{}"));
        if (response.status() != 200) {
            return "verify answered " + response.status() + ": " + response.text();
        }
        JsonNode report = json(response);
        return report.path("ok").booleanValue() ? "ok" : "verify failed: " + report.path("failures");
    }

    private void unexpected(Tally rejected, LoopbackHttp.Response response) {
        String text = response.text();
        Matcher code = CODE.matcher(text);
        String key = "HTTP " + response.status() + (code.find() ? " " + code.group(1) : "")
                + (response.status() == 200 && text.contains("\"duplicate\":true") ? " duplicate" : "");
        rejected.add(key);
        firstAnswers.putIfAbsent(key, text.length() > 300 ? text.substring(0, 300) + "…" : text);
    }

    private static Measurement.Latency latency(Histogram histogram) {
        return new Measurement.Latency(
                histogram.getValueAtPercentile(50) / 1000.0,
                histogram.getValueAtPercentile(99) / 1000.0,
                histogram.getValueAtPercentile(99.9) / 1000.0,
                histogram.getTotalCount());
    }

    private static void expect(LoopbackHttp.Response response, String what, int... statuses) {
        for (int status : statuses) {
            if (response.status() == status) {
                return;
            }
        }
        throw new IllegalStateException(what + ": HTTP " + response.status() + " " + response.text());
    }

    private static JsonNode json(LoopbackHttp.Response response) {
        return JSON.readTree(response.body());
    }

    private static long micros(String time) {
        Instant instant = Instant.parse(time);
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }

    private static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    private static String first(Set<String> ids) {
        return ids.isEmpty() ? "none" : ids.iterator().next();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
