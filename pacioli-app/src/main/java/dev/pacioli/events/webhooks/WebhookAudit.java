package dev.pacioli.events.webhooks;

import dev.pacioli.ledger.Assert;
import dev.pacioli.ledger.JournalCodec;
import dev.pacioli.platform.ServiceEvents;
import dev.pacioli.platform.Times;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.audit.AuditAction;
import dev.pacioli.platform.audit.AuditEntry;
import dev.pacioli.platform.audit.AuditJson;
import dev.pacioli.platform.audit.AuditLog;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Webhook endpoints as the audit log and the service stream show them (the stream is read by
 * operators, who may not see endpoints, and reaches other webhooks). Never a secret: not the signing secrets (a rotation
 * shows as a new {@code previous_secret_until}), and not the whole URL either, whose path or query
 * often is one (a chat service's incoming-webhook URL is its own credential): the log keeps the URL's
 * origin and the SHA-256 of the whole URL, so a change is visible and a known URL can be checked.
 */
final class WebhookAudit {
    private WebhookAudit() {}

    /** Every webhook service event type: one per audited action, named as the action. */
    static final List<String> EVENT_TYPES = Stream.of(
                    AuditAction.WEBHOOK_ENDPOINT_CREATED,
                    AuditAction.WEBHOOK_ENDPOINT_UPDATED,
                    AuditAction.WEBHOOK_ENDPOINT_DELETED,
                    AuditAction.WEBHOOK_ENDPOINT_SECRET_ROTATED,
                    AuditAction.WEBHOOK_ENDPOINT_DISABLED)
            .map(AuditAction::code)
            .toList();

    /**
     * A change of an endpoint, in the change's transaction: its audit record, and its service event
     * (the type is the action's code; the data is the endpoint after, or before a deletion).
     */
    static void record(Connection connection, Actor actor, AuditAction action, Endpoint before, Endpoint after)
            throws SQLException {
        Assert.that(EVENT_TYPES.contains(action.code()), "%s is a webhook endpoint's action", action);
        String id = before != null ? before.id() : after.id();
        AuditLog.append(connection, actor, AuditEntry.of(action, id, describe(before), describe(after)));
        ServiceEvents.append(
                connection,
                action.code(),
                describe(after != null ? after : before).getBytes(StandardCharsets.UTF_8));
    }

    static String describe(Endpoint endpoint) {
        if (endpoint == null) {
            return null;
        }
        return AuditJson.object(
                "id", endpoint.id(),
                "url_origin", origin(endpoint.url()),
                "url_sha256",
                        HexFormat.of()
                                .formatHex(JournalCodec.sha256()
                                        .digest(endpoint.url().getBytes(StandardCharsets.UTF_8))),
                "events", endpoint.events(),
                "ledgers", endpoint.ledgers(),
                "enabled", endpoint.enabled(),
                "disabled_reason", endpoint.disabledReason(),
                "previous_secret_until",
                        endpoint.previousSecretUntilMicros() == null
                                ? null
                                : Times.format(endpoint.previousSecretUntilMicros()));
    }

    /** {@code scheme://host[:port]} of a URL the routes accepted. */
    private static String origin(String url) {
        try {
            URI uri = URI.create(url);
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        } catch (IllegalArgumentException e) {
            return "(not a URI)";
        }
    }
}
