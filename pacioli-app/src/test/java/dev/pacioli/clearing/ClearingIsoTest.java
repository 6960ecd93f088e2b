package dev.pacioli.clearing;

import static dev.pacioli.clearing.ClearingFixture.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.app.Service;
import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.HttpTester.Response;
import dev.pacioli.platform.TestService;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.TestDatabases;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import tools.jackson.databind.JsonNode;

/**
 * ISO 20022 and screening on a service of its own (it loads a sanctions list): a real-shaped pacs.008
 * with several transactions — accepted, an unknown BIC, over the cap, too many decimals, a name on the
 * list — answered by a pacs.002 that validates against its schema with the contract's statuses and
 * reason codes; the same message again answers the same report; the same MsgId with other content is
 * 409; DTDs and external entities are refused; schema errors name the element; ACSC after settlement.
 * Held obligations wait outside netting until a compliance officer clears (accepted) or confirms
 * (rejected) their case.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.postgres.TestDatabases#all")
class ClearingIsoTest {
    private static final String LIST = "{\"entries\": [{\"id\": \"sdn-1\", \"name\": \"Ivanka Kovalenko-Drummond\","
            + " \"type\": \"individual\", \"countries\": [\"RU\"]}]}";
    private static final String NS = "urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08";
    private static final String U1 = "0f8e1b4c-2c3d-4e5f-8a9b-0c1d2e3f4a5b";
    private static final String U2 = "1f8e1b4c-2c3d-4e5f-8a9b-0c1d2e3f4a5b";
    private static final String U3 = "2f8e1b4c-2c3d-4e5f-8a9b-0c1d2e3f4a5b";
    private static final String U4 = "3f8e1b4c-2c3d-4e5f-8a9b-0c1d2e3f4a5b";
    private static final String U5 = "4f8e1b4c-2c3d-4e5f-8a9b-0c1d2e3f4a5b";

    private final TestDatabases.TestDatabase shared;
    private Database database;
    private Service service;
    private HttpTester admin;
    private ClearingFixture fixture;

    ClearingIsoTest(TestDatabases.TestDatabase shared) {
        this.shared = shared;
    }

    @BeforeEach
    void start() {
        database = TestDatabases.ownSchema(shared.database(), "pacioli_clearing_iso", 8);
        service = TestService.startAsInstalled("clearing-iso", database, TestService.options(0, 0))
                .service();
        admin = new HttpTester(URI.create("http://127.0.0.1:" + service.port()), TestService.ADMIN_KEY);
        admin.goLive();
        expect(admin.put("/v1/screening/lists/sanctions", LIST), 200);
        fixture = new ClearingFixture(admin, TestService.uniqueName("clear-iso"));
        fixture.participant("bank-a", "BANKAEAAXXX", 150_000L);
        fixture.participant("bank-b", "BANKBEBBXXX", 150_000L);
    }

    @AfterEach
    void stop() {
        service.close();
        TestDatabases.drop(database);
    }

    @Test
    void aPacs008IsAnsweredTransactionByTransactionAndSettledOnesReadAcsc() throws Exception {
        String message = pacs008(
                "MSG-1",
                transaction(U1, "BANKAEAAXXX", "BANKBEBBXXX", "1000.00", "Acme Ltd", "Jane Roe"),
                transaction(U2, "NOBANKXXXXX", "BANKBEBBXXX", "5.00", "Acme Ltd", "Jane Roe"),
                transaction(U3, "BANKAEAAXXX", "BANKBEBBXXX", "600.00", "Acme Ltd", "Jane Roe"),
                transaction(U4, "BANKAEAAXXX", "BANKBEBBXXX", "10.001", "Acme Ltd", "Jane Roe"),
                transaction(U5, "BANKBEBBXXX", "BANKAEAAXXX", "7.00", "Beta GmbH", "Ivanka Kovalenko-Drummond"));
        Response answer = xml(message);
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.header("Content-Type")).startsWith("application/xml");
        var report = IsoSchemas.parse(answer.text());
        IsoSchemas.validate(new IsoSchemas().pacs002(), report);
        assertThat(statuses(report))
                .containsExactly(U1 + " ACCP", U2 + " RJCT RC01", U3 + " RJCT AM04", U4 + " RJCT AM02", U5 + " PDNG");
        assertThat(report.getElementsByTagNameNS(IsoSchemas.PACS_002, "OrgnlMsgId")
                        .item(0)
                        .getTextContent())
                .isEqualTo("MSG-1");
        JsonNode accepted =
                expect(admin.get(fixture.clearing + "/obligations/" + U1), 200).json();
        assertThat(accepted.path("amount").longValue()).isEqualTo(100_000);
        assertThat(accepted.path("debtor").stringValue()).isEqualTo("bank-a");
        assertThat(accepted.path("reference").stringValue()).isEqualTo("INV-" + U1.substring(0, 4));
        assertThat(accepted.path("creditor_name").stringValue()).isEqualTo("Jane Roe");
        assertThat(expect(admin.get(fixture.clearing + "/obligations/" + U5), 200)
                        .json()
                        .path("status")
                        .stringValue())
                .isEqualTo("held");

        // The same message again: the same report, no second effect; the same MsgId with other content: 409.
        assertThat(xml(message).text()).isEqualTo(answer.text());
        assertThat(admin.get(fixture.clearing + "/obligations?limit=100")
                        .json()
                        .path("data")
                        .size())
                .isEqualTo(2);
        Response other = xml(message.replace("1000.00", "999.00"));
        assertThat(other.status()).isEqualTo(409);
        assertThat(other.code()).isEqualTo("message_exists_with_different_content");

        // Settled: ACSC.
        fixture.fund("bank-a", 100_000, "fund-a");
        fixture.close("w-1");
        fixture.settle("w-1");
        Response acsc = expect(admin.get(fixture.clearing + "/obligations/" + U1 + "/pacs002"), 200);
        var status = IsoSchemas.parse(acsc.text());
        IsoSchemas.validate(new IsoSchemas().pacs002(), status);
        assertThat(statuses(status)).containsExactly(U1 + " ACSC");
    }

    @Test
    void dtdsEntitiesAndSchemaErrorsAreRefusedAndNameWhatIsWrong() {
        String good = pacs008("MSG-2", transaction(U1, "BANKAEAAXXX", "BANKBEBBXXX", "1.00", "A", "B"));
        String external = good.replace(
                        "<Document", "<!DOCTYPE Document [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<Document")
                .replace("<Nm>A</Nm>", "<Nm>&x;</Nm>");
        Response refused = xml(external);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.code()).isEqualTo("malformed_xml");
        assertThat(refused.text()).contains("DOCTYPE").doesNotContain("root:");
        Response dtd =
                xml(good.replace("<Document", "<!DOCTYPE Document SYSTEM \"http://127.0.0.1:9/x.dtd\">\n<Document"));
        assertThat(dtd.code()).isEqualTo("malformed_xml");
        Response missing = xml(good.replace("<ChrgBr>SLEV</ChrgBr>", ""));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.code()).isEqualTo("schema_invalid");
        assertThat(missing.text()).contains("Dbtr");
        Response unknown = xml(good.replace("<ChrgBr>SLEV</ChrgBr>", "<ChrgBr>SLEV</ChrgBr><Bogus>1</Bogus>"));
        assertThat(unknown.code()).isEqualTo("schema_invalid");
        assertThat(unknown.text()).contains("Bogus");
        Response broken = xml(good.replace("</GrpHdr>", ""));
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.code()).isEqualTo("malformed_xml");
        assertThat(broken.text()).contains("line");
        Response notPacs = xml(good.replace(NS, "urn:iso:std:iso:20022:tech:xsd:pacs.009.001.08"));
        assertThat(notPacs.code()).isEqualTo("schema_invalid");
        assertThat(admin.get(fixture.clearing + "/obligations?limit=100")
                        .json()
                        .path("data")
                        .size())
                .isZero();
    }

    @Test
    void aHeldObligationWaitsOutsideNettingUntilComplianceDecides() throws Exception {
        HttpTester officer = officer();
        fixture.fund("bank-a", 1_000, "fund-a");
        JsonNode held = expect(
                        admin.post(
                                fixture.clearing + "/obligations",
                                "{\"id\": \"ob-held\", \"debtor\": \"bank-a\", \"creditor\": \"bank-b\", \"amount\": 500,"
                                        + " \"asset\": \"USD\", \"creditor_name\": \"Drummond Ivanka Kovalenko\"}"),
                        201)
                .json();
        assertThat(held.path("status").stringValue()).isEqualTo("held");
        expect(
                admin.post(
                        fixture.clearing + "/obligations",
                        "{\"id\": \"ob-bad\", \"debtor\": \"bank-a\", \"creditor\": \"bank-b\", \"amount\": 300,"
                                + " \"asset\": \"USD\", \"debtor_name\": \"Ivanka Kovalenko-Drummond\"}"),
                201);
        // Outside netting: the first window closes without them.
        JsonNode closed = fixture.close("w-1");
        assertThat(closed.path("status").stringValue()).isEqualTo("closed");
        assertThat(expect(admin.get(fixture.clearing + "/windows/w-1/report"), 200)
                        .json()
                        .path("assets")
                        .size())
                .isZero();
        expect(
                officer.post(
                        "/v1/screening/cases/" + caseOf("ob-held") + "/decide",
                        "{\"decision\": \"clear\", \"reason\": \"a namesake\"}"),
                200);
        JsonNode cleared = expect(admin.get(fixture.clearing + "/obligations/ob-held"), 200)
                .json();
        assertThat(cleared.path("status").stringValue()).isEqualTo("accepted");
        assertThat(cleared.path("window").stringValue()).isEqualTo("w-2");
        expect(
                officer.post(
                        "/v1/screening/cases/" + caseOf("ob-bad") + "/decide",
                        "{\"decision\": \"confirm\", \"reason\": \"the listed person\"}"),
                200);
        JsonNode rejected =
                expect(admin.get(fixture.clearing + "/obligations/ob-bad"), 200).json();
        assertThat(rejected.path("status").stringValue()).isEqualTo("rejected");
        assertThat(rejected.path("reason").stringValue()).isEqualTo("screening");
        Response rjct = expect(admin.get(fixture.clearing + "/obligations/ob-bad/pacs002"), 200);
        assertThat(statuses(IsoSchemas.parse(rjct.text()))).containsExactly("RJCT RR04");
        fixture.close("w-2");
        JsonNode usd = expect(admin.get(fixture.clearing + "/windows/w-2/report"), 200)
                .json()
                .path("assets")
                .get(0);
        assertThat(usd.path("gross").longValue()).isEqualTo(500);
        assertThat(fixture.settle("w-2").path("status").stringValue()).isEqualTo("settled");
        assertThat(fixture.balance("participants:bank-b:USD")).isEqualTo(500);
    }

    private HttpTester officer() {
        Response key = admin.post(
                "/v1/api-keys",
                "{\"name\": \"officer\", \"role\": \"reader\", \"principal\": \"officer\", \"flags\": [\"compliance\"]}");
        expect(key, 201);
        return admin.as(key.json().path("secret").stringValue());
    }

    private String caseOf(String obligation) {
        List<String> found = new ArrayList<>();
        admin.get("/v1/screening/cases?limit=100").json().path("data").forEach(c -> {
            if (obligation.equals(c.path("object_id").stringValue())) {
                found.add(c.path("id").stringValue());
            }
        });
        assertThat(found).hasSize(1);
        return found.getFirst();
    }

    private Response xml(String body) {
        return admin.raw(
                "POST",
                fixture.clearing + "/iso20022",
                body.getBytes(StandardCharsets.UTF_8),
                "application/xml",
                Map.of());
    }

    /** "UETR STATUS [REASON]" per TxInfAndSts, in order. */
    private static List<String> statuses(org.w3c.dom.Document report) {
        List<String> statuses = new ArrayList<>();
        NodeList transactions = report.getElementsByTagNameNS(IsoSchemas.PACS_002, "TxInfAndSts");
        for (int i = 0; i < transactions.getLength(); i++) {
            Element transaction = (Element) transactions.item(i);
            Map<String, String> values = new LinkedHashMap<>();
            for (String name : List.of("OrgnlUETR", "TxSts", "Cd")) {
                NodeList found = transaction.getElementsByTagNameNS(IsoSchemas.PACS_002, name);
                if (found.getLength() > 0) {
                    values.put(name, found.item(0).getTextContent());
                }
            }
            statuses.add(String.join(" ", values.values()));
        }
        return statuses;
    }

    private static String pacs008(String messageId, String... transactions) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document xmlns=\"" + NS + "\">\n<FIToFICstmrCdtTrf>\n"
                + "<GrpHdr><MsgId>" + messageId + "</MsgId><CreDtTm>2026-12-05T10:00:00Z</CreDtTm><NbOfTxs>"
                + transactions.length + "</NbOfTxs><SttlmInf><SttlmMtd>CLRG</SttlmMtd></SttlmInf></GrpHdr>\n"
                + String.join("\n", transactions) + "\n</FIToFICstmrCdtTrf>\n</Document>\n";
    }

    private static String transaction(
            String uetr, String debtorBic, String creditorBic, String amount, String debtor, String creditor) {
        return "<CdtTrfTxInf><PmtId><InstrId>I-" + uetr.substring(0, 4) + "</InstrId><EndToEndId>E2E-"
                + uetr.substring(0, 4) + "</EndToEndId><TxId>TX-" + uetr.substring(0, 4) + "</TxId><UETR>" + uetr
                + "</UETR></PmtId><IntrBkSttlmAmt Ccy=\"USD\">" + amount
                + "</IntrBkSttlmAmt><IntrBkSttlmDt>2026-12-05</IntrBkSttlmDt><ChrgBr>SLEV</ChrgBr><Dbtr><Nm>" + debtor
                + "</Nm></Dbtr><DbtrAgt><FinInstnId><BICFI>" + debtorBic + "</BICFI></FinInstnId></DbtrAgt>"
                + "<CdtrAgt><FinInstnId><BICFI>" + creditorBic + "</BICFI></FinInstnId></CdtrAgt><Cdtr><Nm>"
                + creditor + "</Nm></Cdtr><RmtInf><Ustrd>INV-" + uetr.substring(0, 4) + "</Ustrd></RmtInf>"
                + "</CdtTrfTxInf>";
    }
}
