package dev.pacioli.platform;

/** One bad field of a request: its path ({@code postings[0].amount}, or a query parameter's name). */
public record FieldError(String field, String code, String detail) {
    public static final String REQUIRED = "required";
    public static final String INVALID_TYPE = "invalid_type";
    public static final String INVALID_FORMAT = "invalid_format";
    public static final String INVALID_AMOUNT = "invalid_amount";
    public static final String OUT_OF_RANGE = "out_of_range";
    public static final String TOO_LONG = "too_long";
    public static final String TOO_MANY = "too_many";
    public static final String UNKNOWN_FIELD = "unknown_field";
    public static final String INVALID_VALUE = "invalid_value";
    /** A string storage cannot hold as sent: U+0000 or a lone surrogate. */
    public static final String INVALID_STRING = "invalid_string";
}
