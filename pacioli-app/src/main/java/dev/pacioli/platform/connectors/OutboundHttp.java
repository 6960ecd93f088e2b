package dev.pacioli.platform.connectors;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP client every connector sends with: Jetty's, because it lets us decide which addresses a
 * connection may go to. Its {@link SocketAddressResolver} resolves each host through
 * {@link OutboundPolicy#permitted} when it opens a connection, so the policy judges the very address
 * connected to, after DNS, on every new connection (a pooled connection was judged when it opened,
 * and stays to that address). The JDK's {@code java.net.http.HttpClient} resolves by itself and gives
 * no such hook.
 *
 * <p>One Jetty client per connect timeout (Jetty sets that per client; in practice there are one or
 * two), made when first needed, stopped by {@link #close()}. Redirects are never followed; no proxy.
 */
public final class OutboundHttp implements AutoCloseable {
    private static final String USER_AGENT = "Pacioli";
    private static final int THREADS_MAX = 64;

    private final OutboundPolicy policy;
    private final Map<Duration, HttpClient> clients = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public OutboundHttp(OutboundPolicy policy) {
        this.policy = policy;
    }

    public OutboundPolicy policy() {
        return policy;
    }

    /**
     * Sends one request and waits for its whole answer: a connection within {@code connectTimeout},
     * then the answer within {@code readTimeout}.
     */
    HttpExchange.Answer exchange(HttpExchange.Request request, Duration connectTimeout, Duration readTimeout)
            throws IOException, InterruptedException {
        Request jetty = client(connectTimeout)
                .newRequest(request.url())
                .method(request.method())
                .followRedirects(false)
                .timeout(connectTimeout.plus(readTimeout).toMillis(), TimeUnit.MILLISECONDS)
                .idleTimeout(readTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .headers(headers -> request.headers().forEach(headers::put));
        if (request.body() != null) {
            jetty.body(new BytesRequestContent(request.contentType(), request.body()));
        }
        Collector collector = new Collector();
        jetty.send(collector);
        Result result;
        try {
            result = collector.done.get();
        } catch (InterruptedException e) {
            jetty.abort(e);
            throw e;
        } catch (ExecutionException e) {
            throw new IllegalStateException("the answer's listener cannot fail", e);
        }
        if (result.isFailed()) {
            throw failure(result.getFailure(), request, connectTimeout, readTimeout);
        }
        Map<String, String> headers = new HashMap<>();
        for (HttpField field : result.getResponse().getHeaders()) {
            headers.putIfAbsent(field.getLowerCaseName(), field.getValue());
        }
        return new HttpExchange.Answer(
                result.getResponse().getStatus(), headers, collector.body.toByteArray(), collector.truncated);
    }

    /**
     * A failed exchange as an exception worded for people, holding neither the URL's path nor its query
     * (they may carry tokens): the policy's refusal as it is, timeouts, refused connections.
     */
    private static IOException failure(
            Throwable failure, HttpExchange.Request request, Duration connectTimeout, Duration readTimeout) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof OutboundRefusedException refused) {
                return refused;
            }
        }
        String origin = request.url().getHost()
                + (request.url().getPort() < 0 ? "" : ":" + request.url().getPort());
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (failure instanceof TimeoutException || root instanceof TimeoutException) {
            return new ConnectorTimeoutException("no answer from " + origin + " within "
                    + connectTimeout.plus(readTimeout).toMillis() + " ms");
        }
        if (failure instanceof SocketTimeoutException || root instanceof SocketTimeoutException) {
            return new ConnectorTimeoutException(
                    "no connection to " + origin + " within " + connectTimeout.toMillis() + " ms");
        }
        if (root instanceof ConnectException) {
            return new IOException("connection to " + origin + " refused");
        }
        if (root instanceof UnknownHostException) {
            return new IOException(request.url().getHost() + " does not resolve");
        }
        String message = root.getMessage() == null ? "" : ": " + scrubbed(root.getMessage(), request);
        return new IOException(root.getClass().getSimpleName() + message + " (" + origin + ")");
    }

    private static String scrubbed(String message, HttpExchange.Request request) {
        String text = message.replace(request.url().toString(), request.url().getHost());
        String path = request.url().getRawPath();
        if (path != null && path.length() > 1) {
            text = text.replace(path, "/…");
        }
        return text;
    }

    private HttpClient client(Duration connectTimeout) {
        if (closed) {
            throw new IllegalStateException("the outbound HTTP client is closed");
        }
        return clients.computeIfAbsent(connectTimeout, this::start);
    }

    private HttpClient start(Duration connectTimeout) {
        QueuedThreadPool threads = new QueuedThreadPool(THREADS_MAX, 2);
        threads.setName("pacioli-outbound");
        threads.setDaemon(true);
        HttpClient client = new HttpClient();
        client.setExecutor(threads);
        client.setConnectTimeout(connectTimeout.toMillis());
        client.setFollowRedirects(false);
        client.setUserAgentField(new HttpField("User-Agent", USER_AGENT));
        client.setSocketAddressResolver(new PolicyResolver(policy));
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("the outbound HTTP client did not start: " + e.getMessage(), e);
        }
        return client;
    }

    /** Resolves through the policy: only addresses it permits reach Jetty's connector. */
    private record PolicyResolver(OutboundPolicy policy) implements SocketAddressResolver {
        @Override
        public void resolve(
                String host, int port, Map<String, Object> context, Promise<List<InetSocketAddress>> promise) {
            try {
                List<InetAddress> permitted = policy.permitted(host);
                promise.succeeded(permitted.stream()
                        .map(address -> new InetSocketAddress(address, port))
                        .toList());
            } catch (IOException e) {
                promise.failed(e);
            }
        }
    }

    /** Collects an answer: status and headers, and its body up to the cap. */
    private static final class Collector implements Response.Listener {
        final CompletableFuture<Result> done = new CompletableFuture<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean truncated;

        @Override
        public void onContent(Response response, ByteBuffer content) {
            int room = HttpExchange.Answer.BODY_BYTES_MAX - body.size();
            int taken = Math.min(room, content.remaining());
            if (taken < content.remaining()) {
                truncated = true;
            }
            byte[] bytes = new byte[taken];
            content.get(bytes);
            body.write(bytes, 0, taken);
            content.position(content.limit());
        }

        @Override
        public void onComplete(Result result) {
            done.complete(result);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (HttpClient client : clients.values()) {
            try {
                client.stop();
            } catch (Exception e) {
                // stopping: nothing more to do with it
            }
        }
        clients.clear();
    }
}
