package dev.pacioli.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pacioli.ledger.Asset;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** camt.053 and CSV files read into lines, and refused whole with the element or line at fault. */
class StatementFilesTest {
    static final Asset EUR = new Asset("EUR", 2);
    private static final LocalDate DECEMBER_1 = LocalDate.of(2026, 12, 1);

    static byte[] resource(String name) {
        try (InputStream in = StatementFilesTest.class.getResourceAsStream("/reconciliation/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static String operating() {
        return new String(resource("camt053-operating.xml"), StandardCharsets.UTF_8);
    }

    @Test
    void aCamt053StatementReadsAsLinesWithItsBalances() {
        StatementFile file = CamtStatements.read(resource("camt053-operating.xml"), EUR);
        assertThat(file.openingBalance()).isEqualTo(1_000_000);
        assertThat(file.closingBalance()).isEqualTo(1_117_050);
        assertThat(file.closingDate()).isEqualTo(DECEMBER_1);
        assertThat(file.lines())
                .containsExactly(
                        new StatementFile.Line(
                                "BANK-7781",
                                DECEMBER_1,
                                DECEMBER_1,
                                150_000,
                                "INV-1001",
                                "E2E-INV-1001",
                                "Acme GmbH",
                                null),
                        // The batch: one line per transaction, each with its own end-to-end id.
                        new StatementFile.Line(
                                "BANK-7782/1",
                                DECEMBER_1,
                                DECEMBER_1,
                                -12_000,
                                "Payout po_1",
                                "payout:po_1",
                                "Jane Roe",
                                null),
                        new StatementFile.Line(
                                "BANK-7782/2",
                                DECEMBER_1,
                                DECEMBER_1,
                                -18_000,
                                "Payout po_2",
                                "payout:po_2",
                                "John Doe",
                                null),
                        // No AcctSvcrRef: the NtryRef; a DtTm is taken in UTC.
                        new StatementFile.Line(
                                "3",
                                LocalDate.of(2026, 12, 2),
                                LocalDate.of(2026, 12, 2),
                                -2_950,
                                null,
                                null,
                                null,
                                "Account fees November"));
    }

    @Test
    void aStatementThatDoesNotBalanceNamesTheClosingBalance() {
        byte[] xml = operating().replace("11170.50", "11170.51").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CamtStatements.read(xml, EUR))
                .isInstanceOfSatisfying(StatementFile.Refused.class, refused -> {
                    assertThat(refused.code).isEqualTo("statement_does_not_balance");
                    assertThat(refused.at).isEqualTo("Stmt/Bal[2]");
                    assertThat(refused.getMessage()).contains("OPBD 1000000", "CLBD is 1117051");
                });
    }

    @Test
    void badCamtFilesAreRefusedWithTheElementAtFault() {
        assertRefused(
                operating().replace("<Amt Ccy=\"EUR\">29.50", "<Amt Ccy=\"USD\">29.50"),
                "currency_mismatch",
                "Stmt/Ntry[3]/Amt");
        assertRefused(operating().replace("29.50", "29.505"), "too_many_decimals", "Stmt/Ntry[3]/Amt");
        assertRefused(
                operating().replace("<CdtDbtInd>DBIT</CdtDbtInd>\n        <Sts>", "<Sts>"),
                "invalid_statement",
                "Stmt/Ntry[2]/CdtDbtInd");
        assertRefused(
                operating().replace("<Amt Ccy=\"EUR\">180.00</Amt>", "<Amt Ccy=\"EUR\">170.00</Amt>"),
                "invalid_statement",
                "Stmt/Ntry[2]/NtryDtls");
        assertRefused(operating().replace("<Cd>OPBD</Cd>", "<Cd>PRCD</Cd>"), "invalid_statement", "Stmt/Bal");
        assertRefused(
                operating().replace("</Ntry>\n    </Stmt>", "</Ntry>\n    </Stm>"),
                "invalid_statement",
                "line 100, column 7");
        assertRefused(operating().replace("camt.053.001.08", "camt.052.001.08"), "invalid_statement", "Document");
    }

    @Test
    void aDoctypeIsRefusedSoNoEntityIsEverResolved() {
        String xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE Document [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
                + operating().substring(operating().indexOf("<Document"));
        assertRefused(xxe, "invalid_statement", "line 2, column 10");
    }

    private static void assertRefused(String xml, String code, String at) {
        assertThatThrownBy(() -> CamtStatements.read(xml.getBytes(StandardCharsets.UTF_8), EUR))
                .isInstanceOfSatisfying(StatementFile.Refused.class, refused -> {
                    assertThat(refused.code).as(refused.getMessage()).isEqualTo(code);
                    assertThat(refused.at).as(refused.getMessage()).isEqualTo(at);
                });
    }

    static final CsvMapping BANK_CSV = new CsvMapping(
            "bank-csv",
            Map.of(
                    "date",
                    "Date",
                    "amount",
                    "Amount",
                    "currency",
                    "Currency",
                    "reference",
                    "Ref",
                    "external_id",
                    "Id",
                    "description",
                    "Details"),
            "dd.MM.yyyy",
            false,
            "Type",
            "D",
            "C");

    @Test
    void aCsvExportReadsThroughItsMapping() {
        String csv = "Date,Amount,Currency,Ref,Id,Details,Type\n"
                + "01.12.2026,1500.00,EUR,INV-1001,b-1,\"Acme GmbH, invoice\",C\n"
                + "01.12.2026,29.5,EUR,,b-2,\"fees\nNovember\",D\n";
        StatementFile file = CsvStatements.read(csv.getBytes(StandardCharsets.UTF_8), BANK_CSV, EUR);
        assertThat(file.closingBalance()).isNull();
        assertThat(file.lines())
                .containsExactly(
                        new StatementFile.Line(
                                "b-1", DECEMBER_1, null, 150_000, "INV-1001", null, null, "Acme GmbH, invoice"),
                        new StatementFile.Line("b-2", DECEMBER_1, null, -2_950, null, null, null, "fees\nNovember"));
        CsvMapping signed =
                new CsvMapping("s", Map.of("date", "d", "amount", "a"), "yyyy-MM-dd", true, null, null, null);
        assertThat(CsvStatements.read("d,a\n2026-12-01,-250\n".getBytes(StandardCharsets.UTF_8), signed, EUR)
                        .lines())
                .extracting(StatementFile.Line::amount)
                .containsExactly(-250L);
    }

    @Test
    void badCsvFilesAreRefusedWithTheLineAtFault() {
        String header = "Date,Amount,Currency,Ref,Id,Details,Type\n";
        assertCsvRefused(header + "01.12.2026,1.00,USD,,,,C\n", "currency_mismatch", "line 2");
        assertCsvRefused(
                header + "01.12.2026,1.00,EUR,,,,C\n01.12.2026,1.001,EUR,,,,C\n",
                "too_many_decimals",
                "line 3, column Amount");
        assertCsvRefused(header + "2026-12-01,1.00,EUR,,,,C\n", "invalid_statement", "line 2, column Date");
        assertCsvRefused(header + "01.12.2026,ten,EUR,,,,C\n", "invalid_statement", "line 2, column Amount");
        assertCsvRefused(header + "01.12.2026,1.00,EUR,,,,X\n", "invalid_statement", "line 2, column Type");
        assertCsvRefused(header + "01.12.2026,1.00,EUR\n", "invalid_statement", "line 2");
        assertCsvRefused("Day,Amount\n", "invalid_statement", "line 1");
        assertCsvRefused(header + "01.12.2026,\"1.00,EUR,,,,C\n", "invalid_statement", "file");
    }

    private static void assertCsvRefused(String csv, String code, String at) {
        assertThatThrownBy(() -> CsvStatements.read(csv.getBytes(StandardCharsets.UTF_8), BANK_CSV, EUR))
                .isInstanceOfSatisfying(StatementFile.Refused.class, refused -> {
                    assertThat(refused.code).as(refused.getMessage()).isEqualTo(code);
                    assertThat(refused.at).as(refused.getMessage()).isEqualTo(at);
                });
    }
}
