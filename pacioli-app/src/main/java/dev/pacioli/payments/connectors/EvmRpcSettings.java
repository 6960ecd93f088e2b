package dev.pacioli.payments.connectors;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The config of an {@code evm_rpc} connector (custody.md): the node's JSON-RPC URLs in the order they
 * are tried (each behind its own breaker), the chain id they must answer, and how many confirmations
 * make a transaction final (the block that includes it is the first).
 */
public record EvmRpcSettings(List<URI> urls, long chainId, int confirmations) {
    public static final int URLS_MAX = 10;
    public static final int CONFIRMATIONS_MAX = 1_000;
    public static final long CHAIN_ID_MAX = 999_999_999_999_999_999L;

    public EvmRpcSettings {
        urls = List.copyOf(urls);
    }

    /** From a connector's config; IllegalArgumentException naming the field at fault. */
    public static EvmRpcSettings fromConfig(JsonNode config) {
        JsonNode urls = config.get("urls");
        if (urls == null || !urls.isArray() || urls.isEmpty() || urls.size() > URLS_MAX) {
            throw new IllegalArgumentException("config.urls is a list of 1 to " + URLS_MAX + " http(s) URLs");
        }
        List<URI> parsed = new ArrayList<>();
        for (JsonNode url : urls) {
            URI uri;
            try {
                uri = url.isString() ? URI.create(url.stringValue()) : null;
            } catch (IllegalArgumentException e) {
                uri = null;
            }
            if (uri == null
                    || uri.getHost() == null
                    || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw new IllegalArgumentException("config.urls holds http(s) URLs with a host");
            }
            parsed.add(uri);
        }
        JsonNode chainId = config.get("chain_id");
        if (chainId == null
                || !chainId.isIntegralNumber()
                || chainId.longValue() < 1
                || chainId.longValue() > CHAIN_ID_MAX) {
            throw new IllegalArgumentException("config.chain_id is the chain's id, a whole number from 1");
        }
        JsonNode confirmations = config.get("confirmations");
        int needed = 1;
        if (confirmations != null && !confirmations.isNull()) {
            if (!confirmations.isIntegralNumber()
                    || confirmations.longValue() < 1
                    || confirmations.longValue() > CONFIRMATIONS_MAX) {
                throw new IllegalArgumentException("config.confirmations is 1 to " + CONFIRMATIONS_MAX);
            }
            needed = confirmations.intValue();
        }
        return new EvmRpcSettings(parsed, chainId.longValue(), needed);
    }

    /** The chain as custody names it: {@code evm:<chain id>}. */
    public String chain() {
        return "evm:" + chainId;
    }
}
