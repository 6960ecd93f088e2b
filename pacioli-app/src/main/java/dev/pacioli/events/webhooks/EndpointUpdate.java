package dev.pacioli.events.webhooks;

import java.util.List;

/**
 * The changes of an endpoint update; a null field stays as it is, except {@code ledgers}, which
 * changes when {@code ledgersGiven} (to null: every ledger).
 */
public record EndpointUpdate(
        String url, List<String> events, boolean ledgersGiven, List<String> ledgers, Boolean enabled) {}
