package dev.pacioli.platform;

import dev.pacioli.postgres.ApiKey.Role;
import io.javalin.http.HandlerType;
import java.util.HashSet;
import java.util.Set;

/**
 * One operation of the API: its method and path, the least role that may call it, the query
 * parameters it knows (anything else is a 400), and the largest body it reads.
 *
 * @param role null for the routes that need no key (health, metrics, the OpenAPI document)
 * @param metadataFilters whether {@code metadata.<key>=<value>} query parameters are allowed
 */
public record Route(
        HandlerType method,
        String path,
        Role role,
        Set<String> query,
        boolean metadataFilters,
        long bodyBytesMax,
        Action action) {
    /** 1 MiB: API.md's limit for every body but a batch. */
    public static final long BODY_BYTES_MAX = 1L << 20;

    /** 16 MiB: a batch of 8,000 transactions. */
    public static final long BATCH_BODY_BYTES_MAX = 16L << 20;

    /** The work of a route, given its authenticated, validated call. */
    @FunctionalInterface
    public interface Action {
        Reply handle(Call call) throws Exception;
    }

    public static Route get(String path, Role role, Action action, String... query) {
        return new Route(HandlerType.GET, path, role, Set.of(query), false, 0, action);
    }

    /** A list: {@code limit} and {@code cursor} plus the route's own filters. */
    public static Route list(String path, Role role, boolean metadataFilters, Action action, String... filters) {
        Set<String> query = new HashSet<>(Set.of(filters));
        query.add("limit");
        query.add("cursor");
        return new Route(HandlerType.GET, path, role, Set.copyOf(query), metadataFilters, 0, action);
    }

    public static Route post(String path, Role role, Action action, String... query) {
        return new Route(HandlerType.POST, path, role, Set.of(query), false, BODY_BYTES_MAX, action);
    }

    public static Route put(String path, Role role, Action action) {
        return new Route(HandlerType.PUT, path, role, Set.of(), false, BODY_BYTES_MAX, action);
    }

    public static Route patch(String path, Role role, Action action) {
        return new Route(HandlerType.PATCH, path, role, Set.of(), false, BODY_BYTES_MAX, action);
    }

    public static Route delete(String path, Role role, Action action) {
        return new Route(HandlerType.DELETE, path, role, Set.of(), false, 0, action);
    }

    public Route withBodyBytesMax(long bytes) {
        return new Route(method, path, role, query, metadataFilters, bytes, action);
    }
}
