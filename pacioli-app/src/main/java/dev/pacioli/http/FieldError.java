package dev.pacioli.http;

/** One bad field of a request: its path ({@code postings[0].amount}, or a query parameter's name). */
record FieldError(String field, String code, String detail) {
    static final String REQUIRED = "required";
    static final String INVALID_TYPE = "invalid_type";
    static final String INVALID_FORMAT = "invalid_format";
    static final String INVALID_AMOUNT = "invalid_amount";
    static final String OUT_OF_RANGE = "out_of_range";
    static final String TOO_LONG = "too_long";
    static final String TOO_MANY = "too_many";
    static final String UNKNOWN_FIELD = "unknown_field";
    static final String INVALID_VALUE = "invalid_value";
    /** A string storage cannot hold as sent: U+0000 or a lone surrogate. */
    static final String INVALID_STRING = "invalid_string";
}
