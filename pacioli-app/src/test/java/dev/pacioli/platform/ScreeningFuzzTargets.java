package dev.pacioli.platform;

import dev.pacioli.controls.screening.Subject;
import dev.pacioli.controls.screening.TestObjects;
import dev.pacioli.platform.FuzzTargets.ReadBack;
import dev.pacioli.platform.FuzzTargets.Target;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The screening operations' valid requests for {@link InputFuzzTest}, over lists of the fuzz's own.
 *
 * <p>Every test of the JVM shares the service, and every list of it is screened: a list the fuzz loaded
 * under another test's name would replace that test's entries, and an entry or a blocked country some
 * other test screens would open cases it does not expect. So the fuzz loads only lists named by it, whose
 * entries carry made-up names and an address no other test uses, and blocks no country (the entries'
 * {@code countries} are read by the same code as {@code blocked_countries}, and fuzzed there).
 *
 * <p>A case to decide is a fresh one, on a fresh {@link TestObjects} object whose name hits the fuzz's
 * cases list, decided by a compliance key of a principal other than the object's creator.
 */
final class ScreeningFuzzTargets {
    private static final String ADDRESS = "fz-screening-address-1";
    private static final String LISTED = "Fuzzlisted Wqoprtz";
    private static final String CASED = "Casefuzzed Yhjklmv";
    private static final String CREATOR = "fuzz-object-maker";

    private final TestService.Running service;
    private final HttpTester admin;
    /** The list the JSON loads replace, version after version. */
    private final String list = TestService.uniqueName("fz-screening");
    /** The list alt.csv loads go to: its one entry keeps ent_num 36 whatever the JSON loads do. */
    private final String aliasList = TestService.uniqueName("fz-screening-alt");
    /** The list whose one entry the fuzz's objects hit. */
    private final String caseList = TestService.uniqueName("fz-screening-cases");

    private final String compliance;
    private final String caseId;

    ScreeningFuzzTargets(TestService.Running service) {
        this.service = service;
        this.admin = service.admin();
        TestObjects.install(service);
        put(list, listBody());
        put(aliasList, entry("36", "Fuzzaliased Mnbvcxq"));
        put(caseList, entry("1", CASED));
        compliance = FuzzTargets.created(admin.post(
                        "/v1/api-keys",
                        "{\"name\": \"fuzz compliance\", \"role\": \"reader\", \"principal\":"
                                + " \"fuzz-compliance@example.com\", \"flags\": [\"compliance\"]}"))
                .path("secret")
                .stringValue();
        caseId = openCase();
    }

    List<Target> all() {
        String cases = "/v1/screening/cases";
        ReadBack decided = (admin, answer) ->
                FuzzTargets.read(admin, cases + "/" + answer.path("id").stringValue());
        return List.of(
                new Target("PUT /v1/screening/lists/{name}", Map.of("name", () -> list), this::listBody, this::entries)
                        // Read by the same choice as the decision of a case, and the countries' code.
                        .covering("entries[0].type"),
                // alt.csv only: its path is fuzzed here, its body is not (InputFuzzTest.CSV_BODIES_NOT_FUZZED).
                new Target(
                                "PUT /v1/screening/lists/{name}/aliases",
                                Map.of("name", () -> aliasList),
                                () -> "36,12,\"aka\",\"FUZZALIASED, Mnbvcxq\",-0- \r\n",
                                null)
                        .with(body -> Map.of("Content-Type", "text/csv")),
                // Its limit and cursor are read as every list reads them (GET /v1/api-keys, GET /v1/webhooks).
                new Target("GET /v1/screening/lists", Map.of(), null, null).covering("limit", "cursor"),
                new Target(
                        "POST /v1/screening/check",
                        Map.of(),
                        () -> "{\"name\": \"" + LISTED + "\", \"country\": \"US\", \"address\": \"" + ADDRESS + "\"}",
                        null),
                new Target("GET " + cases, Map.of(), null, null)
                        .covering("limit")
                        .withQuery("status=open"),
                new Target("GET " + cases + "/{id}", Map.of("id", () -> caseId), null, null),
                new Target(
                                "POST " + cases + "/{id}/decide",
                                Map.of("id", this::openCase),
                                () -> "{\"decision\": \"clear\", \"reason\": \"r\"}",
                                decided)
                        .as(compliance));
    }

    private String listBody() {
        return "{\"entries\": [{\"id\": \"1\", \"name\": \"" + LISTED + "\", \"aliases\": [\"Aliasfuzzed Pqowiez\"],"
                + " \"type\": \"individual\", \"countries\": [\"XZ\"], \"addresses\": [\"" + ADDRESS + "\"]}]}";
    }

    private static String entry(String id, String name) {
        return "{\"entries\": [{\"id\": \"" + id + "\", \"name\": \"" + name + "\", \"type\": \"individual\"}]}";
    }

    private void put(String name, String body) {
        HttpTester.Response loaded = admin.put("/v1/screening/lists/" + name, body);
        if (loaded.status() != 200) {
            throw new AssertionError("loading " + name + ": " + loaded);
        }
    }

    /**
     * The fuzz list's entry as screening finds it, by its address and by its name: whichever of its
     * strings a probe changed, one of the two still finds it.
     */
    private JsonNode entries(HttpTester admin, JsonNode answer) {
        ArrayNode found = JsonNodeFactory.instance.arrayNode();
        for (String check : List.of("{\"address\": \"" + ADDRESS + "\"}", "{\"name\": \"" + LISTED + "\"}")) {
            HttpTester.Response response = admin.post("/v1/screening/check", check);
            for (JsonNode match : response.json().path("matches")) {
                if (match.path("list")
                        .stringValue("")
                        .equals(answer.path("name").stringValue())) {
                    found.add(match);
                }
            }
        }
        return found;
    }

    /** A new open case, on a new object held because its name hits the cases list. */
    private String openCase() {
        List<String> opened = TestObjects.create(
                service,
                TestObjects.TYPE,
                TestService.uniqueName("fz-object"),
                CREATOR,
                new Subject(CASED, null, null));
        if (opened.size() != 1) {
            throw new AssertionError("the fuzz's object opened " + opened.size() + " cases, not 1");
        }
        return opened.getFirst();
    }
}
