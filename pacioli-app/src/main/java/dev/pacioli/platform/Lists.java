package dev.pacioli.platform;

import dev.pacioli.postgres.Page;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/** The list envelope: {@code {"data": [...], "next_cursor": "..."}}, the cursor absent on the last page. */
public final class Lists {
    private Lists() {}

    public static <T> Reply reply(Page<T> page, BiConsumer<JsonOutput, T> item, Function<T, String> cursor) {
        return reply(page.items(), page.hasMore() ? cursor.apply(page.last()) : null, item);
    }

    /** The page's items and the cursor of the next page, or null on the last page. */
    public static <T> Reply reply(List<T> items, String nextCursor, BiConsumer<JsonOutput, T> item) {
        try (JsonOutput out = new JsonOutput()) {
            out.json.writeStartObject();
            out.json.writeName("data");
            out.json.writeStartArray();
            for (T each : items) {
                item.accept(out, each);
            }
            out.json.writeEndArray();
            if (nextCursor != null) {
                out.string("next_cursor", nextCursor);
            }
            out.json.writeEndObject();
            return Reply.json(200, out);
        }
    }

    /**
     * One page of a short list held in memory (ledgers, assets), ordered by a key, after the cursor's
     * key. These lists are small, so paging in memory is simpler than a query per page.
     */
    public static <T> Reply inMemory(
            List<T> sorted,
            Function<T, String> key,
            String after,
            int limit,
            BiConsumer<JsonOutput, T> item,
            Function<T, String> cursor) {
        List<T> rest = after == null
                ? sorted
                : sorted.stream()
                        .filter(each -> key.apply(each).compareTo(after) > 0)
                        .toList();
        if (rest.size() > limit) {
            List<T> page = rest.subList(0, limit);
            return reply(page, cursor.apply(page.getLast()), item);
        }
        return reply(rest, null, item);
    }
}
