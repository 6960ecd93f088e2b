package dev.pacioli.platform.connectors;

import java.io.IOException;

/** The connector's breaker is open (or half-open with its trial calls taken): nothing was sent. */
public final class CircuitOpenException extends IOException {
    private static final long serialVersionUID = 1L;

    public CircuitOpenException(String connector) {
        super("connector " + connector + " is open: nothing was sent");
    }
}
