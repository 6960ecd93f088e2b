package dev.pacioli.platform;

import dev.pacioli.platform.BadInputTest.Case;
import java.util.List;
import java.util.Map;

/**
 * Bad input for every screening route, for {@link BadInputTest}: each refused with its code and
 * nothing stored (the table's snapshot holds the list {@link #LIST} and the case it set up).
 */
final class ScreeningBadInput {
    static final String LIST = "bad-input-screening";
    static final String LIST_BODY = "{\"entries\": [{\"id\": \"1\", \"name\": \"Badinputa Screenova\","
            + " \"type\": \"individual\"}], \"blocked_countries\": [\"KP\"]}";
    private static final String PUT_LIST = "/v1/screening/lists/" + LIST;
    private static final String ALIASES = PUT_LIST + "/aliases";
    private static final String CSV = "text/csv";

    private ScreeningBadInput() {}

    static void cases(List<Case> cases) {
        listCases(cases);
        csvCases(cases);
        cases.add(json("POST", "check: nothing to screen", "/v1/screening/check", "{}", 400, "name:required"));
        cases.add(json(
                "POST",
                "check: a country in lower case",
                "/v1/screening/check",
                "{\"country\": \"fr\"}",
                400,
                "country:invalid_format"));
        cases.add(json(
                "POST",
                "check: a name that is a number",
                "/v1/screening/check",
                "{\"name\": 7}",
                400,
                "name:invalid_type"));
        cases.add(json(
                "POST",
                "check: a name too long",
                "/v1/screening/check",
                "{\"name\": \"" + "a".repeat(513) + "\"}",
                400,
                "name:too_long"));
        cases.add(json(
                "POST",
                "check: an unknown field",
                "/v1/screening/check",
                "{\"nom\": \"x\"}",
                400,
                "nom:unknown_field",
                "name:required"));
        cases.add(get(
                "cases: an unknown status",
                "/v1/screening/cases?status=pending",
                400,
                "validation_failed",
                "status:invalid_value"));
        cases.add(get("cases: a foreign cursor", "/v1/screening/cases?cursor=bm9wZQ", 400, "invalid_cursor"));
        cases.add(get(
                "case: one that does not exist", "/v1/screening/cases/sc_999999999", 404, "screening_case_not_found"));
        cases.add(decide(
                "decide: an unknown decision",
                "{\"decision\": \"maybe\", \"reason\": \"x\"}",
                400,
                null,
                "decision:invalid_value"));
        cases.add(decide("decide: no reason", "{\"decision\": \"clear\"}", 400, null, "reason:required"));
        cases.add(decide(
                "decide: a case that does not exist",
                "{\"decision\": \"clear\", \"reason\": \"x\"}",
                404,
                "screening_case_not_found"));
    }

    private static void listCases(List<Case> cases) {
        cases.add(json(
                "PUT",
                "list: a name that is no id",
                "/v1/screening/lists/a%20b",
                LIST_BODY,
                400,
                "name:invalid_format"));
        cases.add(json("PUT", "list: no entries", PUT_LIST, "{\"blocked_countries\": []}", 400, "entries:required"));
        cases.add(json(
                "PUT", "list: entries that are no array", PUT_LIST, "{\"entries\": {}}", 400, "entries:invalid_type"));
        cases.add(json(
                "PUT",
                "list: an entry without name or type",
                PUT_LIST,
                "{\"entries\": [{\"id\": \"1\"}]}",
                400,
                "entries[0].name:required",
                "entries[0].type:required"));
        cases.add(json(
                "PUT",
                "list: an unknown type",
                PUT_LIST,
                "{\"entries\": [{\"id\": \"1\", \"name\": \"X\", \"type\": \"person\"}]}",
                400,
                "entries[0].type:invalid_value"));
        cases.add(json(
                "PUT",
                "list: one id twice",
                PUT_LIST,
                "{\"entries\": [{\"id\": \"1\", \"name\": \"X\", \"type\": \"entity\"},"
                        + " {\"id\": \"1\", \"name\": \"Y\", \"type\": \"entity\"}]}",
                400,
                "entries[1].id:invalid_value"));
        cases.add(json(
                "PUT",
                "list: countries in lower case",
                PUT_LIST,
                "{\"entries\": [{\"id\": \"1\", \"name\": \"X\", \"type\": \"entity\", \"countries\": [\"ir\"]}],"
                        + " \"blocked_countries\": [\"kp\"]}",
                400,
                "entries[0].countries[0]:invalid_format",
                "blocked_countries[0]:invalid_format"));
        cases.add(json(
                "PUT",
                "list: an alias too long and a blank address",
                PUT_LIST,
                "{\"entries\": [{\"id\": \"1\", \"name\": \"X\", \"type\": \"entity\", \"aliases\": [\""
                        + "a".repeat(513) + "\"], \"addresses\": [\" \"]}]}",
                400,
                "entries[0].aliases[0]:too_long",
                "entries[0].addresses[0]:invalid_value"));
        cases.add(json(
                "PUT",
                "list: a blank name",
                PUT_LIST,
                "{\"entries\": [{\"id\": \"1\", \"name\": \"  \", \"type\": \"entity\"}]}",
                400,
                "entries[0].name:invalid_value"));
        cases.add(json(
                "PUT",
                "list: a name with U+0000",
                PUT_LIST,
                "{\"entries\": [{\"id\": \"1\", \"name\": \"X\\u0000\", \"type\": \"entity\"}]}",
                400,
                "entries[0].name:invalid_string"));
        cases.add(json(
                "PUT",
                "list: an unknown field of an entry",
                PUT_LIST,
                "{\"entries\": [{\"id\": \"1\", \"name\": \"X\", \"type\": \"entity\", \"nickname\": \"Y\"}]}",
                400,
                "entries[0].nickname:unknown_field"));
        cases.add(new Case(
                "list: one entry past 100,000",
                "PUT",
                PUT_LIST,
                "application/json",
                ScreeningBadInput::tooMany,
                413,
                "screening_list_too_large",
                List.of(),
                false));
        cases.add(new Case(
                "list: XML",
                "PUT",
                PUT_LIST,
                "application/xml",
                () -> "<entries/>",
                415,
                "unsupported_media_type",
                List.of(),
                false));
    }

    private static void csvCases(List<Case> cases) {
        cases.add(csv(PUT_LIST, "sdn.csv: too few columns", "36,\"X\",-0- \r\n", 400, "invalid_csv"));
        cases.add(csv(
                PUT_LIST,
                "sdn.csv: an ent_num that is no number",
                "x36,\"X\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n",
                400,
                "invalid_csv"));
        cases.add(csv(PUT_LIST, "sdn.csv: a quote left open", "36,\"X,-0- ,-0- \r\n", 400, "invalid_csv"));
        cases.add(csv(ALIASES, "alt.csv: an unknown alt_type", "1,1,\"also\",\"Y\",-0- \r\n", 400, "invalid_csv"));
        cases.add(csv(
                ALIASES,
                "alt.csv: an entry the list lacks",
                "99,1,\"aka\",\"Y\",-0- \r\n",
                422,
                "screening_entry_not_found"));
        cases.add(csv(
                "/v1/screening/lists/bad-input-never-loaded/aliases",
                "alt.csv: a list never loaded",
                "1,1,\"aka\",\"Y\",-0- \r\n",
                404,
                "screening_list_not_found"));
        cases.add(json("PUT", "alt.csv: sent as JSON", ALIASES, "{\"entries\": []}", 415));
    }

    /** Stands for the bearer secret of a key with the compliance flag: the table puts it in. */
    static final String COMPLIANCE = "{COMPLIANCE_KEY}";

    static String complianceKey(HttpTester admin) {
        return admin.post(
                        "/v1/api-keys",
                        "{\"name\": \"bad input officer\", \"role\": \"reader\", \"principal\": \"bad-input-officer\","
                                + " \"flags\": [\"compliance\"]}")
                .json()
                .path("secret")
                .stringValue();
    }

    private static Case decide(String name, String body, int status, String code, String... errors) {
        return new Case(
                name,
                "POST",
                "/v1/screening/cases/sc_999999999/decide",
                "application/json",
                () -> body,
                status,
                code,
                List.of(errors),
                false,
                Map.of("Authorization", COMPLIANCE));
    }

    private static String tooMany() {
        StringBuilder json = new StringBuilder("{\"entries\": [");
        for (int i = 1; i <= 100_001; i++) {
            json.append(i == 1 ? "" : ",")
                    .append("{\"id\":\"")
                    .append(i)
                    .append("\",\"name\":\"e\",\"type\":\"entity\"}");
        }
        return json.append("]}").toString();
    }

    private static Case json(String method, String name, String path, String body, int status, String... errors) {
        String code = status == 400 ? null : errors.length > 0 ? errors[0] : null;
        List<String> fields = status == 400 ? List.of(errors) : List.of();
        if (status == 415) {
            code = "unsupported_media_type";
        }
        return new Case(name, method, path, "application/json", () -> body, status, code, fields, false);
    }

    private static Case csv(String path, String name, String body, int status, String code) {
        return new Case(name, "PUT", path, CSV, () -> body, status, code, List.of(), false);
    }

    private static Case get(String name, String path, int status, String code, String... errors) {
        return new Case(name, "GET", path, null, null, status, code, List.of(errors), false);
    }
}
