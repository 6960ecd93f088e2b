package dev.pacioli.payments.inbound;

import java.util.Optional;

/**
 * What the bodies a connector receives are: the connector's {@code inbound.kind}. The two must never
 * be confused, since an event reports what happened to money while an instruction asks for money to
 * move; so mapping ({@link InboundMapper}) takes the kind and refuses to read an instruction as an
 * event.
 */
public enum InboundKind {
    /** Provider events: what happened to a payout or a deposit. Mapped to {@link InboundEvent}. */
    EVENTS("events"),
    /** Payout requests from a trusted upstream system; verified here, read by the payouts' own reader. */
    INSTRUCTIONS("instructions");

    private final String code;

    InboundKind(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The kind of an API code; empty for a code we do not know. */
    public static Optional<InboundKind> fromCode(String code) {
        for (InboundKind kind : values()) {
            if (kind.code.equals(code)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
