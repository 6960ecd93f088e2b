package dev.pacioli.payments.rails;

import dev.pacioli.platform.connectors.CircuitOpenException;
import dev.pacioli.platform.connectors.Connector;
import dev.pacioli.platform.connectors.ConnectorTimeoutException;
import dev.pacioli.platform.connectors.HttpExchange;
import dev.pacioli.platform.connectors.Idempotence;
import dev.pacioli.platform.connectors.OutboundRefusedException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * A connector of kind {@code http}: Pacioli's open rail protocol (docs/payments-rails.md) spoken to
 * {@code config.base_url}. {@code POST /transfers} with {@code Idempotency-Key: <transfer id>} submits;
 * {@code GET /transfers/{id}} asks what became of one.
 *
 * <p>Every request goes through the platform's {@link Connector}, which applies the timeouts, the
 * circuit breaker and the outbound policy (judged on the address connected to, at every call). A
 * submission is sent {@link Idempotence#NOT_IDEMPOTENT}: the connector makes one attempt and never
 * retries it, because the execution worker decides what happens after an unknown outcome (ask the
 * status first, never send blindly), and a retry inside the connector would be a second submission the
 * worker cannot see. A status query changes nothing at the provider, so it is sent
 * {@link Idempotence#IDEMPOTENT} and the connector retries it with backoff.
 *
 * <p>What an outcome means, for {@link #submit}:
 *
 * <ul>
 *   <li>2xx with a transfer about this id: the provider's answer ({@code pending}, {@code paid},
 *       {@code failed}). A 2xx whose body cannot be read is an unknown outcome: the provider took the
 *       request and said something we cannot act on.
 *   <li>Any other 4xx (400, 401, 403, 404, 422, …): the provider refused the transfer and holds nothing
 *       by that id, so it is a {@link TransferResult.Status#FAILED} result with the provider's {@code
 *       failure_reason} (or the status). We chose a result over an exception because a refusal is a
 *       business outcome the provider stated, not an absence of an answer; a failed payout voids its
 *       reserve and moves nothing, which is the safe end for an unusable request (a wrong destination,
 *       a bad API key). Three 4xx are not refusals of the transfer: 408 (a gateway timed out, the
 *       request may have gone through) and 409 (the provider already holds a transfer by that id, which
 *       the status query reads) leave the outcome unknown; 429 (rate limited: the protocol requires
 *       that nothing was created) is a {@link RailException} with a known outcome, to submit again later.
 *   <li>5xx, 3xx and anything else: outcome unknown.
 *   <li>No answer: the breaker open, the outbound policy refusing the target, a refused connection and
 *       a host that does not resolve mean nothing was sent (outcome known); a timeout, a reset or any
 *       other broken exchange may have been received (outcome unknown).
 * </ul>
 *
 * <p>Thread-safe and stateless beyond its connector: any number of workers may share one.
 */
public final class HttpRail implements Rail, Conversions {
    /** The connector kind this rail serves. */
    public static final String KIND = "http";

    public static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

    static final String JSON = "application/json";

    /** How much of an odd answer's body a message quotes. */
    static final int EXCERPT_LENGTH_MAX = 200;

    private final Connector connector;
    private final URI transfers;
    private final URI conversions;
    private final ConversionSettings conversionSettings;

    /**
     * @param connector the connector the rail sends through (its name, breaker and health are the
     *     payment connector's)
     */
    public HttpRail(Connector connector, Settings settings) {
        this.connector = connector;
        this.transfers = URI.create(settings.baseUrl().toString() + "/transfers");
        this.conversions = URI.create(settings.baseUrl().toString() + "/conversions");
        this.conversionSettings = settings.conversions();
    }

    @Override
    public boolean converts(String fromAsset, String toAsset) {
        return conversionSettings.converts(fromAsset, toAsset);
    }

    /**
     * {@code POST /conversions} with {@code Idempotency-Key: <id>}, sent once (never retried inside the
     * connector); outcomes as for {@link #submit}: a 4xx other than 408, 409 and 429 is the provider's
     * refusal (failed), 5xx and broken exchanges leave the outcome unknown.
     */
    @Override
    public ConversionResult convert(ConversionRequest request) throws RailException, InterruptedException {
        HttpExchange.Request post = HttpExchange.Request.post(
                conversions,
                Map.of(IDEMPOTENCY_KEY_HEADER, request.id(), "Accept", JSON),
                JSON,
                RailJson.conversion(request));
        HttpExchange.Answer answer = exchange(post, Idempotence.NOT_IDEMPOTENT, "converting " + request.id());
        int status = answer.status();
        if (answer.isSuccess()) {
            return readableConversion(request.id(), answer);
        }
        if (status == 408 || status == 409 || status >= 500 || status < 400) {
            throw new RailException(
                    "converting " + request.id() + ": answered " + status + described(answer), true, null);
        }
        if (status == 429) {
            throw new RailException("converting " + request.id() + ": answered 429 (nothing created)", false, null);
        }
        String reason = RailJson.failureReason(answer.body());
        return new ConversionResult(
                request.id(),
                ConversionResult.Status.FAILED,
                null,
                null,
                "the provider refused the conversion (" + status + ")" + (reason == null ? "" : ": " + reason));
    }

    @Override
    public Optional<ConversionResult> conversionStatus(String id) throws RailException, InterruptedException {
        URI url = URI.create(conversions + "/" + pathSegment(id));
        HttpExchange.Answer answer = exchange(
                HttpExchange.Request.get(url, Map.of("Accept", JSON)), Idempotence.IDEMPOTENT, "asking about " + id);
        if (answer.status() == 404) {
            return Optional.empty();
        }
        if (!answer.isSuccess()) {
            throw new RailException(
                    "asking about " + id + ": answered " + answer.status() + described(answer), true, null);
        }
        return Optional.of(readableConversion(id, answer));
    }

    private static ConversionResult readableConversion(String id, HttpExchange.Answer answer) throws RailException {
        try {
            if (answer.truncated()) {
                throw new IllegalArgumentException("the body is too long to read");
            }
            return RailJson.conversionResult(id, answer.body());
        } catch (IllegalArgumentException e) {
            throw new RailException(
                    "conversion " + id + ": answered " + answer.status() + " unreadably (" + e.getMessage() + ")",
                    true,
                    null);
        }
    }

    @Override
    public TransferResult submit(TransferRequest request) throws RailException, InterruptedException {
        HttpExchange.Request post = HttpExchange.Request.post(
                transfers,
                Map.of(IDEMPOTENCY_KEY_HEADER, request.id(), "Accept", JSON),
                JSON,
                RailJson.transfer(request));
        HttpExchange.Answer answer = exchange(post, Idempotence.NOT_IDEMPOTENT, "submitting " + request.id());
        int status = answer.status();
        if (answer.isSuccess()) {
            return readable(request.id(), answer, "submitting");
        }
        if (status == 408 || status == 409 || status >= 500 || status < 400) {
            throw new RailException(
                    "submitting " + request.id() + ": answered " + status + described(answer), true, null);
        }
        if (status == 429) {
            throw new RailException(
                    "submitting " + request.id() + ": answered 429 (rate limited, nothing created)", false, null);
        }
        String reason = RailJson.failureReason(answer.body());
        return new TransferResult(
                request.id(),
                TransferResult.Status.FAILED,
                null,
                "the provider refused the transfer (" + status + ")" + (reason == null ? "" : ": " + reason));
    }

    @Override
    public Optional<TransferResult> status(String transferId) throws RailException, InterruptedException {
        URI url = URI.create(transfers + "/" + pathSegment(transferId));
        HttpExchange.Answer answer = exchange(
                HttpExchange.Request.get(url, Map.of("Accept", JSON)),
                Idempotence.IDEMPOTENT,
                "asking the status of " + transferId);
        if (answer.status() == 404) {
            return Optional.empty();
        }
        if (!answer.isSuccess()) {
            throw new RailException(
                    "asking the status of " + transferId + ": answered " + answer.status() + described(answer),
                    true,
                    null);
        }
        return Optional.of(readable(transferId, answer, "asking the status of"));
    }

    private HttpExchange.Answer exchange(HttpExchange.Request request, Idempotence idempotence, String doing)
            throws RailException, InterruptedException {
        try {
            return connector.send(request, idempotence, HttpExchange::remoteTrouble);
        } catch (CircuitOpenException | OutboundRefusedException e) {
            throw new RailException(doing + ": " + e.getMessage(), false, e);
        } catch (ConnectorTimeoutException e) {
            // A connect timeout sent nothing either, but the client words both timeouts alike; taking
            // it as unknown costs one status query and can never cause a second submission.
            throw new RailException(doing + ": " + e.getMessage(), true, e);
        } catch (IOException e) {
            throw new RailException(doing + ": " + e.getMessage(), !nothingSent(e), e);
        }
    }

    /**
     * Whether a failed exchange certainly sent nothing: the connection was refused or the host does not
     * resolve. The connectors' HTTP client says so only in its message ({@code "connection to h:p
     * refused"}, {@code "h does not resolve"}), on a plain {@link IOException}; any other wording counts
     * as possibly sent, which costs a status query and never a duplicate. HttpRailTest pins the wording.
     */
    static boolean nothingSent(IOException e) {
        String message = e.getMessage();
        return e.getClass() == IOException.class
                && message != null
                && ((message.startsWith("connection to ") && message.endsWith(" refused"))
                        || message.endsWith(" does not resolve"));
    }

    private static TransferResult readable(String transferId, HttpExchange.Answer answer, String doing)
            throws RailException {
        if (answer.truncated()) {
            throw new RailException(
                    doing + " " + transferId + ": answered " + answer.status() + " with a body too long to read",
                    true,
                    null);
        }
        try {
            return RailJson.result(transferId, answer.body());
        } catch (IllegalArgumentException e) {
            throw new RailException(
                    doing + " " + transferId + ": answered " + answer.status() + " with an unreadable body ("
                            + e.getMessage() + ")",
                    true,
                    null);
        }
    }

    private static String described(HttpExchange.Answer answer) {
        String excerpt = RailJson.excerpt(answer.body(), EXCERPT_LENGTH_MAX);
        return excerpt.isEmpty() ? "" : ": " + excerpt;
    }

    /** A transfer id as one path segment: unreserved characters as they are, every other byte escaped. */
    static String pathSegment(String id) {
        StringBuilder out = new StringBuilder();
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            boolean unreserved = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~';
            out.append(unreserved ? String.valueOf(c) : String.format("%%%02X", b & 0xff));
        }
        return out.toString();
    }

    /**
     * An http connector's configuration.
     *
     * @param baseUrl where the provider's adapter serves the protocol: an absolute {@code https} URL
     *     (or {@code http} to a loopback host, or when {@code allowPlainHttp}), no user, query or
     *     fragment; kept without a trailing slash
     * @param allowPlainHttp whether plain {@code http} may go to a host other than loopback (an adapter
     *     beside the service on a private network); off unless configured, since the body names where
     *     money goes
     */
    public record Settings(URI baseUrl, boolean allowPlainHttp, ConversionSettings conversions) {
        public Settings(URI baseUrl, boolean allowPlainHttp) {
            this(baseUrl, allowPlainHttp, ConversionSettings.fromConfig(null));
        }

        public static final int URL_LENGTH_MAX = 2_000;

        public Settings {
            String problem = problem(baseUrl, allowPlainHttp);
            if (problem != null) {
                throw new IllegalArgumentException("config.base_url " + problem);
            }
            String text = baseUrl.toString();
            baseUrl = text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : baseUrl;
        }

        /**
         * From a connector's {@code config}: {@code base_url} (required) and {@code allow_plain_http}
         * (optional, false).
         *
         * @throws IllegalArgumentException naming the field and what is wrong with it
         */
        public static Settings fromConfig(JsonNode config) {
            JsonNode url = config == null ? null : config.get("base_url");
            if (url == null || !url.isString()) {
                throw new IllegalArgumentException("config.base_url is required: the provider adapter's URL");
            }
            JsonNode plain = config.get("allow_plain_http");
            if (plain != null && !plain.isBoolean() && !plain.isNull()) {
                throw new IllegalArgumentException("config.allow_plain_http must be true or false");
            }
            String text = url.stringValue();
            if (text.length() > URL_LENGTH_MAX) {
                throw new IllegalArgumentException("config.base_url is longer than " + URL_LENGTH_MAX + " characters");
            }
            try {
                return new Settings(
                        new URI(text), plain != null && plain.asBoolean(), ConversionSettings.fromConfig(config));
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("config.base_url is not a valid URL: " + e.getReason());
            }
        }

        private static String problem(URI url, boolean allowPlainHttp) {
            if (url == null) {
                return "is required";
            }
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!url.isAbsolute() || url.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
                return "must be an absolute https:// URL with a host";
            }
            if (url.getRawUserInfo() != null || url.getRawQuery() != null || url.getRawFragment() != null) {
                return "must hold no user, query or fragment (credentials belong to the adapter, not to a URL)";
            }
            if (scheme.equals("http") && !allowPlainHttp && !isLoopbackName(url.getHost())) {
                return "must use https (plain http only to a loopback host, or with config.allow_plain_http)";
            }
            return null;
        }

        /** Loopback as written in the URL; the outbound policy judges the address actually connected to. */
        private static boolean isLoopbackName(String host) {
            String name = host.toLowerCase(Locale.ROOT);
            return name.equals("localhost") || name.equals("[::1]") || name.matches("127(\\.[0-9]{1,3}){3}");
        }
    }
}
