package dev.pacioli.http;

import dev.pacioli.events.WebhookSettings;
import dev.pacioli.postgres.Database;

/** What the routes work with: storage, the running ledgers, keys, metrics, and the webhook settings. */
public record Api(
        Database database,
        Ledgers ledgers,
        Authenticator authenticator,
        ServiceMetrics metrics,
        WebhookSettings webhooks) {}
