package dev.pacioli.payments.rails;

import dev.pacioli.platform.RequestReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The rail protocol's bodies (docs/payments-rails.md): the transfer we send, and the transfer a provider
 * answers with. Reading is strict where a wrong reading could move money the wrong way (the id must be
 * the one asked about, the status one of three words) and lenient elsewhere (unknown fields are ignored,
 * so a provider may send more).
 */
final class RailJson {
    /** The longest provider reference taken; a longer one is an unreadable answer, never cut. */
    static final int PROVIDER_REFERENCE_LENGTH_MAX = 255;

    /** The longest failure reason kept; a longer one is shortened (it is for people). */
    static final int FAILURE_REASON_LENGTH_MAX = 500;

    private RailJson() {}

    /**
     * {@code {"id", "amount", "asset", "destination", "metadata"}}, the destination embedded as the
     * object it is. A destination that is not a JSON object is a bug upstream (payouts validate it).
     */
    static byte[] transfer(TransferRequest request) {
        JsonNode destination;
        try {
            destination = RequestReader.MAPPER.readTree(request.destination());
        } catch (JacksonException | IllegalArgumentException e) {
            throw new IllegalArgumentException("transfer " + request.id() + ": the destination is not JSON", e);
        }
        if (destination == null || !destination.isObject()) {
            throw new IllegalArgumentException("transfer " + request.id() + ": the destination is not a JSON object");
        }
        ObjectNode body = RequestReader.MAPPER.createObjectNode();
        body.put("id", request.id());
        body.put("amount", request.amount());
        body.put("asset", request.asset());
        body.set("destination", destination);
        ObjectNode metadata = body.putObject("metadata");
        for (Map.Entry<String, String> entry : request.metadata().entrySet()) {
            metadata.put(entry.getKey(), entry.getValue());
        }
        return RequestReader.MAPPER.writeValueAsBytes(body);
    }

    /**
     * A provider's transfer, {@code {"id", "status", "provider_reference", "failure_reason"}}, about the
     * transfer {@code expectedId}.
     *
     * @throws IllegalArgumentException naming what is wrong, when the body is not such a transfer
     */
    static TransferResult result(String expectedId, byte[] body) {
        JsonNode node;
        try {
            node = RequestReader.MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the body is not JSON");
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("the body is not a JSON object");
        }
        String id = text(node, "id");
        if (!expectedId.equals(id)) {
            throw new IllegalArgumentException("the body is about transfer '" + id + "', not '" + expectedId + "'");
        }
        String status = text(node, "status");
        TransferResult.Status parsed = switch (status == null ? "" : status) {
            case "pending" -> TransferResult.Status.PENDING;
            case "paid" -> TransferResult.Status.PAID;
            case "failed" -> TransferResult.Status.FAILED;
            default ->
                throw new IllegalArgumentException("the status '" + status + "' is not one of pending, paid, failed");
        };
        String reference = text(node, "provider_reference");
        if (reference != null && reference.length() > PROVIDER_REFERENCE_LENGTH_MAX) {
            throw new IllegalArgumentException(
                    "the provider_reference is longer than " + PROVIDER_REFERENCE_LENGTH_MAX + " characters");
        }
        String reason = shortened(text(node, "failure_reason"));
        if (parsed == TransferResult.Status.FAILED && reason == null) {
            reason = "the provider gave no reason";
        }
        return new TransferResult(expectedId, parsed, reference, reason);
    }

    /** {@code {"id", "from_asset", "to_asset", "from_amount"}}. */
    static byte[] conversion(ConversionRequest request) {
        ObjectNode body = RequestReader.MAPPER.createObjectNode();
        body.put("id", request.id());
        body.put("from_asset", request.fromAsset());
        body.put("to_asset", request.toAsset());
        body.put("from_amount", request.fromAmount());
        return RequestReader.MAPPER.writeValueAsBytes(body);
    }

    /**
     * A provider's conversion, {@code {"id", "status", "to_amount", "rate"}}: the id must be the one
     * asked about, a completed one must carry a whole non-negative {@code to_amount} and a {@code rate}
     * that is an exact decimal string.
     */
    static ConversionResult conversionResult(String expectedId, byte[] body) {
        JsonNode node;
        try {
            node = RequestReader.MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the body is not JSON");
        }
        if (node == null || !node.isObject() || !expectedId.equals(text(node, "id"))) {
            throw new IllegalArgumentException("the body is not a conversion about '" + expectedId + "'");
        }
        String status = text(node, "status");
        ConversionResult.Status parsed = switch (status == null ? "" : status) {
            case "pending" -> ConversionResult.Status.PENDING;
            case "completed" -> ConversionResult.Status.COMPLETED;
            case "failed" -> ConversionResult.Status.FAILED;
            default ->
                throw new IllegalArgumentException(
                        "the status '" + status + "' is not one of pending, completed, failed");
        };
        if (parsed != ConversionResult.Status.COMPLETED) {
            String reason = shortened(text(node, "failure_reason"));
            return new ConversionResult(
                    expectedId,
                    parsed,
                    null,
                    null,
                    parsed == ConversionResult.Status.FAILED && reason == null
                            ? "the provider gave no reason"
                            : reason);
        }
        JsonNode amount = node.get("to_amount");
        if (amount == null || !amount.isIntegralNumber() || !amount.canConvertToLong() || amount.longValue() < 0) {
            throw new IllegalArgumentException("a completed conversion's to_amount is a whole number of minor units");
        }
        String rate = text(node, "rate");
        if (rate == null || !rate.matches("[0-9]{1,18}(\\.[0-9]{1,18})?")) {
            throw new IllegalArgumentException("a completed conversion's rate is an exact decimal string");
        }
        return new ConversionResult(expectedId, parsed, amount.longValue(), rate, null);
    }

    /** The {@code failure_reason} of a refusal's body, when it is a JSON object that has one; else null. */
    static String failureReason(byte[] body) {
        try {
            JsonNode node = RequestReader.MAPPER.readTree(body);
            return node != null && node.isObject() ? shortened(text(node, "failure_reason")) : null;
        } catch (JacksonException | IllegalArgumentException e) {
            return null;
        }
    }

    /** The start of a body as text for people: printable characters only, shortened. */
    static String excerpt(byte[] body, int lengthMax) {
        String text = new String(body, 0, Math.min(body.length, lengthMax * 4), StandardCharsets.UTF_8)
                .replaceAll("\\p{Cntrl}", " ")
                .strip();
        return text.length() <= lengthMax ? text : text.substring(0, lengthMax - 1) + "…";
    }

    /** A string field, null when absent or JSON null; anything else is an unreadable body. */
    private static String text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw new IllegalArgumentException("the field " + name + " is not a string");
        }
        return value.stringValue();
    }

    private static String shortened(String reason) {
        if (reason == null || reason.isBlank()) {
            return null;
        }
        String text = reason.replaceAll("\\p{Cntrl}", " ").strip();
        return text.length() <= FAILURE_REASON_LENGTH_MAX
                ? text
                : text.substring(0, FAILURE_REASON_LENGTH_MAX - 1) + "…";
    }
}
