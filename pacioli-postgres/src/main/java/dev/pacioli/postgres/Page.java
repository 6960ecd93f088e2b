package dev.pacioli.postgres;

import dev.pacioli.ledger.Assert;
import java.util.List;

/**
 * One page of a list, in the list's order, and whether more items follow it. The caller makes its
 * cursor from the last item (an id, or a sequence), so a page needs no state kept between requests.
 */
public record Page<T>(List<T> items, boolean hasMore) {
    /** The most items one page holds. */
    public static final int LIMIT_MAX = 1_000;

    public Page {
        items = List.copyOf(items);
    }

    public T last() {
        Assert.that(!items.isEmpty(), "an empty page has no last item");
        return items.get(items.size() - 1);
    }

    public static void checkLimit(int limit) {
        Assert.that(limit >= 1 && limit <= LIMIT_MAX, "a page limit is 1 to %d, not %d", LIMIT_MAX, limit);
    }

    /** A page from a query that asked for {@code limit + 1} rows: the extra row only says that more exist. */
    public static <T> Page<T> of(List<T> rows, int limit) {
        boolean hasMore = rows.size() > limit;
        return new Page<>(hasMore ? rows.subList(0, limit) : rows, hasMore);
    }
}
