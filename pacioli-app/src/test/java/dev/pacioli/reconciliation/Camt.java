package dev.pacioli.reconciliation;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/** camt.053.001.08 statements for tests: one Stmt, OPBD and CLBD, booked entries. */
final class Camt {
    private Camt() {}

    /** One Ntry: {@code amount} in minor units, signed (positive is a credit to the account). */
    record Entry(long amount, String accountServicerReference, String endToEndId, String remittance) {}

    static String statement(String currency, LocalDate day, long opening, long closing, List<Entry> entries) {
        StringBuilder xml = new StringBuilder();
        xml.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\"><BkToCstmrStmt>")
                .append("<GrpHdr><MsgId>M-")
                .append(day)
                .append("</MsgId>")
                .append("<CreDtTm>")
                .append(day.plusDays(1))
                .append("T06:00:00+00:00</CreDtTm></GrpHdr>")
                .append("<Stmt><Id>S-")
                .append(day)
                .append("</Id>")
                .append("<Acct><Id><Othr><Id>1234</Id></Othr></Id><Ccy>")
                .append(currency)
                .append("</Ccy></Acct>");
        balance(xml, "OPBD", currency, opening, day.minusDays(1));
        balance(xml, "CLBD", currency, closing, day);
        for (Entry entry : entries) {
            xml.append("<Ntry><Amt Ccy=\"")
                    .append(currency)
                    .append("\">")
                    .append(decimal(entry.amount()))
                    .append("</Amt><CdtDbtInd>")
                    .append(entry.amount() >= 0 ? "CRDT" : "DBIT")
                    .append("</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>")
                    .append(day)
                    .append("</Dt></BookgDt><ValDt><Dt>")
                    .append(day)
                    .append("</Dt></ValDt>");
            if (entry.accountServicerReference() != null) {
                xml.append("<AcctSvcrRef>")
                        .append(entry.accountServicerReference())
                        .append("</AcctSvcrRef>");
            }
            xml.append("<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn>")
                    .append("</BkTxCd><NtryDtls><TxDtls>");
            if (entry.endToEndId() != null) {
                xml.append("<Refs><EndToEndId>").append(entry.endToEndId()).append("</EndToEndId></Refs>");
            }
            if (entry.remittance() != null) {
                xml.append("<RmtInf><Ustrd>").append(entry.remittance()).append("</Ustrd></RmtInf>");
            }
            xml.append("</TxDtls></NtryDtls></Ntry>");
        }
        return xml.append("</Stmt></BkToCstmrStmt></Document>\n").toString();
    }

    private static void balance(StringBuilder xml, String code, String currency, long amount, LocalDate day) {
        xml.append("<Bal><Tp><CdOrPrtry><Cd>")
                .append(code)
                .append("</Cd></CdOrPrtry></Tp><Amt Ccy=\"")
                .append(currency)
                .append("\">")
                .append(decimal(amount))
                .append("</Amt><CdtDbtInd>")
                .append(amount >= 0 ? "CRDT" : "DBIT")
                .append("</CdtDbtInd><Dt><Dt>")
                .append(day)
                .append("</Dt></Dt></Bal>");
    }

    private static String decimal(long minor) {
        return BigDecimal.valueOf(Math.abs(minor), 2).toPlainString();
    }
}
