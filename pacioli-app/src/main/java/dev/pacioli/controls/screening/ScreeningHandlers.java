package dev.pacioli.controls.screening;

import dev.pacioli.ledger.Assert;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who acts on a decision, per object type: a capability that holds objects for screening registers a
 * {@link Handler} for its type once, at start, and the decide route calls it inside the decide's own
 * database transaction. A decision for a type nobody registered is a wiring bug and fails loudly (the
 * case stays open), never a decision that silently does nothing.
 */
public final class ScreeningHandlers {
    /** What a capability does when one of its objects' cases is decided. */
    @FunctionalInterface
    public interface Handler {
        /**
         * Called in the decide's transaction, after the case row changed and before the commit: clear →
         * release the object to where it was going; confirm → reject it (and void its reserve). Throwing
         * rolls the decision back.
         */
        void decided(Connection transaction, ScreeningCase screeningCase, ScreeningCase.Decision decision)
                throws SQLException;
    }

    private final Map<String, Handler> handlers = new ConcurrentHashMap<>();

    /** Registers the handler of {@code objectType}; a type has one handler. */
    public void register(String objectType, Handler handler) {
        Handler previous = handlers.putIfAbsent(objectType, handler);
        Assert.that(previous == null, "object type '%s' has a screening handler already", objectType);
    }

    /** The handler of the type; throws when there is none (a capability opened cases it cannot decide). */
    Handler of(String objectType) {
        Handler handler = handlers.get(objectType);
        Assert.that(
                handler != null,
                "no screening handler is registered for object type '%s': its cases cannot be decided",
                objectType);
        return handler;
    }
}
