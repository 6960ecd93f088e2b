package dev.pacioli.events.feed;

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

/** The pull API: a ledger's events in sequence order, after a sequence the consumer has processed. */
public final class EventRoutes {
    private final Database database;
    private final Ledgers ledgers;

    public EventRoutes(Database database, Ledgers ledgers) {
        this.database = database;
        this.ledgers = ledgers;
    }

    public List<Route> routes() {
        return List.of(Route.get("/v1/ledgers/{ledger}/events", Role.READER, this::list, "after", "limit"));
    }

    /**
     * {@code after} is a sequence (0, the default, is the start); the answer's {@code next_cursor} is
     * absent and consumers page by passing the last event's sequence as {@code after}. An empty page
     * means the consumer is up to date, for now.
     */
    private Reply list(Call call) {
        int limit = call.limit();
        long after = after(call.query("after"));
        List<Event> events =
                new EventFeed(database.events()).after(ledgers.of(call).ledger(), after, limit);
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
