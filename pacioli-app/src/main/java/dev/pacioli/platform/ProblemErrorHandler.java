package dev.pacioli.platform;

import java.nio.ByteBuffer;
import java.util.UUID;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's answer to requests it refuses before any route sees them (a malformed request line, a URI
 * or headers over its limits, a request arriving while the server stops): a problem document like
 * every other error of the API, not an HTML page, that says the connection closes.
 */
public final class ProblemErrorHandler extends ErrorHandler {
    /** Every method gets the problem document; Jetty's default writes a body only for GET, POST and HEAD. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(
            Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        String problemCode = switch (code) {
            case 400 -> "malformed_request";
            case 413 -> "body_too_large";
            case 414 -> "uri_too_long";
            case 431 -> "headers_too_large";
            case 503 -> "not_ready"; // the server is stopping
            default -> code >= 500 ? "internal_error" : "malformed_request";
        };
        String requestId = UUID.randomUUID().toString();
        String detail = "the HTTP server refused the request" + (message == null ? "" : ": " + message);
        byte[] body = Problems.write(new ApiException(code, problemCode, detail), requestId);
        response.setStatus(code);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/problem+json");
        response.getHeaders().put("X-Request-Id", requestId);
        // Jetty closes the connection after a request it could not parse; without saying so, a client
        // would return the connection to its pool and lose the next request sent on it (RFC 9112, 9.6).
        response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
