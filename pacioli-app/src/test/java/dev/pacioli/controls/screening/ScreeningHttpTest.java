package dev.pacioli.controls.screening;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.HttpTester.Response;
import dev.pacioli.platform.TestService;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Screening through the real service: lists and their versions, OFAC files, the check (names, wallet
 * addresses, blocked countries), the 100,000-entry limit, and cases decided through the hook's handlers
 * in the decide's transaction, with the two-person rule. Names are unique per run, since every list of
 * the database is screened.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.platform.TestService#all")
class ScreeningHttpTest {
    private final TestService.Running service;
    private final HttpTester admin;

    ScreeningHttpTest(TestService.Running service) {
        this.service = service;
        this.admin = service.admin();
        TestObjects.install(service);
    }

    /** A client whose key belongs to {@code principal}. */
    private record Keyed(HttpTester client, String principal) {}

    private Keyed key(String principal, String role, String... flags) {
        String flagList = String.join(
                ",", List.of(flags).stream().map(f -> "\"" + f + "\"").toList());
        Response created = admin.post(
                "/v1/api-keys",
                "{\"name\": \"" + principal + "\", \"role\": \"" + role + "\", \"principal\": \"" + principal
                        + "\", \"flags\": [" + flagList + "]}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return new Keyed(admin.as(created.json().path("secret").stringValue()), principal);
    }

    /** A surname no other list of the database holds. */
    private static String unique(String prefix) {
        return prefix
                + TestService.uniqueName("")
                        .replaceAll("[^0-9]", "")
                        .chars()
                        .mapToObj(c -> String.valueOf((char) ('a' + (c - '0'))))
                        .reduce("", String::concat);
    }

    @Test
    void everyLoadIsANewVersionAndTheListShowsIt() {
        String list = TestService.uniqueName("versions");
        String surname = unique("Zorbak");
        String body = "{\"entries\": [{\"id\": \"1\", \"name\": \"Ivan " + surname + "\", \"type\": \"individual\"}],"
                + " \"blocked_countries\": [\"KP\"]}";
        Response first = admin.put("/v1/screening/lists/" + list, body);
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(first.json().path("version").longValue()).isEqualTo(1);
        Response second = admin.put("/v1/screening/lists/" + list, body);
        assertThat(second.json().path("version").longValue()).isEqualTo(2);
        JsonNode shown = listed(list);
        assertThat(shown.path("version").longValue()).isEqualTo(2);
        assertThat(shown.path("entry_count").intValue()).isEqualTo(1);
        assertThat(shown.path("loaded_by").stringValue()).isEqualTo("admin");
        assertThat(shown.path("source").stringValue()).isEqualTo("json");
        Response check = admin.post("/v1/screening/check", "{\"name\": \"" + surname + ", Ivan\"}");
        assertThat(check.json().path("matches").get(0).path("list_version").longValue())
                .isEqualTo(2);
        assertThat(admin.get("/v1/audit-log?action=screening_list.loaded&object_id=" + list)
                        .json()
                        .path("data"))
                .hasSize(2);
    }

    private JsonNode listed(String list) {
        String cursor = null;
        do {
            Response page = admin.get("/v1/screening/lists?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor));
            for (JsonNode item : page.json().path("data")) {
                if (item.path("name").stringValue().equals(list)) {
                    return item;
                }
            }
            cursor = page.json().path("next_cursor").stringValue();
        } while (cursor != null);
        throw new AssertionError("list " + list + " is not listed");
    }

    @Test
    void ofacFilesLoadAndTheirAliasesAndAddressesHit() {
        String list = TestService.uniqueName("ofac");
        String sdn = OfacCsvTest.SDN.replace("HAWATMA", unique("HAWATMA")).replace("SUEX", unique("SUEX"));
        Response loaded = csv("/v1/screening/lists/" + list, sdn);
        assertThat(loaded.status()).as(loaded.toString()).isEqualTo(200);
        assertThat(loaded.json().path("entry_count").intValue()).isEqualTo(6);
        assertThat(loaded.json().path("source").stringValue()).isEqualTo("sdn_csv");
        String alias = unique("QWERTYZ");
        String alt = OfacCsvTest.ALT.replace("HAWATMEH", alias);
        Response aliased = csv("/v1/screening/lists/" + list + "/aliases", alt);
        assertThat(aliased.json().path("version").longValue()).isEqualTo(2);
        JsonNode match = admin.post("/v1/screening/check", "{\"name\": \"Nayif " + alias + "\"}")
                .json()
                .path("matches")
                .get(0);
        assertThat(match.path("field").stringValue()).isEqualTo("alias");
        assertThat(match.path("entry").path("id").stringValue()).isEqualTo("2674");
        // An Ethereum address whatever its case; the bitcoin address exactly.
        JsonNode byAddress = admin.post(
                        "/v1/screening/check", "{\"address\": \"0x2F389CE8BD8FF92DE3402FFCE4691D17FC4F6535\"}")
                .json()
                .path("matches");
        assertThat(byAddress).hasSize(1);
        assertThat(byAddress.get(0).path("field").stringValue()).isEqualTo("address");
        assertThat(byAddress.get(0).path("score").doubleValue()).isEqualTo(1.0);
        assertThat(admin.post("/v1/screening/check", "{\"address\": \"12hqdsicffsbaydj6bhne22sfjtesmmzkx\"}")
                        .json()
                        .path("matches"))
                .isEmpty();
        // An alias of no entry refuses the file, and the list stays as it was.
        Response refused = csv("/v1/screening/lists/" + list + "/aliases", "999,1,\"aka\",\"NOBODY\",-0- \r\n");
        assertThat(refused.code()).isEqualTo("screening_entry_not_found");
        assertThat(listed(list).path("version").longValue()).isEqualTo(2);
        assertThat(csv("/v1/screening/lists/" + TestService.uniqueName("none") + "/aliases", alt)
                        .code())
                .isEqualTo("screening_list_not_found");
        assertThat(csv("/v1/screening/lists/" + list, "36,\"X\"\r\n").code()).isEqualTo("invalid_csv");
    }

    @Test
    void aBlockedCountryHits() {
        String list = TestService.uniqueName("embargo");
        admin.put("/v1/screening/lists/" + list, "{\"entries\": [], \"blocked_countries\": [\"CU\", \"SY\"]}");
        JsonNode matches = admin.post("/v1/screening/check", "{\"name\": \"Jane Doe\", \"country\": \"SY\"}")
                .json()
                .path("matches");
        assertThat(matches).anySatisfy(hit -> {
            assertThat(hit.path("list").stringValue()).isEqualTo(list);
            assertThat(hit.path("field").stringValue()).isEqualTo("country");
            assertThat(hit.path("entry").isNull()).isTrue();
        });
    }

    @Test
    void oneEntryPastTheLimitIsRefusedAndNothingStored() {
        String list = TestService.uniqueName("big");
        StringBuilder json = new StringBuilder("{\"entries\": [");
        StringBuilder csv = new StringBuilder();
        for (int i = 1; i <= ScreeningRoutes.ENTRIES_MAX + 1; i++) {
            json.append(i == 1 ? "" : ",")
                    .append("{\"id\":\"")
                    .append(i)
                    .append("\",\"name\":\"e\",\"type\":\"entity\"}");
            csv.append(i).append(",\"E\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n");
        }
        json.append("]}");
        Response tooMany = admin.put("/v1/screening/lists/" + list, json.toString());
        assertThat(tooMany.status()).isEqualTo(413);
        assertThat(tooMany.code()).isEqualTo("screening_list_too_large");
        assertThat(csv("/v1/screening/lists/" + list, csv.toString()).code()).isEqualTo("screening_list_too_large");
        assertThat(admin.get("/v1/screening/lists?limit=1000").text()).doesNotContain(list);
        int cut = json.lastIndexOf(",{\"id\"");
        Response exactly = admin.put("/v1/screening/lists/" + list, json.substring(0, cut) + "]}");
        assertThat(exactly.status()).as(exactly.toString()).isEqualTo(200);
        assertThat(exactly.json().path("entry_count").intValue()).isEqualTo(ScreeningRoutes.ENTRIES_MAX);
    }

    @Test
    void casesAreDecidedByAnotherPrincipalWithTheComplianceFlagThroughTheHandler() {
        String surname = unique("Kravtsov");
        admin.put(
                "/v1/screening/lists/" + TestService.uniqueName("cases"),
                "{\"entries\": [{\"id\": \"7\", \"name\": \"Oleg " + surname + "\", \"type\": \"individual\"}]}");
        Keyed maker = key(TestService.uniqueName("maker"), "writer", "compliance");
        Keyed officer = key(TestService.uniqueName("officer"), "reader", "compliance");
        Keyed operator = key(TestService.uniqueName("operator"), "operator");
        String makerPrincipal = maker.principal();
        String objectId = TestService.uniqueName("obj");
        List<String> cases = TestObjects.create(
                service, TestObjects.TYPE, objectId, makerPrincipal, new Subject(surname + " Oleg", null, null));
        assertThat(cases).hasSize(1);
        assertThat(TestObjects.status(service, objectId)).isEqualTo("held");
        String path = "/v1/screening/cases/" + cases.getFirst();
        JsonNode open = admin.get(path).json();
        assertThat(open.path("status").stringValue()).isEqualTo("open");
        assertThat(open.path("match").path("entry").path("id").stringValue()).isEqualTo("7");
        assertThat(open.path("match").path("score").doubleValue()).isGreaterThanOrEqualTo(0.92);
        assertThat(admin.get("/v1/screening/cases?status=open&limit=1000").text())
                .contains(cases.getFirst());

        String clear = "{\"decision\": \"clear\", \"reason\": \"another Oleg\"}";
        assertThat(maker.client().post(path + "/decide", clear).code()).isEqualTo("decider_is_creator");
        assertThat(operator.client().post(path + "/decide", clear).code()).isEqualTo("forbidden");
        assertThat(admin.post(path + "/decide", clear).code()).isEqualTo("forbidden");
        assertThat(TestObjects.status(service, objectId)).isEqualTo("held");
        Response cleared = officer.client().post(path + "/decide", clear);
        assertThat(cleared.status()).as(cleared.toString()).isEqualTo(200);
        assertThat(cleared.json().path("status").stringValue()).isEqualTo("cleared");
        assertThat(cleared.json().path("decided_by").stringValue()).isEqualTo(officer.principal());
        assertThat(TestObjects.status(service, objectId)).isEqualTo("released");
        Response again = officer.client().post(path + "/decide", "{\"decision\": \"confirm\", \"reason\": \"no\"}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.code()).isEqualTo("invalid_state_transition");
        assertThat(admin.get("/v1/audit-log?action=screening_case.decided&object_id=" + cases.getFirst())
                        .json()
                        .path("data")
                        .get(0)
                        .path("principal")
                        .stringValue())
                .isEqualTo(officer.principal());

        String other = TestService.uniqueName("obj");
        String confirmPath = "/v1/screening/cases/"
                + TestObjects.create(
                                service,
                                TestObjects.TYPE,
                                other,
                                makerPrincipal,
                                new Subject("Oleg " + surname, null, null))
                        .getFirst();
        Response confirmed =
                officer.client().post(confirmPath + "/decide", "{\"decision\": \"confirm\", \"reason\": \"him\"}");
        assertThat(confirmed.json().path("status").stringValue()).isEqualTo("confirmed");
        assertThat(TestObjects.status(service, other)).isEqualTo("rejected");
    }

    @Test
    void aFailingHandlerRollsTheDecisionBackAndNoHandlerFailsLoudly() {
        String surname = unique("Brankovic");
        admin.put(
                "/v1/screening/lists/" + TestService.uniqueName("handlers"),
                "{\"entries\": [{\"id\": \"9\", \"name\": \"Dragan " + surname + "\", \"type\": \"individual\"}]}");
        Keyed officer = key(TestService.uniqueName("officer"), "reader", "compliance");
        Subject subject = new Subject("Dragan " + surname, null, null);
        String failing = TestService.uniqueName("obj");
        String failingCase = TestObjects.create(service, TestObjects.FAILING, failing, "someone", subject)
                .getFirst();
        Response failed = officer.client()
                .post("/v1/screening/cases/" + failingCase + "/decide", "{\"decision\": \"clear\", \"reason\": \"x\"}");
        assertThat(failed.status()).isEqualTo(503);
        assertThat(admin.get("/v1/screening/cases/" + failingCase)
                        .json()
                        .path("status")
                        .stringValue())
                .isEqualTo("open");
        assertThat(TestObjects.status(service, failing)).isEqualTo("held");

        String unhandled = TestService.uniqueName("obj");
        String unhandledCase = TestObjects.create(service, TestObjects.UNHANDLED, unhandled, "someone", subject)
                .getFirst();
        Response loud = officer.client()
                .post(
                        "/v1/screening/cases/" + unhandledCase + "/decide",
                        "{\"decision\": \"clear\", \"reason\": \"x\"}");
        assertThat(loud.status()).isEqualTo(500);
        assertThat(admin.get("/v1/screening/cases/" + unhandledCase)
                        .json()
                        .path("status")
                        .stringValue())
                .isEqualTo("open");
    }

    private Response csv(String path, String body) {
        return admin.send("PUT", path, body, Map.of("Content-Type", "text/csv"));
    }
}
