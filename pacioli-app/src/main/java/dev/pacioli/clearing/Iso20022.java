package dev.pacioli.clearing;

import com.prowidesoftware.swift.model.mx.MxPacs00200110;
import com.prowidesoftware.swift.model.mx.MxPacs00800108;
import com.prowidesoftware.swift.model.mx.dic.BranchAndFinancialInstitutionIdentification6;
import com.prowidesoftware.swift.model.mx.dic.CreditTransferTransaction39;
import com.prowidesoftware.swift.model.mx.dic.FIToFIPaymentStatusReportV10;
import com.prowidesoftware.swift.model.mx.dic.GroupHeader91;
import com.prowidesoftware.swift.model.mx.dic.OriginalGroupHeader17;
import com.prowidesoftware.swift.model.mx.dic.PartyIdentification135;
import com.prowidesoftware.swift.model.mx.dic.PaymentTransaction110;
import com.prowidesoftware.swift.model.mx.dic.StatusReason6Choice;
import com.prowidesoftware.swift.model.mx.dic.StatusReasonInformation12;
import dev.pacioli.ledger.Limits;
import dev.pacioli.platform.ApiException;
import dev.pacioli.postgres.Transactions;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.w3c.dom.Document;

/**
 * ISO 20022 in and out (clearing.md, ISO 20022): a {@code pacs.008.001.08} becomes obligations, one per
 * {@code CdtTrfTxInf}, through the same intake as JSON; the answer is a {@code pacs.002.001.10} with one
 * {@code TxInfAndSts} per transaction. Order of work: parse securely (no DTD, no entity), validate
 * against the schema (400 naming the element), then map with the library's model, take the obligations,
 * and keep the report by {@code MsgId} so the same message answers the same report with no second
 * effect, and the same {@code MsgId} with other content is 409.
 *
 * <p>Reason codes: {@code AM04} net debit cap, {@code RC01} an agent no participant has as its BIC (or
 * a suspended one), {@code AC01} no settlement account in the currency, {@code AM02} an amount not
 * allowed (more decimals than the asset's scale, not positive, too large), {@code AM05} an id taken by
 * another obligation, {@code RR04} rejected by screening, {@code DS02} canceled, {@code FF01} a transaction
 * with neither a UETR nor a TxId that is an id.
 */
public final class Iso20022 {
    public static final String XML = "application/xml";
    static final String PACS_008_NAME = "pacs.008.001.08";

    private final IsoSchemas schemas = new IsoSchemas();
    private final ClearingStore store;
    private final Intake intake;
    private final Function<String, Integer> scales;

    /** @param scales the scale of an asset code, or null when there is no such asset */
    public Iso20022(ClearingStore store, Intake intake, Function<String, Integer> scales) {
        this.store = store;
        this.intake = intake;
        this.scales = scales;
    }

    IsoSchemas schemas() {
        return schemas;
    }

    /** One transaction's answer: its ids, and its status and reason code. */
    record Status(String endToEndId, String transactionId, String uetr, String status, String reason) {}

    /** Takes a pacs.008; answers the pacs.002 (bytes of UTF-8 XML). */
    public byte[] take(String ledger, byte[] body, String principal) {
        String xml = new String(body, StandardCharsets.UTF_8);
        Document document;
        try {
            document = IsoSchemas.parse(xml);
        } catch (IsoSchemas.Invalid e) {
            throw new ApiException(400, "malformed_xml", "the body is not acceptable XML: " + e.getMessage());
        }
        String namespace = document.getDocumentElement().getNamespaceURI();
        if (!IsoSchemas.PACS_008.equals(namespace)) {
            throw new ApiException(
                    400, "schema_invalid", "the document is not a " + PACS_008_NAME + " (namespace " + namespace + ")");
        }
        try {
            IsoSchemas.validate(schemas.pacs008(), document);
        } catch (IsoSchemas.Invalid e) {
            throw new ApiException(
                    400, "schema_invalid", "the message breaks the " + PACS_008_NAME + " schema: " + e.getMessage());
        }
        MxPacs00800108 message = MxPacs00800108.parse(xml);
        String messageId = message.getFIToFICstmrCdtTrf().getGrpHdr().getMsgId();
        String hash = sha256(body);
        Optional<byte[]> replay = stored(ledger, messageId, hash);
        if (replay.isPresent()) {
            return replay.get();
        }
        List<Status> statuses = statuses(ledger, message.getFIToFICstmrCdtTrf().getCdtTrfTxInf(), principal);
        byte[] report = report(messageId, hash, statuses);
        return keep(ledger, messageId, hash, report);
    }

    private List<Status> statuses(String ledger, List<CreditTransferTransaction39> transactions, String principal) {
        List<Status> statuses = new ArrayList<>(transactions.size());
        List<ObligationRequest> requests = new ArrayList<>();
        List<Integer> requestAt = new ArrayList<>();
        for (CreditTransferTransaction39 transaction : transactions) {
            String endToEnd = transaction.getPmtId().getEndToEndId();
            String txId = transaction.getPmtId().getTxId();
            String uetr = transaction.getPmtId().getUETR();
            Object mapped = map(ledger, transaction);
            if (mapped instanceof String reason) {
                statuses.add(new Status(endToEnd, txId, uetr, "RJCT", reason));
            } else {
                requestAt.add(statuses.size());
                statuses.add(null);
                requests.add((ObligationRequest) mapped);
            }
        }
        if (!requests.isEmpty()) {
            List<Intake.Outcome> outcomes = intake.take(ledger, requests, principal);
            for (int i = 0; i < outcomes.size(); i++) {
                CreditTransferTransaction39 transaction = transactions.get(requestAt.get(i));
                Intake.Outcome outcome = outcomes.get(i);
                String status = outcome.failure() != null
                        ? "RJCT"
                        : outcome.obligation().status() == ObligationStatus.HELD ? "PDNG" : "ACCP";
                String reason = outcome.failure() == null ? null : reason(outcome.failure().code);
                statuses.set(
                        requestAt.get(i),
                        new Status(
                                transaction.getPmtId().getEndToEndId(),
                                transaction.getPmtId().getTxId(),
                                transaction.getPmtId().getUETR(),
                                status,
                                reason));
            }
        }
        return statuses;
    }

    /** An obligation request, or the reason code that rejects the transaction before intake. */
    private Object map(String ledger, CreditTransferTransaction39 transaction) {
        String id = transaction.getPmtId().getUETR() != null
                ? transaction.getPmtId().getUETR()
                : transaction.getPmtId().getTxId();
        if (id == null || !Limits.isIdentifier(id)) {
            return "FF01";
        }
        Optional<Participant> debtor = byBic(ledger, transaction.getDbtrAgt());
        Optional<Participant> creditor = byBic(ledger, transaction.getCdtrAgt());
        if (debtor.isEmpty() || creditor.isEmpty()) {
            return "RC01";
        }
        BigDecimal amount = transaction.getIntrBkSttlmAmt().getValue();
        String asset = transaction.getIntrBkSttlmAmt().getCcy();
        Integer scale = asset == null ? null : scales.apply(asset);
        if (scale == null) {
            return "AC01";
        }
        long minor;
        try {
            minor = amount.movePointRight(scale).longValueExact();
        } catch (ArithmeticException e) {
            return "AM02";
        }
        if (minor <= 0) {
            return "AM02";
        }
        String reference = transaction.getRmtInf() != null
                        && !transaction.getRmtInf().getUstrd().isEmpty()
                ? transaction.getRmtInf().getUstrd().getFirst()
                : transaction.getPmtId().getEndToEndId();
        return new ObligationRequest(
                id,
                debtor.get().id(),
                creditor.get().id(),
                minor,
                asset,
                clip(reference),
                clip(name(transaction.getDbtr())),
                clip(name(transaction.getCdtr())));
    }

    private Optional<Participant> byBic(String ledger, BranchAndFinancialInstitutionIdentification6 agent) {
        if (agent == null
                || agent.getFinInstnId() == null
                || agent.getFinInstnId().getBICFI() == null) {
            return Optional.empty();
        }
        return store.participantByBic(ledger, agent.getFinInstnId().getBICFI());
    }

    private static String name(PartyIdentification135 party) {
        return party == null ? null : party.getNm();
    }

    private static String clip(String text) {
        return text == null || text.length() <= ObligationRequest.TEXT_LENGTH_MAX
                ? text
                : text.substring(0, ObligationRequest.TEXT_LENGTH_MAX);
    }

    /** The ISO reason code of an intake refusal. */
    static String reason(String code) {
        return switch (code) {
            case "net_debit_cap_exceeded" -> "AM04";
            case "participant_not_found", "participant_suspended", "same_participant" -> "RC01";
            case "asset_mismatch" -> "AC01";
            case "obligation_exists_with_different_fields" -> "AM05";
            case "screening" -> "RR04";
            case "canceled" -> "DS02";
            default -> "AM02";
        };
    }

    /** The pacs.002 of the message; its own MsgId follows from the message's content, so a replay is identical. */
    byte[] report(String messageId, String hash, List<Status> statuses) {
        FIToFIPaymentStatusReportV10 report = new FIToFIPaymentStatusReportV10()
                .setGrpHdr(new GroupHeader91()
                        .setMsgId("PACIOLI-" + hash.substring(0, 24).toUpperCase(Locale.ROOT))
                        .setCreDtTm(OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS)))
                .addOrgnlGrpInfAndSts(
                        new OriginalGroupHeader17().setOrgnlMsgId(messageId).setOrgnlMsgNmId(PACS_008_NAME));
        for (Status status : statuses) {
            report.addTxInfAndSts(transaction(status));
        }
        return new MxPacs00200110().setFIToFIPmtStsRpt(report).message().getBytes(StandardCharsets.UTF_8);
    }

    static PaymentTransaction110 transaction(Status status) {
        PaymentTransaction110 transaction = new PaymentTransaction110()
                .setOrgnlEndToEndId(status.endToEndId())
                .setOrgnlTxId(status.transactionId())
                .setOrgnlUETR(status.uetr())
                .setTxSts(status.status());
        if (status.reason() != null) {
            transaction.addStsRsnInf(
                    new StatusReasonInformation12().setRsn(new StatusReason6Choice().setCd(status.reason())));
        }
        return transaction;
    }

    /** The pacs.002 of one obligation as it stands now ({@code ACSC} once settled). */
    public byte[] statusOf(Obligation obligation) {
        String status = switch (obligation.status()) {
            case SETTLED -> "ACSC";
            case ACCEPTED, NETTED -> "ACCP";
            case HELD -> "PDNG";
            case REJECTED, CANCELED -> "RJCT";
        };
        String reason = switch (obligation.status()) {
            case REJECTED -> reason(obligation.reason() == null ? "screening" : obligation.reason());
            case CANCELED -> "DS02";
            default -> null;
        };
        FIToFIPaymentStatusReportV10 report = new FIToFIPaymentStatusReportV10()
                .setGrpHdr(new GroupHeader91()
                        .setMsgId(("PACIOLI-" + sha256(obligation.id().getBytes(StandardCharsets.UTF_8)))
                                .substring(0, 32)
                                .toUpperCase(Locale.ROOT))
                        .setCreDtTm(OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS)))
                .addTxInfAndSts(
                        transaction(new Status(obligation.reference(), null, uetr(obligation.id()), status, reason)));
        return new MxPacs00200110().setFIToFIPmtStsRpt(report).message().getBytes(StandardCharsets.UTF_8);
    }

    private static String uetr(String id) {
        return id.matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}") ? id : null;
    }

    private Optional<byte[]> stored(String ledger, String messageId, String hash) {
        return Transactions.run(store.dataSource(), "could not read an ISO 20022 message", connection -> {
            try (var select = connection.prepareStatement(
                    "select content_hash, report from clearing_iso_messages where ledger = ? and message_id = ?")) {
                select.setString(1, ledger);
                select.setString(2, messageId);
                try (var row = select.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    if (!row.getString(1).equals(hash)) {
                        throw new ApiException(
                                409,
                                "message_exists_with_different_content",
                                "a message with MsgId " + messageId + " and other content was taken before");
                    }
                    return Optional.of(row.getBytes(2));
                }
            }
        });
    }

    /** Keeps the report; a concurrent copy of the same message may have kept its own first: that one answers. */
    private byte[] keep(String ledger, String messageId, String hash, byte[] report) {
        Transactions.run(store.dataSource(), "could not keep an ISO 20022 report", connection -> {
            try (var insert = connection.prepareStatement("insert into clearing_iso_messages"
                    + " (ledger, message_id, content_hash, report) values (?, ?, ?, ?) on conflict do nothing")) {
                insert.setString(1, ledger);
                insert.setString(2, messageId);
                insert.setString(3, hash);
                insert.setBytes(4, report);
                insert.executeUpdate();
            }
            return null;
        });
        return stored(ledger, messageId, hash).orElseThrow();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
