package dev.pacioli.payments.payouts;

import dev.pacioli.ledger.Limits;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.platform.FieldError;
import dev.pacioli.platform.RequestReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A payout as asked for: {@code POST /v1/ledgers/{ledger}/payouts}, or an instruction's body. Read and
 * checked here, once, for both.
 *
 * @param destination the destination's fields, sorted by name (all strings)
 */
public record PayoutRequest(
        String ledger,
        String id,
        String source,
        long amount,
        String asset,
        String connector,
        Map<String, String> destination,
        Long feeAmount,
        String feeAccount,
        Metadata metadata,
        String description) {
    /** Payout ids leave room in the ledger's transaction ids ({@code payout:<id>:reserve}). */
    public static final int ID_LENGTH_MAX = 100;

    public static final int DESTINATION_FIELD_LENGTH_MAX = 256;

    /** The fields of a payout request's body. */
    public static final List<String> FIELDS = List.of(
            "id",
            "source",
            "amount",
            "asset",
            "connector",
            "destination",
            RequestReader.orNull("fee"),
            "metadata",
            RequestReader.orNull("description"));

    private static final String[] DESTINATION_FIELDS = {
        "type", "address", "network", "name", "country", "iban", "bic", "account_number", "routing_number", "id"
    };

    public PayoutRequest {
        destination = Map.copyOf(new TreeMap<>(destination));
    }

    /**
     * Reads the fields of a payout request from {@code body} (its other fields are the caller's: an
     * instruction's {@code ledger}); errors are recorded in the body's reader, which the caller finishes.
     */
    public static PayoutRequest read(String ledger, RequestReader.Fields body) {
        String id = body.identifier("id", true);
        if (id != null && id.length() > ID_LENGTH_MAX) {
            body.reader().add("id", FieldError.TOO_LONG, "is longer than " + ID_LENGTH_MAX + " characters");
        }
        String source = body.identifier("source", true);
        long amount = body.amount("amount", true);
        String asset = body.assetCode("asset");
        String connector = body.string("connector", true, 64);
        Map<String, String> destination = destination(body);
        RequestReader.Fields fee = body.has("fee") ? body.object("fee", false, "amount", "account") : null;
        Long feeAmount = fee == null ? null : fee.amount("amount", true);
        String feeAccount = fee == null ? null : fee.identifier("account", true);
        Metadata metadata = body.metadata("metadata");
        String description = body.string("description", false, Limits.DESCRIPTION_LENGTH_MAX);
        return new PayoutRequest(
                ledger,
                id,
                source,
                amount,
                asset,
                connector,
                destination,
                feeAmount,
                feeAccount,
                metadata,
                description);
    }

    private static Map<String, String> destination(RequestReader.Fields body) {
        RequestReader.Fields fields = body.object("destination", true, DESTINATION_FIELDS);
        Map<String, String> destination = new TreeMap<>();
        if (fields == null) {
            return destination;
        }
        for (String name : DESTINATION_FIELDS) {
            String value = fields.string(name, name.equals("type"), DESTINATION_FIELD_LENGTH_MAX);
            if (value != null) {
                destination.put(name, value);
            }
        }
        String type = destination.get("type");
        String problem = type == null ? null : destinationProblem(type, destination);
        if (problem != null) {
            body.reader().add(body.path("destination"), FieldError.INVALID_VALUE, problem);
        }
        return destination;
    }

    /** What is missing from a destination of this type, or null. */
    static String destinationProblem(String type, Map<String, String> destination) {
        return switch (type) {
            case "wallet_address" -> destination.containsKey("address") ? null : "a wallet_address needs an address";
            case "bank_account" ->
                destination.containsKey("iban")
                                || (destination.containsKey("account_number")
                                        && destination.containsKey("routing_number"))
                        ? null
                        : "a bank_account needs an iban, or an account_number and a routing_number";
            case "external_id" -> destination.containsKey("id") ? null : "an external_id destination needs an id";
            default -> "type must be wallet_address, bank_account or external_id";
        };
    }

    /** The destination as canonical JSON text: its fields sorted by name. */
    public String destinationJson() {
        return RequestReader.MAPPER.writeValueAsString(destination);
    }

    /**
     * SHA-256 (hex) of the canonical form of everything that decides where money goes: ledger, source,
     * amount, asset, connector, destination, fee. An approver approves exactly this.
     */
    public String payloadHash() {
        Map<String, Object> payload = new TreeMap<>();
        payload.put("ledger", ledger);
        payload.put("source", source);
        payload.put("amount", amount);
        payload.put("asset", asset);
        payload.put("connector", connector);
        payload.put("destination", destination);
        payload.put(
                "fee", feeAmount == null ? null : new TreeMap<>(Map.of("amount", feeAmount, "account", feeAccount)));
        return sha256(RequestReader.MAPPER.writeValueAsString(payload));
    }

    /** SHA-256 (hex) of the whole request in canonical form: a replay has the same, another request not. */
    public String requestHash() {
        Map<String, Object> request = new TreeMap<>();
        request.put("payload", payloadHash());
        request.put("id", id);
        request.put("metadata", new TreeMap<>(metadata.values()));
        request.put("description", description);
        return sha256(RequestReader.MAPPER.writeValueAsString(request));
    }

    public static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
