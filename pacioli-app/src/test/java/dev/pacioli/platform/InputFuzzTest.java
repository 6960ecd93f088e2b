package dev.pacioli.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.FuzzTargets.Target;
import dev.pacioli.platform.HttpTester.Response;
import dev.pacioli.platform.TroublesomeInput.Location;
import dev.pacioli.platform.TroublesomeInput.Text;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every input of every operation, given every troublesome value of {@link TroublesomeInput}, while
 * valid writers post to the same ledger.
 *
 * <p>Operations come from openapi.yaml, so a new route is fuzzed or this test fails: {@link FuzzTargets}
 * holds a valid request for each, and every probe changes one thing of it: one path parameter, one
 * declared query parameter (and a metadata filter's value and name where the operation takes them), or
 * one string of the body (every value, array item and metadata key; for values also JSON null, a
 * number, true, an object and an array), or adds one unknown top-level key. Each answer must be:
 *
 * <ul>
 *   <li>never 500 or 503, and what openapi.yaml allows ({@link HttpTester#send} checks the status and
 *       problem code for the operation, and that an accepted request was valid by the document);
 *   <li>a 400 for text storage cannot hold, and for a body one listing only {@code invalid_string};
 *   <li>when refused, nothing stored: no new event in the ledger other than the writers', and for
 *       writes outside a ledger the same ledgers, assets, API keys, screening lists and webhooks as
 *       before;
 *   <li>when accepted, the text read back from storage exactly as sent.
 * </ul>
 *
 * <p>Meanwhile {@link ValidWriters} post transfers and batches to the same ledger: every one must
 * succeed, and the ledger must verify at the end, so no valid request ever fails because of an invalid
 * one that shared its commit. About 3,000 probes per database.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.platform.TestService#all")
class InputFuzzTest {
    private static final Logger LOG = LoggerFactory.getLogger(InputFuzzTest.class);

    /** Operations that read nothing from a request: no parameter, no body. The document must agree. */
    private static final Set<String> WITHOUT_INPUTS = Set.of(
            "GET /health/live",
            "GET /health/ready",
            "GET /metrics",
            "GET /openapi.yaml",
            "GET /v1/alerts/routes",
            "GET /v1/controls",
            "GET /v1/custody/keys");

    /**
     * Operations not fuzzed here: every request they accept changes what all the other tests of this
     * JVM see (the platform's mode and its emergency stop), on the service they share. Their inputs are
     * BadInputTest's rows and the controls' own tests, on services of their own.
     */
    private static final Set<String> NOT_FUZZED_ON_A_SHARED_SERVICE =
            Set.of("PUT /v1/controls/mode", "POST /v1/controls/emergency-stop", "DELETE /v1/controls/emergency-stop");

    /**
     * Operations whose body is a file in a text layout, not JSON: every probe of this test puts its value
     * in a JSON body, so their bodies are not fuzzed here; their path parameters are. alt.csv (the only
     * body of the aliases load) is read by {@code OfacCsv}, whose refusals of control characters, bytes
     * that are not UTF-8, wrong column counts and the rest are OfacCsvTest's and BadInputTest's rows. The
     * list load takes sdn.csv or JSON; its JSON form is fuzzed, its CSV form is OfacCsvTest's. A pacs.008
     * (XML) is ClearingIsoTest's: DTDs, entities, schema errors, malformed XML.
     */
    static final Set<String> CSV_BODIES_NOT_FUZZED = Set.of(
            "PUT /v1/screening/lists/{name}/aliases",
            "POST /v1/ledgers/{ledger}/clearing/iso20022",
            // Statement and legacy balance files: StatementFilesTest and BalanceComparisonTest refuse their layouts.
            "POST /v1/ledgers/{ledger}/reconciliation/statements",
            "POST /v1/ledgers/{ledger}/reconciliation/balance-comparisons");

    /**
     * 3,084 before the limits; their five operations add 114 (a test about as long as it was); the seven
     * screening operations add 259; the eighteen clearing operations 520 (the pacs.008 body, XML, is not
     * fuzzed); the seventeen reconciliation operations 670; treasury's ten about 343; custody's four with
     * inputs, 81; custody's five chain operations about 180.
     */
    private static final int PROBES_MAX = 5_290;

    private static final int FAILURES_SHOWN_MAX = 400;
    private static final Map<String, FuzzTargets> TARGETS = new ConcurrentHashMap<>();

    private final HttpTester admin;
    private final FuzzTargets targets;
    private final OpenApiContract contract = OpenApiContract.load();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    /** How many probes got each answer, {@code "<status> <code>"}, for the summary. */
    private final Map<String, Integer> answers = new TreeMap<>();

    private int readBacks;
    private long eventsSeen;

    InputFuzzTest(TestService.Running service) {
        this.admin = service.admin();
        this.targets = TARGETS.computeIfAbsent(service.name(), name -> FuzzTargets.setUp(service));
    }

    /** One fuzzed request: what it changed, how to build it, and what its answer must be. */
    private record Probe(Target target, String input, String trouble, Supplier<Request> request, Expect expect) {
        @Override
        public String toString() {
            return target.operation() + ", " + input + " with " + trouble;
        }
    }

    /** The request as sent; {@code sentText} is the string put in the body, to find in what was stored. */
    private record Request(String path, String body, String sentText) {}

    private enum Expect {
        /** Any documented answer. */
        ANY,
        /** A 4xx. */
        REFUSED,
        /** A 400 whose every field error is {@code invalid_string}. */
        INVALID_STRING,
        /** A 400 {@code malformed_json}. */
        MALFORMED_JSON
    }

    @Test
    void theTableHasAValidRequestForEveryOperationThatTakesInput() {
        Set<String> withInputs = new TreeSet<>();
        for (String operation : contract.operations()) {
            if (contract.inputs(operation).any()) {
                withInputs.add(operation);
            }
        }
        Set<String> withoutInputs = new TreeSet<>(contract.operations());
        withoutInputs.removeAll(withInputs);
        assertThat(withoutInputs).as("operations without inputs").isEqualTo(new TreeSet<>(WITHOUT_INPUTS));
        assertThat(withInputs).containsAll(NOT_FUZZED_ON_A_SHARED_SERVICE);
        withInputs.removeAll(NOT_FUZZED_ON_A_SHARED_SERVICE);
        assertThat(targets.all().stream().map(Target::operation).toList())
                .as("the table's operations")
                .containsExactlyInAnyOrderElementsOf(withInputs);
        try {
            for (Target target : targets.all()) {
                Request request = build(target, null, null, null);
                Response response = send(target, request);
                assertThat(response.status())
                        .as(target + " as given: " + response)
                        .isBetween(200, 299);
            }
        } finally {
            deleteWebhooksOfProbes();
        }
    }

    @Test
    void everyInputTakesEveryTroublesomeValueWhileValidWritersSucceed() {
        List<Probe> probes = new ArrayList<>();
        targets.all().forEach(target -> probes.addAll(probes(target)));
        assertThat(probes.size()).as("probes").isLessThanOrEqualTo(PROBES_MAX);
        long started = System.nanoTime();
        int refused = 0;
        try (ValidWriters writers = new ValidWriters(admin, "/v1/ledgers/" + targets.ledger)) {
            newEvents();
            for (Probe probe : probes) {
                refused += run(probe) ? 1 : 0;
            }
            writers.stop();
            newEvents();
            assertThat(writers.failures()).as("valid requests that failed").isEmpty();
            assertThat(writers.succeeded()).as("valid transactions").isPositive();
            LOG.info(
                    "{} probes ({} refused, {} accepted, {} read back) with {} valid transactions alongside, {} ms;"
                            + " answers {}",
                    probes.size(),
                    refused,
                    probes.size() - refused,
                    readBacks,
                    writers.succeeded(),
                    (System.nanoTime() - started) / 1_000_000,
                    answers);
        } finally {
            deleteWebhooksOfProbes();
        }
        JsonNode verified =
                admin.post("/v1/ledgers/" + targets.ledger + "/verify", "{}").json();
        assertThat(verified.path("ok").booleanValue()).as(verified.toString()).isTrue();
        assertThat(failures)
                .as("%d of %d probes failed; the first %d", failures.size(), probes.size(), FAILURES_SHOWN_MAX)
                .isEmpty();
    }

    /**
     * The reproduction: 40 transfers at once, 4 of them with U+0000 in the description. Those 4
     * are refused alone, the 36 others are committed.
     */
    @Test
    void fourNulsAmongFortyConcurrentTransfersFailAlone() throws Exception {
        String base = admin.openLedgerWithWorldAndWallet(TestService.uniqueName("fuzz-forty"));
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Response>> answers = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 40; i++) {
                String body = FuzzTargets.transfer("t-" + i, 1);
                String sent = i % 10 == 3 ? body.replace("]}", "], \"description\": \"a\\u0000b\"}") : body;
                answers.add(clients.submit(() -> {
                    start.await();
                    return admin.post(base + "/transactions", sent);
                }));
            }
            start.countDown();
        }
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Response response = answers.get(i).get();
            String errors = response.status() == 400 ? " " + fieldErrors(response) : "";
            outcomes.add("t-" + i + " " + response.status() + errors);
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            expected.add("t-" + i + (i % 10 == 3 ? " 400 [description:invalid_string]" : " 201"));
        }
        assertThat(outcomes).isEqualTo(expected);
        for (int i = 3; i < 40; i += 10) {
            assertThat(admin.get(base + "/transactions/t-" + i).code()).isEqualTo("transaction_not_found");
        }
        assertThat(admin.post(base + "/verify", "{}").json().path("ok").booleanValue())
                .isTrue();
    }

    // ---- Probes ---------------------------------------------------------------------------------

    private List<Probe> probes(Target target) {
        OpenApiContract.Inputs inputs = contract.inputs(target.operation());
        List<Probe> probes = new ArrayList<>();
        for (Text text : TroublesomeInput.TEXTS) {
            // Jetty refuses a NUL in a path itself, the gate one in a query. Unpaired surrogates arrive as
            // bytes that are not UTF-8: Jetty refuses them in a path and reads them as U+FFFD in a query.
            boolean nul = text.suffix().contains("\u0000");
            Expect inPath = nul ? Expect.REFUSED : Expect.ANY;
            Expect inQuery = nul ? Expect.INVALID_STRING : Expect.ANY;
            for (String parameter : inputs.pathParameters()) {
                if (target.covered().contains(parameter)) {
                    continue;
                }
                probes.add(new Probe(
                        target,
                        "path parameter " + parameter,
                        text.name(),
                        () -> build(target, parameter, text.suffix(), null),
                        inPath));
            }
            List<String> queries = new ArrayList<>();
            inputs.queryParameters().stream()
                    .filter(name -> !target.covered().contains(name))
                    .forEach(name -> queries.add(name + "=" + encoded(text.suffix())));
            if (inputs.patternQuery()) {
                queries.add("metadata.k=" + encoded(text.suffix()));
                queries.add("metadata." + encoded("k" + text.suffix()) + "=v");
            }
            for (String query : queries) {
                String input = "query " + query.substring(0, Math.min(query.indexOf('=') + 1, 40)) + "...";
                probes.add(new Probe(target, input, text.name(), () -> build(target, null, null, query), inQuery));
            }
        }
        if (inputs.body() && !CSV_BODIES_NOT_FUZZED.contains(target.operation())) {
            probes.addAll(bodyProbes(target));
        }
        return probes;
    }

    private List<Probe> bodyProbes(Target target) {
        List<Probe> probes = new ArrayList<>();
        List<Location> locations = TroublesomeInput.strings(
                        TroublesomeInput.parse(target.body().get()))
                .stream()
                .filter(location -> !target.covered().contains(location.toString()))
                .toList();
        for (Text text : TroublesomeInput.TEXTS) {
            Expect value = text.unstorable() ? Expect.INVALID_STRING : Expect.ANY;
            // JSON's parser itself refuses an unpaired surrogate in a key (docs/api.md, Formats).
            Expect key = !text.unstorable()
                    ? Expect.ANY
                    : text.suffix().contains("\u0000") ? Expect.INVALID_STRING : Expect.MALFORMED_JSON;
            for (Location location : locations) {
                probes.add(textProbe(target, location, text, location.key() ? key : value));
            }
            probes.add(new Probe(
                    target,
                    "an unknown key",
                    text.name(),
                    () -> {
                        return withBody(target, freshBody(target).put("x" + text.suffix(), "v"), null);
                    },
                    text.unstorable() ? key : Expect.REFUSED));
        }
        for (Location location : locations) {
            if (!location.key()) {
                TroublesomeInput.NOT_STRINGS.forEach((name, replacement) -> probes.add(new Probe(
                        target,
                        location.toString(),
                        name,
                        () -> withBody(target, location.with(freshBody(target), replacement), null),
                        Expect.ANY)));
            }
        }
        return probes;
    }

    /** The string at {@code location} of a fresh body, with the text appended. */
    private Probe textProbe(Target target, Location location, Text text, Expect expect) {
        return new Probe(
                target,
                location.toString(),
                text.name(),
                () -> {
                    ObjectNode body = freshBody(target);
                    String sent = location.original(body) + text.suffix();
                    return withBody(target, location.with(body, JsonNodeFactory.instance.stringNode(sent)), sent);
                },
                expect);
    }

    private static ObjectNode freshBody(Target target) {
        return TroublesomeInput.parse(target.body().get());
    }

    private Request withBody(Target target, ObjectNode body, String sentText) {
        Request request = build(target, null, null, null);
        return new Request(request.path(), TroublesomeInput.json(body), sentText);
    }

    /**
     * The target's request with {@code fuzzed}'s value followed by {@code suffix}, and {@code query}
     * appended (each may be null).
     */
    private static Request build(Target target, String fuzzed, String suffix, String query) {
        StringBuilder path = new StringBuilder();
        for (String segment : target.template().substring(1).split("/")) {
            path.append('/');
            if (segment.startsWith("{")) {
                String name = segment.substring(1, segment.length() - 1);
                String value = target.pathValues().get(name).get();
                path.append(encoded(name.equals(fuzzed) ? value + suffix : value));
            } else {
                path.append(segment);
            }
        }
        String required = target.query();
        if (required != null && query != null && !query.startsWith(required.substring(0, required.indexOf('=') + 1))) {
            query = required + "&" + query;
        }
        query = query == null ? required : query;
        if (query != null) {
            path.append('?').append(query);
        }
        return new Request(
                path.toString(), target.body() == null ? null : target.body().get(), null);
    }

    private static String encoded(String text) {
        return TroublesomeInput.percentEncoded(text);
    }

    // ---- Running a probe ------------------------------------------------------------------------

    /** Sends the probe and checks its answer; true when it was refused. */
    private boolean run(Probe probe) {
        Request request = probe.request().get();
        boolean global = isGlobalWrite(probe.target());
        String before = global ? globalState() : null;
        newEvents();
        Response response;
        try {
            response = send(probe.target(), request);
        } catch (AssertionError | IllegalStateException e) {
            fail(probe, "answer against openapi.yaml: " + e.getMessage());
            return true;
        }
        answers.merge(response.status() + (response.status() >= 400 ? " " + codeOf(response) : ""), 1, Integer::sum);
        try {
            checkAnswer(probe, request, response);
            if (response.status() >= 400) {
                assertThat(newEvents())
                        .as("events written by a refused request")
                        .isEmpty();
                if (global) {
                    assertThat(globalState())
                            .as("what a refused request changed")
                            .isEqualTo(before);
                }
            }
        } catch (AssertionError e) {
            fail(probe, e.getMessage() + "\n    answer: " + response);
        }
        return response.status() >= 400;
    }

    /** Sends the request with the target's key (the admin's unless it names one) and headers. */
    private Response send(Target target, Request request) {
        HttpTester client = target.key() == null ? admin : admin.as(target.key());
        return client.send(
                target.method(),
                request.path(),
                request.body(),
                target.headers().apply(request.body()));
    }

    private void checkAnswer(Probe probe, Request request, Response response) {
        assertThat(response.status()).as("status").isNotIn(500, 503);
        switch (probe.expect()) {
            case ANY -> {}
            case REFUSED -> assertThat(response.status()).as("status").isBetween(400, 499);
            case INVALID_STRING -> {
                assertThat(response.status()).as("status").isEqualTo(400);
                assertThat(response.code()).isEqualTo("validation_failed");
                assertThat(response.json().path("errors").findValuesAsString("code"))
                        .as("field error codes")
                        .isNotEmpty()
                        .containsOnly("invalid_string");
            }
            case MALFORMED_JSON -> {
                assertThat(response.status()).as("status").isEqualTo(400);
                assertThat(response.code()).isEqualTo("malformed_json");
            }
        }
        if (response.status() < 400
                && request.sentText() != null
                && probe.target().readBack() != null) {
            readBacks++;
            JsonNode stored = probe.target().readBack().resource(admin, response.json());
            assertThat(holds(stored, request.sentText()))
                    .as("the stored resource holds the text exactly as sent: " + stored)
                    .isTrue();
        }
    }

    private void fail(Probe probe, String message) {
        if (failures.size() < FAILURES_SHOWN_MAX) {
            failures.add(probe + ": " + abbreviate(message));
        } else if (failures.size() == FAILURES_SHOWN_MAX) {
            failures.add("... and more");
        }
    }

    /** Whether the JSON holds the text as a string value or a key, anywhere. */
    private static boolean holds(JsonNode node, String text) {
        if (node.isString()) {
            return node.stringValue().equals(text);
        }
        for (String name : node.propertyNames()) {
            if (name.equals(text) || holds(node.get(name), text)) {
                return true;
            }
        }
        for (int i = 0; node.isArray() && i < node.size(); i++) {
            if (holds(node.get(i), text)) {
                return true;
            }
        }
        return false;
    }

    // ---- What a refused request must not have changed -------------------------------------------

    /** Writes outside a ledger can change the catalog, keys and webhooks; a ledger's own show in its events. */
    private static boolean isGlobalWrite(Target target) {
        return !target.method().equals("GET") && !target.template().startsWith("/v1/ledgers/{ledger}");
    }

    /** The fuzz ledger's events since the last call, other than the valid writers'. */
    private List<String> newEvents() {
        List<String> events = new ArrayList<>();
        while (true) {
            JsonNode page = admin.get("/v1/ledgers/" + targets.ledger + "/events?limit=1000&after=" + eventsSeen)
                    .json()
                    .path("data");
            for (JsonNode event : page) {
                eventsSeen = event.path("sequence").longValue();
                String id = event.path("data").path("id").stringValue();
                if (!id.startsWith(FuzzTargets.WRITER_PREFIX)) {
                    events.add(event.path("type").stringValue() + " " + id);
                }
            }
            if (page.size() < 1000) {
                return events;
            }
        }
    }

    /** Every ledger, asset, API key and screening list, and the webhooks of the fuzz's hook ledger. */
    private String globalState() {
        StringBuilder state = new StringBuilder();
        for (String list : List.of("/v1/ledgers", "/v1/assets", "/v1/api-keys", "/v1/screening/lists")) {
            allPages(list).forEach(item -> state.append(item).append('\n'));
        }
        for (JsonNode webhook : allPages("/v1/webhooks")) {
            if (webhook.path("ledgers").toString().contains("\"" + targets.hookLedger + "\"")) {
                state.append(webhook).append('\n');
            }
        }
        return state.toString();
    }

    private List<JsonNode> allPages(String list) {
        List<JsonNode> items = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = admin.get(list + "?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor))
                    .json();
            page.path("data").forEach(items::add);
            cursor = page.path("next_cursor").stringValue(null);
        } while (cursor != null);
        return items;
    }

    /** Deletes the webhooks accepted probes made, so that their failing deliveries stop. */
    private void deleteWebhooksOfProbes() {
        for (JsonNode webhook : allPages("/v1/webhooks")) {
            String id = webhook.path("id").stringValue();
            if (webhook.path("ledgers").toString().contains("\"" + targets.hookLedger + "\"")
                    && !id.equals(targets.hookId)) {
                admin.delete("/v1/webhooks/" + id);
            }
        }
    }

    private static String codeOf(Response response) {
        try {
            return response.code();
        } catch (RuntimeException e) {
            return "(no problem document)";
        }
    }

    private static List<String> fieldErrors(Response response) {
        List<String> errors = new ArrayList<>();
        response.json()
                .path("errors")
                .forEach(error -> errors.add(error.path("field").stringValue() + ":"
                        + error.path("code").stringValue()));
        return errors;
    }

    private static String abbreviate(String text) {
        return text.length() <= 600 ? text : text.substring(0, 600) + "... (" + text.length() + " chars)";
    }
}
