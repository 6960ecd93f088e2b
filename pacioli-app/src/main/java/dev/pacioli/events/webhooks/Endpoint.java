package dev.pacioli.events.webhooks;

import java.util.List;

/**
 * A registered webhook endpoint, as stored.
 *
 * @param ledgers ledger names, or null for every ledger
 * @param previousSecret the secret before the last rotation while it still signs, else null
 */
public record Endpoint(
        String id,
        String url,
        List<String> events,
        List<String> ledgers,
        String secret,
        String previousSecret,
        Long previousSecretUntilMicros,
        boolean enabled,
        String disabledReason,
        long createdAtMicros,
        long updatedAtMicros) {
    public Endpoint {
        events = List.copyOf(events);
        ledgers = ledgers == null ? null : List.copyOf(ledgers);
    }

    /** This endpoint as it stood while enabled: what an automatic disabling changed, for its audit record. */
    Endpoint enabledAgain() {
        return new Endpoint(
                id,
                url,
                events,
                ledgers,
                secret,
                previousSecret,
                previousSecretUntilMicros,
                true,
                null,
                createdAtMicros,
                updatedAtMicros);
    }
}
