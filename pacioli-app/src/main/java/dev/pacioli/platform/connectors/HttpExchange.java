package dev.pacioli.platform.connectors;

import java.net.URI;
import java.util.Locale;
import java.util.Map;

/** One HTTP request a connector sends and the answer it got. */
public final class HttpExchange {
    private HttpExchange() {}

    /**
     * A request: {@code body} null for none. Redirects are never followed (a redirect could point
     * anywhere; the answer is returned as it is).
     */
    public record Request(String method, URI url, Map<String, String> headers, String contentType, byte[] body) {
        public Request {
            headers = Map.copyOf(headers);
        }

        public static Request post(URI url, Map<String, String> headers, String contentType, byte[] body) {
            return new Request("POST", url, headers, contentType, body);
        }

        public static Request get(URI url, Map<String, String> headers) {
            return new Request("GET", url, headers, null, null);
        }
    }

    /**
     * An answer: its status, its headers (names in lower case, the first value of each) and up to
     * {@link #BODY_BYTES_MAX} bytes of its body (the rest is read and dropped; {@code truncated} says so).
     */
    public record Answer(int status, Map<String, String> headers, byte[] body, boolean truncated) {
        public static final int BODY_BYTES_MAX = 1 << 20;

        public Answer {
            headers = Map.copyOf(headers);
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public boolean isSuccess() {
            return status >= 200 && status < 300;
        }
    }

    /**
     * The usual judge of an answer for the breaker: trouble at the remote end is a failure (any 5xx,
     * 408 Request Timeout, 429 Too Many Requests); any other answer shows a remote end in good health,
     * even when it refuses the request.
     */
    public static String remoteTrouble(Answer answer) {
        int status = answer.status();
        return status >= 500 || status == 408 || status == 429 ? "answered " + status : null;
    }
}
