package dev.pacioli.payments.inbound;

/**
 * Why an inbound request was not accepted, as the API answers it (a problem code, always 401) and as
 * {@code pacioli_inbound_webhooks_total{outcome}} counts it. Nothing else is recorded for a refused
 * request: a forger must not be able to fill our storage.
 *
 * <p>{@link #STALE_TIMESTAMP} is given only to a request whose signature is good: a request that is
 * both forged and old is a forgery, and is counted as one.
 */
public enum Refusal {
    /** A bad, missing, malformed or unverifiable signature, or no secret configured. */
    INVALID_SIGNATURE("invalid_signature", "bad_signature"),
    /** A good signature over a timestamp outside the window: a replay, or a sender's clock that is off. */
    STALE_TIMESTAMP("stale_timestamp", "stale");

    /** The HTTP status of every refusal: the request did not prove who sent it. */
    public static final int STATUS = 401;

    private final String problemCode;
    private final String metricOutcome;

    Refusal(String problemCode, String metricOutcome) {
        this.problemCode = problemCode;
        this.metricOutcome = metricOutcome;
    }

    /** The problem document's code. */
    public String problemCode() {
        return problemCode;
    }

    /** The {@code outcome} label of {@code pacioli_inbound_webhooks_total}. */
    public String metricOutcome() {
        return metricOutcome;
    }

    public int status() {
        return STATUS;
    }
}
