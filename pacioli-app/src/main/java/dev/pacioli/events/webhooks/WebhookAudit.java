package dev.pacioli.events.webhooks;

import dev.pacioli.ledger.JournalCodec;
import dev.pacioli.platform.Times;
import dev.pacioli.platform.audit.AuditAction;
import dev.pacioli.platform.audit.AuditEntry;
import dev.pacioli.platform.audit.AuditJson;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Webhook endpoints as the audit log shows them. Never a secret: not the signing secrets (a rotation
 * shows as a new {@code previous_secret_until}), and not the whole URL either, whose path or query
 * often is one (a chat service's incoming-webhook URL is its own credential): the log keeps the URL's
 * origin and the SHA-256 of the whole URL, so a change is visible and a known URL can be checked.
 */
final class WebhookAudit {
    private WebhookAudit() {}

    static AuditEntry entry(AuditAction action, Endpoint before, Endpoint after) {
        String id = before != null ? before.id() : after.id();
        return AuditEntry.of(action, id, describe(before), describe(after));
    }

    static String describe(Endpoint endpoint) {
        if (endpoint == null) {
            return null;
        }
        return AuditJson.object(
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
