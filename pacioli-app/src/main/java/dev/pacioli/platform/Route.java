package dev.pacioli.platform;

import dev.pacioli.ledger.Assert;
import dev.pacioli.platform.ApiKey.Flag;
import dev.pacioli.platform.ApiKey.Role;
import io.javalin.http.HandlerType;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One operation of the API: its method and path, the least role that may call it and the flags it
 * needs besides, the query parameters it knows (anything else is a 400), and the largest body it reads.
 *
 * <p>Flags stand beside roles: a route that needs {@code approver} needs its role and the flag, so a
 * flag never lets a key past a role it lacks, and no role stands in for a flag unless the route says so
 * ({@link #waivingFlagsFor}: the audit log is for admins, or any role with the compliance flag).
 *
 * @param role null for the routes that need no key (health, metrics, the OpenAPI document)
 * @param flags the flags the caller's key must all have; empty for nearly every route
 * @param flagsWaivedFor a role whose keys need no flags here (the audit log: admin, or the compliance
 *     flag), or null: the flags bind every role
 * @param metadataFilters whether {@code metadata.<key>=<value>} query parameters are allowed
 * @param bodyTypes media types the route reads besides JSON ({@code text/csv}), lower case; the gate
 *     answers 415 for any other
 */
public record Route(
        HandlerType method,
        String path,
        Role role,
        Set<Flag> flags,
        Role flagsWaivedFor,
        Set<String> query,
        boolean metadataFilters,
        long bodyBytesMax,
        Action action,
        Set<String> bodyTypes) {
    public Route {
        flags = ApiKey.flagSet(flags);
        Assert.that(role != null || flags.isEmpty(), "%s %s needs no key, so it cannot need a flag", method, path);
        Assert.that(
                flagsWaivedFor == null || (!flags.isEmpty() && flagsWaivedFor.includes(role)),
                "%s %s waives flags it does not need, or for a role below its own",
                method,
                path);
    }

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
        return new Route(HandlerType.GET, path, role, Set.of(), null, Set.of(query), false, 0, action, Set.of());
    }

    /** A list: {@code limit} and {@code cursor} plus the route's own filters. */
    public static Route list(String path, Role role, boolean metadataFilters, Action action, String... filters) {
        Set<String> query = new HashSet<>(Set.of(filters));
        query.add("limit");
        query.add("cursor");
        return new Route(
                HandlerType.GET, path, role, Set.of(), null, Set.copyOf(query), metadataFilters, 0, action, Set.of());
    }

    public static Route post(String path, Role role, Action action, String... query) {
        return new Route(
                HandlerType.POST, path, role, Set.of(), null, Set.of(query), false, BODY_BYTES_MAX, action, Set.of());
    }

    public static Route put(String path, Role role, Action action) {
        return new Route(
                HandlerType.PUT, path, role, Set.of(), null, Set.of(), false, BODY_BYTES_MAX, action, Set.of());
    }

    public static Route patch(String path, Role role, Action action) {
        return new Route(
                HandlerType.PATCH, path, role, Set.of(), null, Set.of(), false, BODY_BYTES_MAX, action, Set.of());
    }

    public static Route delete(String path, Role role, Action action) {
        return new Route(HandlerType.DELETE, path, role, Set.of(), null, Set.of(), false, 0, action, Set.of());
    }

    public Route withBodyBytesMax(long bytes) {
        return new Route(method, path, role, flags, flagsWaivedFor, query, metadataFilters, bytes, action, bodyTypes);
    }

    /** The route needing these flags too, on top of its role: {@code Route.post(...).requiring(Flag.APPROVER)}. */
    public Route requiring(Flag... needed) {
        Set<Flag> all = new HashSet<>(flags);
        all.addAll(List.of(needed));
        return new Route(
                method, path, role, all, flagsWaivedFor, query, metadataFilters, bodyBytesMax, action, bodyTypes);
    }

    /**
     * The route with its flags waived for keys of {@code waived} (and above): {@code
     * .requiring(Flag.COMPLIANCE).waivingFlagsFor(Role.ADMIN)} is "admin, or any role with the
     * compliance flag". The role still binds: a flag never stands in for it.
     */
    public Route waivingFlagsFor(Role waived) {
        return new Route(method, path, role, flags, waived, query, metadataFilters, bodyBytesMax, action, bodyTypes);
    }

    /** The route reading bodies of these media types too ({@code text/csv}), besides JSON. */
    public Route accepting(String... mediaTypes) {
        Set<String> types = new HashSet<>(bodyTypes);
        for (String type : mediaTypes) {
            types.add(type.toLowerCase(Locale.ROOT));
        }
        return new Route(
                method,
                path,
                role,
                flags,
                flagsWaivedFor,
                query,
                metadataFilters,
                bodyBytesMax,
                action,
                Set.copyOf(types));
    }

    /**
     * Why this key may not call the route, or null when it may: the role first, then every flag. The
     * gate answers a reason with 403 {@code forbidden}.
     */
    public String refusal(ApiKey key) {
        if (role == null) {
            return null;
        }
        if (!key.role().includes(role)) {
            return "this needs the " + role.code() + " role; the key is "
                    + key.role().code();
        }
        if (flagsWaivedFor != null && key.role().includes(flagsWaivedFor)) {
            return null;
        }
        Set<Flag> missing = flags.stream().filter(flag -> !key.hasFlag(flag)).collect(Collectors.toSet());
        if (missing.isEmpty()) {
            return null;
        }
        return "this needs the " + codes(missing) + " flag" + (missing.size() > 1 ? "s" : "")
                + (flagsWaivedFor == null ? "" : " or the " + flagsWaivedFor.code() + " role") + "; the key has "
                + (key.flags().isEmpty() ? "none" : codes(key.flags()));
    }

    private static String codes(Set<Flag> flags) {
        return ApiKey.flagSet(flags).stream().map(Flag::code).collect(Collectors.joining(" and "));
    }
}
