package dev.pacioli.platform;

/**
 * RFC 9457 problem documents: {@code type}, {@code title}, {@code status}, the stable {@code code},
 * {@code detail}, the {@code request_id} to quote to an operator, and for 400s every bad field.
 */
public final class Problems {
    public static final String TYPE_BASE = "https://pacioli.dev/problems/";
    public static final String CONTENT_TYPE = "application/problem+json";

    private Problems() {}

    public static byte[] write(ApiException e, String requestId) {
        try (JsonOutput out = new JsonOutput()) {
            out.json.writeStartObject();
            out.string("type", TYPE_BASE + e.code);
            out.string("title", title(e.code));
            out.number("status", e.status);
            out.string("code", e.code);
            // A detail or field may quote what the client sent; a lone surrogate would make it unwritable.
            out.string("detail", RequestReader.printable(e.getMessage()));
            if (requestId != null) {
                out.string("request_id", requestId);
            }
            for (var member : e.members.entrySet()) {
                if (member.getValue() instanceof Long number) {
                    out.number(member.getKey(), number.longValue());
                } else {
                    out.string(member.getKey(), RequestReader.printable((String) member.getValue()));
                }
            }
            if (!e.errors.isEmpty()) {
                out.json.writeName("errors");
                out.json.writeStartArray();
                for (FieldError error : e.errors) {
                    out.json.writeStartObject();
                    out.string("field", RequestReader.printable(error.field()));
                    out.string("code", error.code());
                    out.string("detail", RequestReader.printable(error.detail()));
                    out.json.writeEndObject();
                }
                out.json.writeEndArray();
            }
            out.json.writeEndObject();
            return out.toBytes();
        }
    }

    /** A short human title from the code: {@code insufficient_funds} → {@code Insufficient funds}. */
    public static String title(String code) {
        String words = code.replace('_', ' ');
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }
}
