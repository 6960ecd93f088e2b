package dev.pacioli.platform.connectors;

import java.io.IOException;

/** The outbound policy refused a target: nothing was sent. The message names the host and why. */
public final class OutboundRefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    public OutboundRefusedException(String message) {
        super(message);
    }
}
