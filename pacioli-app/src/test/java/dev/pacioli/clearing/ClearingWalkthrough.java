package dev.pacioli.clearing;

import static dev.pacioli.clearing.ClearingFixture.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.HttpTester.Response;
import dev.pacioli.platform.TestService;
import java.util.Map;

/**
 * The walkthrough's clearing section (ApiWalkthroughTest): every clearing operation once, in the order
 * a new user meets them — participants, the schedule, obligations, cancel, close, report, settle.
 */
public final class ClearingWalkthrough {
    /** A pacs.008 of one transaction from a BIC no participant has: answered RJCT RC01, nothing stored. */
    public static final String PACS_008 = "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08\">"
            + "<FIToFICstmrCdtTrf><GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-12-05T10:00:00Z</CreDtTm><NbOfTxs>1"
            + "</NbOfTxs><SttlmInf><SttlmMtd>CLRG</SttlmMtd></SttlmInf></GrpHdr><CdtTrfTxInf><PmtId><EndToEndId>E"
            + "</EndToEndId><TxId>T1</TxId></PmtId><IntrBkSttlmAmt Ccy=\"USD\">1.00</IntrBkSttlmAmt><ChrgBr>SLEV"
            + "</ChrgBr><Dbtr><Nm>A</Nm></Dbtr><DbtrAgt><FinInstnId><BICFI>NOBANKXXXXX</BICFI></FinInstnId>"
            + "</DbtrAgt><CdtrAgt><FinInstnId><BICFI>NOBANKYYXXX</BICFI></FinInstnId></CdtrAgt><Cdtr><Nm>B</Nm>"
            + "</Cdtr></CdtTrfTxInf></FIToFICstmrCdtTrf></Document>";

    private ClearingWalkthrough() {}

    public static void walk(HttpTester admin) {
        ClearingFixture fixture = new ClearingFixture(admin, TestService.uniqueName("walk-clr"));
        String clearing = fixture.clearing;
        fixture.participant("bank-a", 5_000_000L);
        fixture.participant("bank-b", 5_000_000L);
        fixture.fund("bank-a", 1_000_000, "fund-a");
        expect(admin.get(clearing + "/participants/bank-a"), 200);
        expect(admin.get(clearing + "/participants?limit=10"), 200);
        expect(admin.put(clearing + "/schedule", "{\"close_every_seconds\": null, \"auto_settle\": false}"), 200);
        expect(admin.get(clearing + "/schedule"), 200);
        expect(fixture.obligation("ob-1", "bank-a", "bank-b", 1_000_000), 201);
        expect(
                admin.post(
                        clearing + "/obligations/batch",
                        "{\"obligations\": [{\"id\": \"ob-2\", \"debtor\": \"bank-b\", \"creditor\": \"bank-a\", \"amount\":"
                                + " 300000, \"asset\": \"USD\", \"reference\": \"INV-7\"}, {\"id\": \"ob-3\", \"debtor\":"
                                + " \"bank-a\", \"creditor\": \"bank-b\", \"amount\": 5, \"asset\": \"USD\"}]}"),
                200);
        expect(admin.post(clearing + "/obligations/ob-3/cancel", "{}"), 200);
        expect(admin.get(clearing + "/obligations/ob-1"), 200);
        expect(admin.get(clearing + "/obligations?participant=bank-a&status=accepted"), 200);
        String window = expect(admin.get(clearing + "/windows/current"), 200)
                .json()
                .path("id")
                .stringValue();
        expect(admin.post(clearing + "/windows/" + window + "/close", "{}"), 200);
        expect(admin.get(clearing + "/windows?status=closed"), 200);
        expect(admin.get(clearing + "/windows/" + window), 200);
        assertThat(expect(admin.get(clearing + "/windows/" + window + "/report"), 200)
                        .json()
                        .path("assets")
                        .get(0)
                        .path("efficiency")
                        .stringValue())
                .isEqualTo("0.4615");
        assertThat(expect(admin.post(clearing + "/windows/" + window + "/settle", "{}"), 200)
                        .json()
                        .path("status")
                        .stringValue())
                .isEqualTo("settled");
        assertThat(fixture.balance("participants:bank-b:USD")).isEqualTo(700_000);
        Response report =
                admin.send("POST", clearing + "/iso20022", PACS_008, Map.of("Content-Type", "application/xml"));
        assertThat(expect(report, 200).text()).contains("RJCT").contains("RC01");
        assertThat(expect(admin.get(clearing + "/obligations/ob-1/pacs002"), 200)
                        .text())
                .contains("ACSC");
    }
}
