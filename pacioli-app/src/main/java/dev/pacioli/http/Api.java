package dev.pacioli.http;

import dev.pacioli.postgres.Database;

/** What the routes work with: storage, the running ledgers, keys and metrics. */
public record Api(Database database, Ledgers ledgers, Authenticator authenticator, ServiceMetrics metrics) {}
