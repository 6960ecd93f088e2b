package dev.pacioli.payments.rails;

/**
 * No answer to act on. {@link #outcomeUnknown()} says whether the provider may have received the
 * request (a timeout, a reset, a 5xx after sending): then the worker must ask for the status before it
 * sends anything again. When false, nothing reached the provider (the breaker was open, the outbound
 * policy refused the target, the connection was refused).
 */
public final class RailException extends Exception {
    private final boolean outcomeUnknown;

    public RailException(String message, boolean outcomeUnknown, Throwable cause) {
        super(message, cause);
        this.outcomeUnknown = outcomeUnknown;
    }

    public boolean outcomeUnknown() {
        return outcomeUnknown;
    }
}
