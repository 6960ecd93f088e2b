package dev.pacioli.access;

import dev.pacioli.ledger.Limits;
import dev.pacioli.platform.ApiException;
import dev.pacioli.platform.ApiKey;
import dev.pacioli.platform.ApiKey.Flag;
import dev.pacioli.platform.ApiKey.Role;
import dev.pacioli.platform.Authenticator;
import dev.pacioli.platform.Call;
import dev.pacioli.platform.Cursor;
import dev.pacioli.platform.FieldError;
import dev.pacioli.platform.JsonOutput;
import dev.pacioli.platform.Lists;
import dev.pacioli.platform.Reply;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.Route;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.postgres.Page;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/** API keys: create (the secret shown once), list, revoke. Each key has a principal, a role and flags. */
final class KeyRoutes {
    private static final String CURSOR_KIND = "api-keys";
    private static final int NAME_LENGTH_MAX = 128;
    private static final int LEDGERS_PER_KEY_MAX = 100;
    private static final Map<String, Role> ROLES =
            Map.of("reader", Role.READER, "writer", Role.WRITER, "operator", Role.OPERATOR, "admin", Role.ADMIN);
    private static final Map<String, Flag> FLAGS =
            Map.of(Flag.APPROVER.code(), Flag.APPROVER, Flag.COMPLIANCE.code(), Flag.COMPLIANCE);

    private final ApiKeys keys;
    private final Authenticator authenticator;

    KeyRoutes(ApiKeys keys, Authenticator authenticator) {
        this.keys = keys;
        this.authenticator = authenticator;
    }

    List<Route> routes() {
        return List.of(
                Route.post("/v1/api-keys", Role.ADMIN, this::create),
                Route.list("/v1/api-keys", Role.ADMIN, false, this::list),
                Route.delete("/v1/api-keys/{id}", Role.ADMIN, this::revoke));
    }

    private Reply create(Call call) {
        RequestReader reader = new RequestReader();
        // principal and flags are not nullable: absent means the default, null means nothing here.
        RequestReader.Fields body =
                call.body(reader, "name", "role", RequestReader.orNull("ledgers"), "principal", "flags");
        String name = body.string("name", true, NAME_LENGTH_MAX);
        if (name != null && name.isBlank()) {
            reader.add("name", FieldError.INVALID_VALUE, "must not be empty");
        }
        String principal = body.string("principal", false, ApiKey.PRINCIPAL_LENGTH_MAX);
        if (principal != null && principal.isBlank()) {
            reader.add("principal", FieldError.INVALID_VALUE, "must not be empty; leave it out to use the name");
        }
        Role role = body.choice("role", ROLES, null);
        Set<Flag> flags = flags(body);
        List<String> ledgers = body.has("ledgers") ? ledgers(body) : null;
        reader.finish();
        if (!withinScope(call.key, ledgers)) {
            throw new ApiException(403, "forbidden", "a key scoped to ledgers can only grant ledgers within its scope");
        }
        String secret = Authenticator.newSecret();
        ApiKey key = keys.create(
                name,
                principal == null ? name : principal,
                role,
                flags,
                ledgers,
                Authenticator.hash(secret),
                Actor.of(call));
        try (JsonOutput out = new JsonOutput()) {
            KeyJson.write(out, key, secret);
            return Reply.json(201, out);
        }
    }

    /** Distinct known flags; none when absent. */
    private static Set<Flag> flags(RequestReader.Fields body) {
        Set<Flag> flags = EnumSet.noneOf(Flag.class);
        List<JsonNode> items = body.array("flags", false, 0, Flag.values().length);
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            Flag flag = item.isString() ? FLAGS.get(item.stringValue()) : null;
            if (flag == null) {
                body.reader()
                        .add(
                                body.path("flags") + "[" + i + "]",
                                FieldError.INVALID_VALUE,
                                "must be one of " + new TreeMap<>(FLAGS).keySet());
            } else if (!flags.add(flag)) {
                body.reader().add(body.path("flags"), FieldError.INVALID_VALUE, "names " + flag.code() + " twice");
            }
        }
        return flags;
    }

    private static List<String> ledgers(RequestReader.Fields body) {
        List<String> ledgers = new ArrayList<>();
        List<JsonNode> items = body.array("ledgers", true, 1, LEDGERS_PER_KEY_MAX);
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            if (!item.isString() || !Limits.isIdentifier(item.stringValue())) {
                body.reader()
                        .add(body.path("ledgers") + "[" + i + "]", FieldError.INVALID_FORMAT, "must be a ledger name");
            } else if (ledgers.contains(item.stringValue())) {
                body.reader()
                        .add(body.path("ledgers"), FieldError.INVALID_VALUE, "names " + item.stringValue() + " twice");
            } else {
                ledgers.add(item.stringValue());
            }
        }
        return ledgers;
    }

    private Reply list(Call call) {
        int limit = call.limit();
        String after = Cursor.id(call.query("cursor"), CURSOR_KIND);
        Page<ApiKey> page = keys.list(after, limit);
        // A scoped admin sees only the keys it could have made; its pages may hold fewer items.
        List<ApiKey> visible = page.items().stream()
                .filter(key -> withinScope(call.key, key.ledgers()))
                .toList();
        String next = page.hasMore() ? Cursor.ofId(CURSOR_KIND, page.last().id()) : null;
        return Lists.reply(visible, next, (out, key) -> KeyJson.write(out, key, null));
    }

    private Reply revoke(Call call) {
        String id = call.path("id");
        ApiKey found = (Limits.isIdentifier(id) ? keys.find(id) : Optional.<ApiKey>empty())
                .filter(key -> withinScope(call.key, key.ledgers()))
                .orElseThrow(() -> ApiException.notFound("api_key_not_found", "no API key '" + id + "'"));
        ApiKey key = keys.revoke(found.id(), Actor.of(call)).orElseThrow();
        authenticator.forget(key.id());
        try (JsonOutput out = new JsonOutput()) {
            KeyJson.write(out, key, null);
            return Reply.json(200, out);
        }
    }

    /** Whether a key with these ledgers (null: every ledger) lies within the caller's scope. */
    private static boolean withinScope(ApiKey caller, List<String> ledgers) {
        return caller.ledgers() == null || (ledgers != null && caller.ledgers().containsAll(ledgers));
    }
}
