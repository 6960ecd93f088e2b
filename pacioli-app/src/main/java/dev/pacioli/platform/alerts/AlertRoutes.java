package dev.pacioli.platform.alerts;

import dev.pacioli.ledger.Limits;
import dev.pacioli.platform.ApiException;
import dev.pacioli.platform.ApiKey.Role;
import dev.pacioli.platform.Call;
import dev.pacioli.platform.Cursor;
import dev.pacioli.platform.FieldError;
import dev.pacioli.platform.JsonOutput;
import dev.pacioli.platform.Lists;
import dev.pacioli.platform.Reply;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.Route;
import dev.pacioli.platform.Signatures;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.postgres.Page;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Alerts over HTTP. Operators list, show and acknowledge alerts; admins manage channels and routing
 * rules and send a test alert. Channel secrets are write-only: the answers name which are set, never
 * what they are, and the {@code whsec_} secret of a generic webhook is shown once, at creation.
 */
public final class AlertRoutes {
    private static final String CURSOR_KIND = "alerts";
    private static final String CHANNEL_CURSOR_KIND = "alert-channels";
    private static final int CHANNELS_PER_RULE_MAX = 20;
    private static final Pattern CATEGORY = Pattern.compile("^[a-z0-9][a-z0-9_.-]{0,63}$");
    private static final Map<String, Channel.Kind> KINDS =
            Map.of("email", Channel.Kind.EMAIL, "webhook", Channel.Kind.WEBHOOK, "log", Channel.Kind.LOG);
    static final String TEST_CATEGORY = "test";

    private final AlertService alerts;

    public AlertRoutes(AlertService alerts) {
        this.alerts = alerts;
    }

    public List<Route> routes() {
        // The fixed paths come before /v1/alerts/{id}, which would otherwise take them.
        return List.of(
                Route.post("/v1/alerts/channels", Role.ADMIN, unscoped(this::createChannel)),
                Route.list("/v1/alerts/channels", Role.ADMIN, false, unscoped(this::listChannels)),
                Route.put("/v1/alerts/routes", Role.ADMIN, unscoped(this::putRules)),
                Route.get("/v1/alerts/routes", Role.ADMIN, unscoped(this::rules)),
                Route.post("/v1/alerts/test", Role.ADMIN, unscoped(this::test)),
                Route.list("/v1/alerts", Role.OPERATOR, false, unscoped(this::list), "status", "severity", "category"),
                Route.get("/v1/alerts/{id}", Role.OPERATOR, unscoped(this::show)),
                Route.post("/v1/alerts/{id}/acknowledge", Role.OPERATOR, unscoped(this::acknowledge)));
    }

    /**
     * Alerts concern the whole service (a writer, an endpoint, a channel), so a key scoped to ledgers
     * neither sees nor configures them: 403.
     */
    private static Route.Action unscoped(Route.Action action) {
        return call -> {
            if (call.key.ledgers() != null) {
                throw new ApiException(
                        403, "forbidden", "alerts concern the whole service; a key scoped to ledgers cannot use them");
            }
            return action.handle(call);
        };
    }

    private Reply createChannel(Call call) {
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "id", "kind", "config");
        String id = body.identifier("id", true);
        Channel.Kind kind = body.choice("kind", KINDS, null);
        JsonNode config = null;
        if (kind != null) {
            RequestReader.Fields fields = body.object("config", kind != Channel.Kind.LOG, ChannelConfigs.fields(kind));
            config = fields == null ? null : ChannelConfigs.read(kind, fields);
        }
        reader.finish();
        if (kind == Channel.Kind.WEBHOOK) {
            alerts.connectors().refuseUrl("config.url", config.get("url").stringValue());
        }
        if (alerts.channels().count() >= ChannelStore.CHANNELS_MAX) {
            throw new ApiException(
                    409, "channel_limit", "there are already " + ChannelStore.CHANNELS_MAX + " channels");
        }
        boolean signed = kind == Channel.Kind.WEBHOOK
                && config.get("format").stringValue().equals(ChannelConfigs.FORMAT_GENERIC);
        String secret = signed ? Signatures.newSecret() : null;
        Channel channel = alerts.channels()
                .create(id, kind, new ChannelStore.JsonText(config.toString()), secret, Actor.of(call))
                .orElseThrow(() -> new ApiException(409, "channel_exists", "a channel '" + id + "' exists already"));
        try (JsonOutput out = new JsonOutput()) {
            write(out, channel, secret);
            return Reply.json(201, out);
        }
    }

    private Reply listChannels(Call call) {
        String after = Cursor.id(call.query("cursor"), CHANNEL_CURSOR_KIND);
        return Lists.inMemory(
                alerts.channels().list(),
                Channel::id,
                after,
                call.limit(),
                (out, channel) -> write(out, channel, null),
                channel -> Cursor.ofId(CHANNEL_CURSOR_KIND, channel.id()));
    }

    private Reply putRules(Call call) {
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "rules");
        List<JsonNode> items = body.array("rules", true, 0, ChannelStore.RULES_MAX);
        Set<String> known = new HashSet<>();
        alerts.channels().list().forEach(channel -> known.add(channel.id()));
        List<ChannelStore.Rule> rules = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            RequestReader.Fields item =
                    body.item("rules", i, items.get(i), "severity", RequestReader.orNull("category"), "channels");
            if (item != null) {
                rules.add(rule(item, known));
            }
        }
        reader.finish();
        alerts.channels().replaceRules(rules, Actor.of(call));
        return rulesReply(rules);
    }

    private static ChannelStore.Rule rule(RequestReader.Fields item, Set<String> known) {
        Severity severity = item.choice("severity", Severity.byCode(), null);
        String category = item.string("category", false, 64);
        if (category != null && !CATEGORY.matcher(category).matches()) {
            item.reader().add(item.path("category"), FieldError.INVALID_FORMAT, "must match " + CATEGORY.pattern());
        }
        Set<String> channels = new LinkedHashSet<>();
        List<JsonNode> names = item.array("channels", true, 1, CHANNELS_PER_RULE_MAX);
        for (int j = 0; j < names.size(); j++) {
            JsonNode name = names.get(j);
            if (!name.isString() || !known.contains(name.stringValue())) {
                item.reader().add(item.path("channels") + "[" + j + "]", FieldError.INVALID_VALUE, "names no channel");
            } else {
                channels.add(name.stringValue());
            }
        }
        return new ChannelStore.Rule(severity == null ? Severity.INFO : severity, category, List.copyOf(channels));
    }

    private Reply rules(Call call) {
        return rulesReply(alerts.channels().rules());
    }

    private static Reply rulesReply(List<ChannelStore.Rule> rules) {
        try (JsonOutput out = new JsonOutput()) {
            out.json.writeStartObject();
            out.json.writeName("rules");
            out.json.writeStartArray();
            for (ChannelStore.Rule rule : rules) {
                out.json.writeStartObject();
                out.string("severity", rule.severity().code());
                out.string("category", rule.category());
                out.json.writeName("channels");
                out.json.writeStartArray();
                rule.channels().forEach(out.json::writeString);
                out.json.writeEndArray();
                out.json.writeEndObject();
            }
            out.json.writeEndArray();
            out.json.writeEndObject();
            return Reply.json(200, out);
        }
    }

    /** A new alert each time (its own dedupe key), sent through the routes like any other. */
    private Reply test(Call call) {
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "severity");
        Severity severity = body.choice("severity", Severity.byCode(), null);
        reader.finish();
        byte[] random = new byte[8];
        ThreadLocalRandom.current().nextBytes(random);
        String key = "test:" + HexFormat.of().formatHex(random);
        AlertStore.Raised raised = alerts.raised(new Alerts.Raise(
                severity,
                TEST_CATEGORY,
                key,
                "Test alert (" + severity.code() + ") sent by " + call.principal(),
                "This alert was sent through POST /v1/alerts/test to check the routes and channels.",
                null));
        return one(201, raised.alert());
    }

    private Reply list(Call call) {
        int limit = call.limit();
        Long before = Cursor.sequence(call.query("cursor"), CURSOR_KIND);
        Alert.Status status = choice(call, "status", Alert.Status.byCode());
        Severity severity = choice(call, "severity", Severity.byCode());
        String category = call.query("category");
        if (category != null && !CATEGORY.matcher(category).matches()) {
            throw ApiException.invalid(
                    List.of(new FieldError("category", FieldError.INVALID_FORMAT, "must match " + CATEGORY.pattern())));
        }
        Page<Alert> page = alerts.store().list(status, severity, category, before, limit);
        return Lists.reply(
                page,
                (out, alert) -> AlertJson.write(out, alert, null),
                alert -> Cursor.ofSequence(CURSOR_KIND, alert.sequence()));
    }

    private static <E> E choice(Call call, String name, Map<String, E> choices) {
        String value = call.query(name);
        if (value == null) {
            return null;
        }
        E choice = choices.get(value);
        if (choice == null) {
            throw ApiException.invalid(List.of(new FieldError(
                    name, FieldError.INVALID_VALUE, "must be one of " + new TreeSet<>(choices.keySet()))));
        }
        return choice;
    }

    private Reply show(Call call) {
        return one(200, alert(call));
    }

    private Reply acknowledge(Call call) {
        Alert alert = alert(call);
        call.body(new RequestReader()).reader().finish();
        if (alert.status() == Alert.Status.RESOLVED) {
            throw new ApiException(409, "alert_resolved", "alert " + alert.id() + " is resolved already");
        }
        Alert acknowledged = alerts.store()
                .acknowledge(alert.sequence(), call.principal())
                .or(() -> alerts.store().find(alert.sequence()))
                .orElseThrow();
        if (acknowledged.status() == Alert.Status.RESOLVED) {
            throw new ApiException(409, "alert_resolved", "alert " + alert.id() + " is resolved already");
        }
        return one(200, acknowledged);
    }

    private Alert alert(Call call) {
        String id = call.path("id");
        long sequence = Alert.sequenceOf(id);
        return (sequence > 0 ? alerts.store().find(sequence) : Optional.<Alert>empty())
                .orElseThrow(() -> ApiException.notFound(
                        "alert_not_found", "no alert '" + (Limits.isIdentifier(id) ? id : "…") + "'"));
    }

    private Reply one(int status, Alert alert) {
        try (JsonOutput out = new JsonOutput()) {
            AlertJson.write(out, alert, alerts.store().deliveries(alert.sequence()));
            return Reply.json(status, out);
        }
    }

    private static void write(JsonOutput out, Channel channel, String secret) {
        out.json.writeStartObject();
        out.string("id", channel.id());
        out.string("kind", channel.kind().code());
        out.json.writeName("config");
        out.json.writeTree(ChannelConfigs.redacted(channel));
        out.time("created_at", channel.createdAtMicros());
        if (secret != null) {
            out.string("secret", secret);
        }
        out.json.writeEndObject();
    }
}
