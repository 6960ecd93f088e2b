package dev.pacioli.events.webhooks;

import dev.pacioli.ledger.Limits;
import dev.pacioli.platform.ApiException;
import dev.pacioli.platform.ApiKey;
import dev.pacioli.platform.ApiKey.Role;
import dev.pacioli.platform.Call;
import dev.pacioli.platform.Cursor;
import dev.pacioli.platform.FieldError;
import dev.pacioli.platform.JsonOutput;
import dev.pacioli.platform.Lists;
import dev.pacioli.platform.Reply;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.Route;
import dev.pacioli.platform.ServiceEvents;
import dev.pacioli.platform.Signatures;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.connectors.Connectors;
import dev.pacioli.platform.jobs.Jobs;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.Page;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Webhook endpoints (admin): register, list, show, update, delete, rotate the secret, and the
 * deliveries of each with a manual retry. The secret is shown once, when made. A key scoped to ledgers
 * manages only endpoints whose ledgers lie within its scope; others do not exist for it (404).
 */
public final class WebhookRoutes {
    private static final String CURSOR_KIND = "webhooks";
    private static final String DELIVERY_CURSOR_KIND = "webhook-deliveries";
    private static final String DELIVERY_PREFIX = "dlv_";
    private static final int LEDGERS_PER_ENDPOINT_MAX = 100;
    private static final Set<String> STATUSES = Set.of(Delivery.PENDING, Delivery.SUCCEEDED, Delivery.FAILED);
    public static final String DISABLED_BY_ADMIN = "disabled through the API";

    /** The service events of an endpoint's life ({@code webhook_endpoint.created}, …). */
    public static final List<String> SERVICE_EVENT_TYPES = WebhookAudit.EVENT_TYPES;

    private final Database database;
    private final Set<String> eventTypes;
    private final WebhookSettings settings;
    private final Connectors connectors;
    private final Jobs jobs;

    /**
     * @param eventTypes every type an endpoint's filter may name ({@link Webhooks#eventTypes})
     */
    public WebhookRoutes(
            Database database, WebhookSettings settings, Connectors connectors, Jobs jobs, Set<String> eventTypes) {
        this.database = database;
        this.eventTypes = eventTypes;
        this.settings = settings;
        this.connectors = connectors;
        this.jobs = jobs;
    }

    public List<Route> routes() {
        return List.of(
                Route.post("/v1/webhooks", Role.ADMIN, this::create),
                Route.list("/v1/webhooks", Role.ADMIN, false, this::list),
                Route.get("/v1/webhooks/{id}", Role.ADMIN, this::show),
                Route.patch("/v1/webhooks/{id}", Role.ADMIN, this::update),
                Route.delete("/v1/webhooks/{id}", Role.ADMIN, this::delete),
                Route.post("/v1/webhooks/{id}/rotate-secret", Role.ADMIN, this::rotate),
                Route.list("/v1/webhooks/{id}/deliveries", Role.ADMIN, false, this::deliveries, "status"),
                Route.post("/v1/webhooks/{id}/deliveries/{delivery}/retry", Role.ADMIN, this::retry));
    }

    private WebhookStore store() {
        return new WebhookStore(database.dataSource(), jobs);
    }

    private DeliveryStore deliveries() {
        return new DeliveryStore(database.dataSource(), jobs);
    }

    private WebhookSettings settings() {
        return settings;
    }

    private Reply create(Call call) {
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "url", "events", RequestReader.orNull("ledgers"));
        String url = url(body, true);
        List<String> events = events(body, true);
        List<String> ledgers = body.has("ledgers") ? ledgers(body) : null;
        reader.finish();
        if (!withinScope(call.key, ledgers)) {
            throw new ApiException(
                    403, "forbidden", "a key scoped to ledgers can only manage webhooks of ledgers within its scope");
        }
        connectors.refuseUrl("url", url);
        String secret = Signatures.newSecret();
        Endpoint endpoint = store().create(url, events, ledgers, secret, Actor.of(call));
        Webhooks.connector(connectors, settings, endpoint.id());
        return one(201, endpoint, secret);
    }

    private Reply list(Call call) {
        int limit = call.limit();
        String after = Cursor.id(call.query("cursor"), CURSOR_KIND);
        Page<Endpoint> page = store().list(after, limit);
        // A scoped admin sees only the endpoints it could have made; its pages may hold fewer items.
        List<Endpoint> visible = page.items().stream()
                .filter(endpoint -> withinScope(call.key, endpoint.ledgers()))
                .toList();
        String next = page.hasMore() ? Cursor.ofId(CURSOR_KIND, page.last().id()) : null;
        return Lists.reply(visible, next, (out, endpoint) -> write(out, endpoint, null));
    }

    private Reply show(Call call) {
        return one(200, endpoint(call), null);
    }

    private Reply update(Call call) {
        Endpoint endpoint = endpoint(call);
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "url", "events", RequestReader.orNull("ledgers"), "enabled");
        String url = body.has("url") ? url(body, true) : null;
        List<String> events = body.has("events") ? events(body, true) : null;
        // "ledgers": null is every ledger; absent leaves them as they are.
        boolean ledgersGiven =
                call.body.length > 0 && RequestReader.MAPPER.readTree(call.body).has("ledgers");
        List<String> ledgers = body.has("ledgers") ? ledgers(body) : null;
        Boolean enabled = body.has("enabled") ? body.flag("enabled", endpoint.enabled()) : null;
        reader.finish();
        if (ledgersGiven && !withinScope(call.key, ledgers)) {
            throw new ApiException(
                    403, "forbidden", "a key scoped to ledgers can only manage webhooks of ledgers within its scope");
        }
        if (url != null) {
            connectors.refuseUrl("url", url);
        }
        EndpointUpdate update = new EndpointUpdate(url, events, ledgersGiven, ledgers, enabled);
        Endpoint updated = store().update(endpoint.id(), update, DISABLED_BY_ADMIN, Actor.of(call))
                .orElseThrow(() -> notFound(endpoint.id()));
        return one(200, updated, null);
    }

    private Reply delete(Call call) {
        Endpoint endpoint = endpoint(call);
        if (!store().delete(endpoint.id(), Actor.of(call))) {
            throw notFound(endpoint.id());
        }
        connectors.remove(Webhooks.connectorName(endpoint.id()));
        return one(200, endpoint, null);
    }

    private Reply rotate(Call call) {
        Endpoint endpoint = endpoint(call);
        call.body(new RequestReader()).reader().finish();
        String secret = Signatures.newSecret();
        Endpoint rotated = store().rotate(
                        endpoint.id(), secret, settings().secretOverlap().toSeconds(), Actor.of(call))
                .orElseThrow(() -> notFound(endpoint.id()));
        return one(200, rotated, secret);
    }

    private Reply deliveries(Call call) {
        Endpoint endpoint = endpoint(call);
        int limit = call.limit();
        Long before = Cursor.sequence(call.query("cursor"), DELIVERY_CURSOR_KIND);
        String status = call.query("status");
        if (status != null && !STATUSES.contains(status)) {
            throw ApiException.invalid(List.of(
                    new FieldError("status", FieldError.INVALID_VALUE, "must be one of [failed, pending, succeeded]")));
        }
        Page<Delivery> page = deliveries().listDeliveries(endpoint.id(), before, status, limit);
        return Lists.reply(
                page, WebhookRoutes::write, delivery -> Cursor.ofSequence(DELIVERY_CURSOR_KIND, delivery.id()));
    }

    private Reply retry(Call call) {
        Endpoint endpoint = endpoint(call);
        call.body(new RequestReader()).reader().finish();
        String text = call.path("delivery");
        long id = deliveryId(text);
        Delivery delivery = (id > 0 ? deliveries().retryNow(endpoint.id(), id) : Optional.<Delivery>empty())
                .orElseThrow(() ->
                        ApiException.notFound("delivery_not_found", "no delivery '" + text + "' of this webhook"));
        try (JsonOutput out = new JsonOutput()) {
            write(out, delivery);
            return Reply.json(200, out);
        }
    }

    private static long deliveryId(String text) {
        if (!text.startsWith(DELIVERY_PREFIX) || text.length() > DELIVERY_PREFIX.length() + 18) {
            return 0;
        }
        try {
            return Long.parseLong(text.substring(DELIVERY_PREFIX.length()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The endpoint of the path, if it exists and lies within the key's scope; 404 either way. */
    private Endpoint endpoint(Call call) {
        String id = call.path("id");
        return (Limits.isIdentifier(id) ? store().find(id) : Optional.<Endpoint>empty())
                .filter(endpoint -> withinScope(call.key, endpoint.ledgers()))
                .orElseThrow(() -> notFound(id));
    }

    private static ApiException notFound(String id) {
        return ApiException.notFound("webhook_not_found", "no webhook '" + id + "'");
    }

    /** Whether an endpoint of these ledgers (null: every ledger) lies within the caller's scope. */
    private static boolean withinScope(ApiKey caller, List<String> ledgers) {
        return caller.ledgers() == null || (ledgers != null && caller.ledgers().containsAll(ledgers));
    }

    private String url(RequestReader.Fields body, boolean required) {
        String url = body.string("url", required, Webhooks.URL_LENGTH_MAX);
        if (url == null) {
            return null;
        }
        String problem = Webhooks.urlProblem(url, settings().allowPlainHttp());
        if (problem != null) {
            body.reader().add(body.path("url"), FieldError.INVALID_FORMAT, problem);
            return null;
        }
        return url;
    }

    private List<String> events(RequestReader.Fields body, boolean required) {
        Set<String> events = new LinkedHashSet<>();
        List<JsonNode> items = body.array("events", required, 1, Webhooks.FILTERS_MAX);
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String problem =
                    item.isString() ? Webhooks.filterProblem(item.stringValue(), eventTypes) : "must be a string";
            if (problem != null) {
                body.reader().add(body.path("events") + "[" + i + "]", FieldError.INVALID_VALUE, problem);
            } else {
                events.add(item.stringValue());
            }
        }
        return List.copyOf(events);
    }

    private static List<String> ledgers(RequestReader.Fields body) {
        Set<String> ledgers = new LinkedHashSet<>();
        List<JsonNode> items = body.array("ledgers", true, 1, LEDGERS_PER_ENDPOINT_MAX);
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            if (!item.isString()
                    || !(Limits.isIdentifier(item.stringValue())
                            || item.stringValue().equals(ServiceEvents.STREAM))) {
                body.reader()
                        .add(
                                body.path("ledgers") + "[" + i + "]",
                                FieldError.INVALID_FORMAT,
                                "must be a ledger name or " + ServiceEvents.STREAM);
            } else {
                ledgers.add(item.stringValue());
            }
        }
        return new ArrayList<>(ledgers);
    }

    private static Reply one(int status, Endpoint endpoint, String secret) {
        try (JsonOutput out = new JsonOutput()) {
            write(out, endpoint, secret);
            return Reply.json(status, out);
        }
    }

    private static void write(JsonOutput out, Endpoint endpoint, String secret) {
        out.json.writeStartObject();
        out.string("id", endpoint.id());
        out.string("url", endpoint.url());
        out.json.writeName("events");
        out.json.writeStartArray();
        endpoint.events().forEach(out.json::writeString);
        out.json.writeEndArray();
        out.json.writeName("ledgers");
        if (endpoint.ledgers() == null) {
            out.json.writeNull();
        } else {
            out.json.writeStartArray();
            endpoint.ledgers().forEach(out.json::writeString);
            out.json.writeEndArray();
        }
        out.json.writeBooleanProperty("enabled", endpoint.enabled());
        out.string("disabled_reason", endpoint.disabledReason());
        nullableTime(out, "previous_secret_expires_at", endpoint.previousSecretUntilMicros());
        out.time("created_at", endpoint.createdAtMicros());
        out.time("updated_at", endpoint.updatedAtMicros());
        if (secret != null) {
            out.string("secret", secret);
        }
        out.json.writeEndObject();
    }

    private static void write(JsonOutput out, Delivery delivery) {
        out.json.writeStartObject();
        out.string("id", DELIVERY_PREFIX + delivery.id());
        out.string("webhook_id", delivery.endpointId());
        out.string("event_id", delivery.eventId());
        out.string("ledger", delivery.ledger());
        out.number("sequence", delivery.sequence());
        out.string("type", delivery.type());
        out.string("status", delivery.status());
        out.number("attempts", delivery.attempts());
        nullableTime(out, "next_attempt_at", delivery.nextAttemptAtMicros());
        nullableTime(out, "last_attempt_at", delivery.lastAttemptAtMicros());
        out.number("last_status_code", delivery.lastStatusCode() == null ? null : (long) delivery.lastStatusCode());
        out.string("last_error", delivery.lastError());
        out.time("event_created_at", delivery.eventCreatedAtMicros());
        out.time("created_at", delivery.createdAtMicros());
        out.json.writeEndObject();
    }

    private static void nullableTime(JsonOutput out, String name, Long micros) {
        if (micros == null) {
            out.json.writeNullProperty(name);
        } else {
            out.time(name, micros);
        }
    }
}
