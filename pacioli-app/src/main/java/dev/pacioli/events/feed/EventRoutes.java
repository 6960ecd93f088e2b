package dev.pacioli.events.feed;

import dev.pacioli.ledger.Limits;
import dev.pacioli.ledger.http.Ledgers;
import dev.pacioli.platform.ApiException;
import dev.pacioli.platform.ApiKey.Role;
import dev.pacioli.platform.Call;
import dev.pacioli.platform.FieldError;
import dev.pacioli.platform.JsonOutput;
import dev.pacioli.platform.Reply;
import dev.pacioli.platform.Route;
import dev.pacioli.postgres.Database;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The pull API: a ledger's events, or the service's own (of no ledger), in sequence order, after a
 * sequence the consumer has processed.
 */
public final class EventRoutes {
    private final Database database;
    private final Ledgers ledgers;
    private final ServiceEventStore serviceEvents;

    public EventRoutes(Database database, Ledgers ledgers, ServiceEventStore serviceEvents) {
        this.database = database;
        this.ledgers = ledgers;
        this.serviceEvents = serviceEvents;
    }

    /**
     * The service stream tells of API keys, ledgers and webhook endpoints, which a reader may not list:
     * it takes an operator whose key is not scoped to ledgers.
     */
    public List<Route> routes() {
        return List.of(
                Route.get("/v1/ledgers/{ledger}/events", Role.READER, this::list, "after", "limit"),
                Route.get("/v1/events", Role.OPERATOR, this::listService, "after", "limit", "ledger"));
    }

    /**
     * {@code after} is a sequence (0, the default, is the start); the answer's {@code next_cursor} is
     * absent and consumers page by passing the last event's sequence as {@code after}. An empty page
     * means the consumer is up to date, for now.
     */
    private Reply list(Call call) {
        int limit = call.limit();
        long after = after(call.query("after"));
        return page(new EventFeed(database.events()).after(ledgers.of(call).ledger(), after, limit));
    }

    /**
     * The service stream; with {@code ledger}, only the events of that ledger's objects (payouts,
     * deposits). A key scoped to ledgers reads only those of a ledger in its scope: the rest tell of
     * every ledger's keys and objects.
     */
    private Reply listService(Call call) {
        String ledger = call.query("ledger");
        if (ledger != null && !Limits.isIdentifier(ledger)) {
            throw ApiException.invalid(
                    List.of(new FieldError("ledger", FieldError.INVALID_FORMAT, "must be a ledger name")));
        }
        if (call.key.ledgers() != null && (ledger == null || !call.key.ledgers().contains(ledger))) {
            throw new ApiException(
                    403,
                    "forbidden",
                    "a key scoped to ledgers reads the service stream only with ?ledger= naming one of them");
        }
        int limit = call.limit();
        return page(serviceEvents.after(after(call.query("after")), ledger, limit));
    }

    private static Reply page(List<Event> events) {
        try (JsonOutput out = new JsonOutput()) {
            out.json.writeStartObject();
            out.json.writeName("data");
            out.json.writeStartArray();
            for (Event event : events) {
                out.json.writeRawValue(new String(event.json(), StandardCharsets.UTF_8));
            }
            out.json.writeEndArray();
            out.json.writeEndObject();
            return Reply.json(200, out);
        }
    }

    private static long after(String text) {
        if (text == null) {
            return 0;
        }
        try {
            long after = Long.parseLong(text);
            if (after >= 0) {
                return after;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.invalid(
                List.of(new FieldError("after", FieldError.OUT_OF_RANGE, "must be a sequence: a whole number >= 0")));
    }
}
