package dev.pacioli.payments.connectors;

import dev.pacioli.ledger.Limits;
import dev.pacioli.payments.inbound.InboundConfig;
import dev.pacioli.payments.inbound.InboundKind;
import dev.pacioli.payments.inbound.InboundScheme;
import dev.pacioli.payments.inbound.InboundSecrets;
import dev.pacioli.payments.rails.ConversionSettings;
import dev.pacioli.payments.rails.HttpRail;
import dev.pacioli.payments.rails.SimulatorRail;
import dev.pacioli.platform.ApiException;
import dev.pacioli.platform.ApiKey.Role;
import dev.pacioli.platform.Call;
import dev.pacioli.platform.FieldError;
import dev.pacioli.platform.JsonOutput;
import dev.pacioli.platform.Reply;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.Route;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.connectors.Connectors;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Payment connectors (admin): {@code POST /v1/connectors}, {@code PATCH} and {@code DELETE
 * /v1/connectors/{id}}. They are listed and shown with every other connector by {@code GET
 * /v1/connectors}, their own fields added to their health. Secrets are write-only.
 */
public final class PaymentConnectorRoutes {
    /** Payment connector ids: no {@code :}, so they never look like a webhook's or a channel's connector. */
    static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    public static final int PRIORITY_DEFAULT = 100;
    public static final int PRIORITY_MAX = 1_000_000;
    public static final int ASSETS_MAX = 100;

    private final PaymentConnectorStore store;
    private final PaymentRails rails;
    private final Connectors connectors;

    public PaymentConnectorRoutes(PaymentConnectorStore store, PaymentRails rails, Connectors connectors) {
        this.store = store;
        this.rails = rails;
        this.connectors = connectors;
    }

    public List<Route> routes() {
        return List.of(
                Route.post("/v1/connectors", Role.ADMIN, this::create),
                Route.patch("/v1/connectors/{id}", Role.ADMIN, this::update),
                Route.delete("/v1/connectors/{id}", Role.ADMIN, this::delete));
    }

    private Reply create(Call call) {
        RequestReader reader = new RequestReader();
        RequestReader.Fields body =
                call.body(reader, "id", "kind", "assets", "config", RequestReader.orNull("inbound"), "priority");
        String id = body.string("id", true, 64);
        if (id != null && !ID.matcher(id).matches()) {
            reader.add("id", FieldError.INVALID_FORMAT, "must match ^[a-z0-9][a-z0-9_-]{0,63}$");
        }
        PaymentConnector.Kind kind = body.choice("kind", PaymentConnector.Kind.byCode(), null);
        Map<String, String> assets = assets(body);
        JsonNode config = config(body);
        InboundConfig inbound = inbound(body, null);
        long priority = priority(body, PRIORITY_DEFAULT);
        reader.finish();
        PaymentConnector connector =
                checked(new PaymentConnector(id, kind, assets, config, inbound, (int) priority, 0, 0));
        store.create(connector, Actor.of(call))
                .orElseThrow(
                        () -> new ApiException(409, "connector_exists", "a connector '" + id + "' exists already"));
        return answer(201, id);
    }

    private Reply update(Call call) {
        PaymentConnector before = store.find(call.path("id")).orElseThrow(() -> notFound(call.path("id")));
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "assets", "config", RequestReader.orNull("inbound"), "priority");
        Map<String, String> assets = body.has("assets") ? assets(body) : before.assets();
        JsonNode config = body.has("config") ? config(body) : before.config();
        InboundConfig inbound = body.has("inbound") ? inbound(body, before.inbound()) : before.inbound();
        long priority = priority(body, before.priority());
        reader.finish();
        PaymentConnector after = checked(
                new PaymentConnector(before.id(), before.kind(), assets, config, inbound, (int) priority, 0, 0));
        store.update(after, Actor.of(call)).orElseThrow(() -> notFound(before.id()));
        return answer(200, before.id());
    }

    private Reply delete(Call call) {
        String id = call.path("id");
        Optional<PaymentConnector> before = store.find(id);
        if (before.isEmpty()) {
            throw notFound(id);
        }
        byte[] shown = json(id);
        long inFlight = store.delete(id, Actor.of(call));
        if (inFlight < 0) {
            throw notFound(id);
        }
        if (inFlight > 0) {
            throw new ApiException(
                    409, "connector_in_use", inFlight + " payouts are in flight through connector '" + id + "'");
        }
        rails.refresh();
        return new Reply(200, "application/json", shown, Map.of());
    }

    private Reply answer(int status, String id) {
        rails.refresh();
        return new Reply(status, "application/json", json(id), Map.of());
    }

    private byte[] json(String id) {
        try (JsonOutput out = new JsonOutput()) {
            connectors.write(out, connectors.find(id).orElseThrow(() -> notFound(id)));
            return out.toBytes();
        }
    }

    /** The body's priority, or {@code absent}; one out of range is a field error, never a null unboxed. */
    private static long priority(RequestReader.Fields body, long absent) {
        Long priority = body.has("priority") ? body.integerInRange("priority", 0, PRIORITY_MAX) : null;
        return priority == null ? absent : priority;
    }

    private static ApiException notFound(String id) {
        return ApiException.notFound("connector_not_found", "no connector '" + id + "'");
    }

    private static Map<String, String> assets(RequestReader.Fields body) {
        Map<String, String> assets = new LinkedHashMap<>();
        JsonNode node = rawObject(body, "assets");
        if (node == null) {
            if (body.has("assets")) {
                body.reader()
                        .add("assets", FieldError.INVALID_TYPE, "must be an object: asset code → provider account");
            }
            return assets;
        }
        if (node.size() > ASSETS_MAX) {
            body.reader().add("assets", FieldError.TOO_MANY, "at most " + ASSETS_MAX + " assets");
            return assets;
        }
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String path = "assets." + entry.getKey();
            if (!Limits.isAssetCode(entry.getKey())) {
                body.reader().add(path, FieldError.INVALID_FORMAT, "keys are asset codes: ^[A-Z][A-Z0-9_]{0,15}$");
            } else if (!entry.getValue().isString()
                    || !Limits.isIdentifier(entry.getValue().stringValue())) {
                body.reader().add(path, FieldError.INVALID_FORMAT, "must be an account id: the provider account");
            } else {
                assets.put(entry.getKey(), entry.getValue().stringValue());
            }
        }
        return assets;
    }

    private static JsonNode config(RequestReader.Fields body) {
        if (!body.has("config")) {
            return JsonNodeFactory.instance.objectNode();
        }
        JsonNode node = rawObject(body, "config");
        if (node == null) {
            body.reader().add("config", FieldError.INVALID_TYPE, "must be an object");
            return JsonNodeFactory.instance.objectNode();
        }
        return node;
    }

    /** The inbound object; a secret left out of a change keeps the one there is. */
    private static InboundConfig inbound(RequestReader.Fields body, InboundConfig before) {
        JsonNode node = rawObject(body, "inbound");
        if (node == null) {
            return null;
        }
        RequestReader.Fields fields =
                body.object("inbound", false, "scheme", "secret", "public_keys", "kind", "default_ledger");
        if (fields == null) {
            return null;
        }
        InboundScheme scheme = fields.choice("scheme", codes(InboundScheme.values()), null);
        InboundKind kind =
                fields.has("kind") ? fields.choice("kind", codes(InboundKind.values()), null) : InboundKind.EVENTS;
        String secret = fields.string("secret", false, InboundConfig.SECRET_LENGTH_MAX);
        if (secret == null && before != null) {
            secret = before.secrets().secret();
        }
        String defaultLedger = fields.identifier("default_ledger", false);
        Map<String, String> keys = new LinkedHashMap<>();
        node.path("public_keys")
                .properties()
                .forEach(entry -> keys.put(entry.getKey(), entry.getValue().asString()));
        if (scheme == null) {
            if (!fields.has("scheme")) {
                body.reader().add("inbound.scheme", FieldError.REQUIRED, "is required");
            }
            return null;
        }
        try {
            return new InboundConfig(scheme, new InboundSecrets(secret, keys), kind, defaultLedger);
        } catch (IllegalArgumentException e) {
            body.reader().add("inbound", FieldError.INVALID_VALUE, e.getMessage());
            return null;
        }
    }

    private static <E extends Enum<E>> Map<String, E> codes(E[] values) {
        Map<String, E> codes = new LinkedHashMap<>();
        Arrays.stream(values).forEach(value -> codes.put(value.name().toLowerCase(Locale.ROOT), value));
        return codes;
    }

    private static JsonNode rawObject(RequestReader.Fields body, String name) {
        JsonNode node = body.node().get(name);
        return node != null && node.isObject() ? node : null;
    }

    /** The rules across fields: a rail's settings, an inbound connector's inbound object, a URL's policy. */
    private PaymentConnector checked(PaymentConnector connector) {
        try {
            switch (connector.kind()) {
                case SIMULATOR -> {
                    SimulatorRail.Settings.fromConfig(connector.config());
                    ConversionSettings.fromConfig(connector.config());
                }
                case HTTP -> {
                    HttpRail.Settings.fromConfig(connector.config());
                    PaymentRails.settings(connector); // refuses timeouts that are not whole milliseconds in range
                    connectors.refuseUrl(
                            "config.base_url",
                            connector.config().get("base_url").stringValue());
                }
                case EVM_RPC -> {
                    EvmRpcSettings settings = EvmRpcSettings.fromConfig(connector.config());
                    PaymentRails.settings(connector); // refuses timeouts that are not whole milliseconds in range
                    for (int i = 0; i < settings.urls().size(); i++) {
                        connectors.refuseUrl(
                                "config.urls[" + i + "]", settings.urls().get(i).toString());
                    }
                }
                case INBOUND -> {
                    if (connector.inbound() == null) {
                        throw new IllegalArgumentException("inbound: an inbound connector needs its inbound object");
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(List.of(new FieldError(
                    e.getMessage().startsWith("inbound") ? "inbound" : "config",
                    FieldError.INVALID_VALUE,
                    e.getMessage())));
        }
        boolean instructionsOnly =
                connector.inbound() != null && connector.inbound().kind() == InboundKind.INSTRUCTIONS;
        if (connector.assets().isEmpty() && connector.kind().sends() && !instructionsOnly) {
            throw ApiException.invalid(List.of(new FieldError(
                    "assets", FieldError.REQUIRED, "a connector money leaves through moves at least one asset")));
        }
        return connector;
    }
}
