package dev.pacioli.platform.connectors;

import java.io.IOException;

/** No connection within the connect timeout, or no whole answer within the read timeout after it. */
public final class ConnectorTimeoutException extends IOException {
    private static final long serialVersionUID = 1L;

    public ConnectorTimeoutException(String message) {
        super(message);
    }
}
