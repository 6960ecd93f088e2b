package dev.pacioli.reconciliation;

import com.prowidesoftware.swift.model.mx.MxCamt05300108;
import com.prowidesoftware.swift.model.mx.dic.AccountStatement9;
import com.prowidesoftware.swift.model.mx.dic.ActiveOrHistoricCurrencyAndAmount;
import com.prowidesoftware.swift.model.mx.dic.CashBalance8;
import com.prowidesoftware.swift.model.mx.dic.CreditDebitCode;
import com.prowidesoftware.swift.model.mx.dic.DateAndDateTime2Choice;
import com.prowidesoftware.swift.model.mx.dic.EntryDetails9;
import com.prowidesoftware.swift.model.mx.dic.EntryTransaction10;
import com.prowidesoftware.swift.model.mx.dic.Party40Choice;
import com.prowidesoftware.swift.model.mx.dic.ReportEntry10;
import dev.pacioli.ledger.Asset;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;
import org.xml.sax.Attributes;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * ISO 20022 {@code camt.053.001.08} (BankToCustomerStatement) read with Prowide's model.
 *
 * <p>The file is first read by a SAX parser that refuses any DOCTYPE (so no DTD, no entity, internal or
 * external, can be declared) and checks the document's namespace; only a well-formed file of that one
 * message goes on to Prowide's binding. Then, per the contract: one {@code Stmt}; booked entries only
 * ({@code Sts/Cd} {@code BOOK}; pending and information entries are not money on the account); every
 * amount in the asset's currency with no more decimals than its scale; {@code OPBD} + credits − debits =
 * {@code CLBD}. A refusal names the element at fault as a path ({@code Stmt/Ntry[3]/Amt}).
 *
 * <p>A batch entry ({@code NtryDtls/TxDtls} more than once) whose transactions each carry an amount that
 * together make the entry's becomes one line per transaction ({@code external_id} the entry's with
 * {@code /1}, {@code /2}, …), so each can meet its own ledger entry; otherwise an entry is one line.
 */
public final class CamtStatements {
    public static final String NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08";

    private CamtStatements() {}

    public static StatementFile read(byte[] xml, Asset asset) {
        checkWellFormed(xml);
        MxCamt05300108 message = MxCamt05300108.parse(new String(xml, StandardCharsets.UTF_8));
        if (message == null || message.getBkToCstmrStmt() == null) {
            throw invalid("BkToCstmrStmt", "not a camt.053.001.08 BankToCustomerStatement");
        }
        List<AccountStatement9> statements = message.getBkToCstmrStmt().getStmt();
        if (statements.size() != 1) {
            throw invalid("Stmt", "a file holds one statement (Stmt); this one holds " + statements.size());
        }
        return statement(statements.getFirst(), asset);
    }

    private static StatementFile statement(AccountStatement9 statement, Asset asset) {
        CashBalance8 opening = balance(statement, "OPBD");
        CashBalance8 closing = balance(statement, "CLBD");
        long openingAmount = signed(opening.getAmt(), opening.getCdtDbtInd(), asset, balancePath(statement, opening));
        long closingAmount = signed(closing.getAmt(), closing.getCdtDbtInd(), asset, balancePath(statement, closing));
        LocalDate closingDate = date(closing.getDt(), balancePath(statement, closing) + "/Dt");
        List<StatementFile.Line> lines = new ArrayList<>();
        long total = openingAmount;
        for (int n = 0; n < statement.getNtry().size(); n++) {
            ReportEntry10 entry = statement.getNtry().get(n);
            String at = "Stmt/Ntry[" + (n + 1) + "]";
            if (entry.getSts() == null || !"BOOK".equals(entry.getSts().getCd())) {
                continue;
            }
            long amount = signed(entry.getAmt(), entry.getCdtDbtInd(), asset, at);
            total = Math.addExact(total, amount);
            lines.addAll(lines(entry, amount, asset, at));
            if (lines.size() > StatementFile.LINES_MAX) {
                throw new StatementFile.Refused(
                        "too_many_lines", at, at + ": a statement holds up to " + StatementFile.LINES_MAX + " lines");
            }
        }
        if (total != closingAmount) {
            throw new StatementFile.Refused(
                    "statement_does_not_balance",
                    balancePath(statement, closing),
                    "Stmt/Bal OPBD " + openingAmount + " + booked Stmt/Ntry amounts " + (total - openingAmount) + " = "
                            + total + " minor units, but Stmt/Bal CLBD is " + closingAmount);
        }
        return new StatementFile("camt.053.001.08", openingAmount, closingAmount, closingDate, lines);
    }

    private static CashBalance8 balance(AccountStatement9 statement, String code) {
        for (CashBalance8 balance : statement.getBal()) {
            if (balance.getTp() != null
                    && balance.getTp().getCdOrPrtry() != null
                    && code.equals(balance.getTp().getCdOrPrtry().getCd())) {
                return balance;
            }
        }
        throw invalid("Stmt/Bal", "no " + code + " balance (Bal/Tp/CdOrPrtry/Cd " + code + ")");
    }

    private static String balancePath(AccountStatement9 statement, CashBalance8 balance) {
        return "Stmt/Bal[" + (statement.getBal().indexOf(balance) + 1) + "]";
    }

    private static List<StatementFile.Line> lines(ReportEntry10 entry, long amount, Asset asset, String at) {
        String externalId = entry.getAcctSvcrRef() != null ? entry.getAcctSvcrRef() : entry.getNtryRef();
        LocalDate booked = date(entry.getBookgDt(), at + "/BookgDt");
        LocalDate valued = entry.getValDt() == null ? null : date(entry.getValDt(), at + "/ValDt");
        List<EntryTransaction10> transactions = new ArrayList<>();
        for (EntryDetails9 details : entry.getNtryDtls()) {
            transactions.addAll(details.getTxDtls());
        }
        if (transactions.size() > 1 && transactions.stream().allMatch(transaction -> transaction.getAmt() != null)) {
            List<StatementFile.Line> lines = new ArrayList<>();
            long sum = 0;
            for (int k = 0; k < transactions.size(); k++) {
                EntryTransaction10 transaction = transactions.get(k);
                String path = at + "/NtryDtls/TxDtls[" + (k + 1) + "]/Amt";
                CreditDebitCode indicator =
                        transaction.getCdtDbtInd() != null ? transaction.getCdtDbtInd() : entry.getCdtDbtInd();
                long part = signed(transaction.getAmt(), indicator, asset, path);
                sum += part;
                String id = externalId == null ? null : externalId + "/" + (k + 1);
                lines.add(line(id, booked, valued, part, transaction, entry));
            }
            if (sum != amount) {
                throw invalid(
                        at + "/NtryDtls", "the batch's TxDtls amounts sum to " + sum + ", the entry is " + amount);
            }
            return lines;
        }
        EntryTransaction10 only = transactions.size() == 1 ? transactions.getFirst() : null;
        return List.of(line(externalId, booked, valued, amount, only, entry));
    }

    private static StatementFile.Line line(
            String externalId,
            LocalDate booked,
            LocalDate valued,
            long amount,
            EntryTransaction10 transaction,
            ReportEntry10 entry) {
        String reference = null;
        String endToEndId = null;
        String counterparty = null;
        String description = entry.getAddtlNtryInf();
        if (transaction != null) {
            if (transaction.getRmtInf() != null
                    && !transaction.getRmtInf().getUstrd().isEmpty()) {
                reference = String.join(" ", transaction.getRmtInf().getUstrd());
            }
            if (transaction.getRefs() != null
                    && !"NOTPROVIDED".equals(transaction.getRefs().getEndToEndId())) {
                endToEndId = transaction.getRefs().getEndToEndId();
            }
            if (transaction.getRltdPties() != null) {
                Party40Choice party = amount >= 0
                        ? transaction.getRltdPties().getDbtr()
                        : transaction.getRltdPties().getCdtr();
                counterparty = party == null || party.getPty() == null
                        ? null
                        : party.getPty().getNm();
            }
            if (transaction.getAddtlTxInf() != null) {
                description = transaction.getAddtlTxInf();
            }
        }
        return new StatementFile.Line(
                externalId, booked, valued, amount, reference, endToEndId, counterparty, description);
    }

    private static long signed(
            ActiveOrHistoricCurrencyAndAmount amount, CreditDebitCode indicator, Asset asset, String at) {
        if (amount == null || amount.getValue() == null) {
            throw invalid(at + "/Amt", "no amount");
        }
        if (!asset.code().equals(amount.getCcy())) {
            throw new StatementFile.Refused(
                    "currency_mismatch",
                    at + "/Amt",
                    at + "/Amt is in " + amount.getCcy() + "; the account holds " + asset.code());
        }
        if (indicator == null) {
            throw invalid(at + "/CdtDbtInd", "no credit or debit indicator");
        }
        if (amount.getValue().signum() < 0) {
            throw invalid(at + "/Amt", "amounts are not negative; CdtDbtInd gives the direction");
        }
        long minor = StatementFile.minorUnits(amount.getValue(), asset.scale(), at + "/Amt");
        return indicator == CreditDebitCode.CRDT ? minor : -minor;
    }

    private static LocalDate date(DateAndDateTime2Choice choice, String at) {
        if (choice != null && choice.getDt() != null) {
            return choice.getDt();
        }
        if (choice != null && choice.getDtTm() != null) {
            return choice.getDtTm().withOffsetSameInstant(ZoneOffset.UTC).toLocalDate();
        }
        throw invalid(at, "no date (Dt or DtTm)");
    }

    private static StatementFile.Refused invalid(String at, String message) {
        return new StatementFile.Refused("invalid_statement", at, at + ": " + message);
    }

    /** Well-formed, no DOCTYPE, and a Document of camt.053.001.08; a refusal names the line and column. */
    private static void checkWellFormed(byte[] xml) {
        String[] namespace = new String[1];
        try {
            SAXParserFactory factory = SAXParserFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setXIncludeAware(false);
            factory.newSAXParser().parse(new ByteArrayInputStream(xml), new DefaultHandler() {
                @Override
                public void startElement(String uri, String local, String qualified, Attributes attributes) {
                    if (namespace[0] == null) {
                        namespace[0] = uri + " " + local;
                    }
                }
            });
        } catch (SAXParseException e) {
            throw new StatementFile.Refused(
                    "invalid_statement",
                    "line " + e.getLineNumber() + ", column " + e.getColumnNumber(),
                    "malformed XML at line " + e.getLineNumber() + ", column " + e.getColumnNumber() + ": "
                            + e.getMessage());
        } catch (SAXException | IOException | ParserConfigurationException e) {
            throw invalid("Document", "unreadable XML: " + e.getMessage());
        }
        if (!(NAMESPACE + " Document").equals(namespace[0])) {
            throw invalid("Document", "the root is not a Document in " + NAMESPACE);
        }
    }
}
