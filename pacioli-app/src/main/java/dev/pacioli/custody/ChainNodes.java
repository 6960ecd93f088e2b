package dev.pacioli.custody;

import dev.pacioli.payments.connectors.EvmRpcSettings;
import dev.pacioli.payments.connectors.PaymentConnector;
import dev.pacioli.payments.connectors.PaymentRails;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.connectors.Connector;
import dev.pacioli.platform.connectors.ConnectorSettings;
import dev.pacioli.platform.connectors.Connectors;
import dev.pacioli.platform.connectors.HttpExchange;
import dev.pacioli.platform.connectors.Idempotence;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;

/**
 * The chains custody reaches: the {@code evm_rpc} payment connectors (custody.md), a chain's being the
 * connector with its {@code chain_id} and the lowest {@code priority}. Each of its URLs is a platform
 * connector of its own ({@code <connector>:<n>-<hash>}, kind {@code evm_rpc}) with its breaker and the outbound
 * policy; a call tries them in order and takes the first answer. JSON-RPC over the platform's HTTP
 * client rather than web3j's: that client is the one the outbound policy and breakers wrap, and custody
 * needs a dozen methods, each a line here.
 */
final class ChainNodes {
    private final PaymentRails rails;
    private final Connectors connectors;
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, List<String>> named = new ConcurrentHashMap<>();

    ChainNodes(PaymentRails rails, Connectors connectors) {
        this.rails = rails;
        this.connectors = connectors;
    }

    /** The node answered the call with a JSON-RPC error: its verdict, not a failure to reach it. */
    static final class RpcError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RpcError(String method, JsonNode error) {
            super(method + ": " + RequestReader.printable(error.path("message").asString("")));
        }
    }

    /** No URL of the chain answered (all down, breakers open, or no connector). */
    static final class Unreachable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreachable(String message) {
            super(message);
        }
    }

    /** The connector serving a chain, with its settings and its URLs' timeouts ({@code config.read_timeout_ms}, …). */
    record Chain(String connector, EvmRpcSettings settings, ConnectorSettings timeouts) {}

    /**
     * The chain's connector; one not found among the running connectors is looked for again in the
     * stored ones at once (another instance may have just made it).
     */
    Optional<Chain> chain(String chain) {
        Optional<Chain> found = running(chain);
        if (found.isEmpty()) {
            rails.refresh();
            found = running(chain);
        }
        return found;
    }

    private Optional<Chain> running(String chain) {
        return rails.all().stream()
                .filter(c -> c.kind() == PaymentConnector.Kind.EVM_RPC)
                .sorted(Comparator.comparingInt(PaymentConnector::priority).thenComparing(PaymentConnector::id))
                .map(c -> new Chain(c.id(), EvmRpcSettings.fromConfig(c.config()), PaymentRails.settings(c)))
                .filter(c -> c.settings().chain().equals(chain))
                .findFirst();
    }

    boolean known(String chain) {
        return chain(chain).isPresent();
    }

    /** The result of a call on the chain's first URL that answers. */
    JsonNode call(String chain, String method, Object... params) throws Unreachable {
        Chain found = chain(chain).orElseThrow(() -> new Unreachable("no evm_rpc connector for " + chain));
        byte[] body = request(method, params);
        String last = "no URL";
        List<URI> urls = found.settings().urls();
        List<String> names = names(found);
        for (int i = 0; i < urls.size(); i++) {
            Connector connector = connectors.connector(names.get(i), "evm_rpc", urlSettings(found));
            try {
                HttpExchange.Answer answer = connector.send(
                        HttpExchange.Request.post(urls.get(i), Map.of(), "application/json", body),
                        // One attempt per URL: the next URL is the retry (the calls are idempotent, but
                        // a dead node's retries would only delay the failover).
                        Idempotence.NOT_IDEMPOTENT,
                        ChainNodes::judge);
                if (judge(answer) != null) {
                    last = judge(answer);
                    continue;
                }
                JsonNode json = RequestReader.MAPPER.readTree(answer.body());
                if (json.has("error")) {
                    throw new RpcError(method, json.path("error"));
                }
                return json.path("result");
            } catch (IOException e) {
                last = e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Unreachable("interrupted");
            }
        }
        throw new Unreachable(chain + " unreachable: " + last);
    }

    /**
     * A URL's connector: the chain connector's timeouts ({@code config.connect_timeout_ms}, {@code
     * config.read_timeout_ms}) and the service's breaker ({@code PACIOLI_CONNECTOR_*}), as every
     * connector whose configuration names none.
     */
    private ConnectorSettings urlSettings(Chain chain) {
        ConnectorSettings timeouts = chain.timeouts();
        return new ConnectorSettings(
                timeouts.connectTimeout(), timeouts.readTimeout(), timeouts.retry(), connectors.breakerDefault());
    }

    /**
     * The platform connectors of a chain's URLs: {@code <connector>:<n>-<hash of the URL>}, so a URL
     * changed in place gets a breaker of its own rather than the open one of the URL it replaced. The
     * connectors of URLs no longer configured are forgotten.
     */
    private List<String> names(Chain chain) {
        List<String> names = new ArrayList<>();
        List<URI> urls = chain.settings().urls();
        for (int i = 0; i < urls.size(); i++) {
            names.add(chain.connector() + ":" + (i + 1) + "-"
                    + Integer.toHexString(urls.get(i).hashCode()));
        }
        List<String> before = named.put(chain.connector(), names);
        if (before != null && !before.equals(names)) {
            before.stream().filter(name -> !names.contains(name)).forEach(connectors::remove);
        }
        return names;
    }

    /** A failure for the breaker: trouble at the node, or an answer that is not JSON-RPC. */
    private static String judge(HttpExchange.Answer answer) {
        String trouble = HttpExchange.remoteTrouble(answer);
        if (trouble != null) {
            return trouble;
        }
        return answer.isSuccess() && answer.body().length > 0 && answer.body()[0] == '{'
                ? null
                : "not a JSON-RPC answer (" + answer.status() + ")";
    }

    private byte[] request(String method, Object... params) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("jsonrpc", "2.0");
        request.put("id", ids.incrementAndGet());
        request.put("method", method);
        request.put("params", new ArrayList<>(List.of(params)));
        return RequestReader.MAPPER.writeValueAsString(request).getBytes(StandardCharsets.UTF_8);
    }

    /** The base fee of the latest block. */
    BigInteger baseFee(String chain) throws Unreachable {
        return quantity(call(chain, "eth_getBlockByNumber", "latest", false).path("baseFeePerGas"));
    }

    /** What a new transaction offers now: a tip the node suggests, and room for the base fee to double. */
    ChainSigner.Fees market(String chain) throws Unreachable {
        BigInteger tip = quantity(call(chain, "eth_maxPriorityFeePerGas"));
        return new ChainSigner.Fees(baseFee(chain).multiply(BigInteger.TWO).add(tip), tip);
    }

    /** {@code eth_getTransactionCount} at {@code "latest"} (mined) or {@code "pending"} (with the pool). */
    long transactionCount(String chain, String address, String tag) throws Unreachable {
        return quantity(call(chain, "eth_getTransactionCount", address, tag)).longValueExact();
    }

    static BigInteger quantity(JsonNode node) {
        String text = node.asString("");
        if (!text.startsWith("0x")) {
            throw new IllegalStateException("the node answered no quantity: " + node);
        }
        return text.length() == 2 ? BigInteger.ZERO : new BigInteger(text.substring(2), 16);
    }

    static String hex(BigInteger value) {
        return "0x" + value.toString(16);
    }
}
