package dev.pacioli.platform.alerts;

import dev.pacioli.platform.JsonOutput;
import dev.pacioli.platform.Times;
import java.util.Locale;

/**
 * What each channel sends for one notice of one alert: an e-mail's subject and body, and the bodies of
 * the Slack, PagerDuty (Events API v2) and generic webhook formats. Pure functions of the alert, so
 * the tests check the shapes without a network.
 */
final class Messages {
    /** PagerDuty's limit on a summary. */
    private static final int PAGERDUTY_SUMMARY_MAX = 1024;

    private Messages() {}

    /** {@code [pacioli] CRITICAL: summary}, with the notice when it is not the first. */
    static String subject(Alert alert, String notice) {
        String severity = alert.severity().code().toUpperCase(Locale.ROOT);
        String prefix = switch (notice) {
            case AlertStore.NOTICE_RESOLVED -> "[pacioli] RESOLVED " + severity;
            case AlertStore.NOTICE_REMINDER ->
                "[pacioli] " + severity + " (still open, seen " + alert.count() + " times)";
            default -> "[pacioli] " + severity;
        };
        return prefix + ": " + oneLine(alert.summary());
    }

    /** A plain-text body: every field an operator needs to act, one per line. */
    static String text(Alert alert, String notice) {
        StringBuilder text = new StringBuilder();
        text.append(subject(alert, notice)).append("\n\n");
        line(text, "Severity", alert.severity().code());
        line(text, "Status", alert.status().code());
        line(text, "Category", alert.category());
        line(text, "Object", alert.object());
        line(text, "Alert", alert.id());
        line(text, "Dedupe key", alert.dedupeKey());
        line(text, "Raised at", Times.format(alert.raisedAtMicros()));
        line(text, "Last seen at", Times.format(alert.lastSeenAtMicros()));
        line(text, "Count", Long.toString(alert.count()));
        if (alert.resolvedAtMicros() != null) {
            line(text, "Resolved at", Times.format(alert.resolvedAtMicros()));
        }
        if (alert.details() != null) {
            text.append('\n').append(alert.details()).append('\n');
        }
        return text.toString();
    }

    private static void line(StringBuilder text, String name, String value) {
        if (value != null) {
            text.append(name).append(": ").append(oneLine(value)).append('\n');
        }
    }

    private static String oneLine(String text) {
        return text.replaceAll("[\\r\\n]+", " ");
    }

    /** Slack's incoming webhook: {@code {"text": ...}}, the subject in bold over the body. */
    static byte[] slack(Alert alert, String notice) {
        try (JsonOutput out = new JsonOutput()) {
            out.json.writeStartObject();
            out.string("text", "*" + subject(alert, notice) + "*\n" + text(alert, notice));
            out.json.writeEndObject();
            return out.toBytes();
        }
    }

    /**
     * PagerDuty Events API v2: {@code trigger} (also for a reminder, which PagerDuty folds into the
     * incident by {@code dedup_key}) or {@code resolve}.
     */
    static byte[] pagerDuty(Alert alert, String notice, String routingKey) {
        try (JsonOutput out = new JsonOutput()) {
            out.json.writeStartObject();
            out.string("routing_key", routingKey);
            out.string("event_action", notice.equals(AlertStore.NOTICE_RESOLVED) ? "resolve" : "trigger");
            out.string("dedup_key", alert.dedupeKey());
            out.json.writeName("payload");
            out.json.writeStartObject();
            String summary = oneLine(alert.summary());
            out.string(
                    "summary",
                    summary.length() > PAGERDUTY_SUMMARY_MAX ? summary.substring(0, PAGERDUTY_SUMMARY_MAX) : summary);
            out.string("source", alert.object() == null ? "pacioli" : alert.object());
            out.string("severity", alert.severity().code());
            out.string("component", "pacioli");
            out.string("class", alert.category());
            out.time("timestamp", alert.raisedAtMicros());
            out.json.writeName("custom_details");
            out.json.writeStartObject();
            out.string("alert", alert.id());
            out.number("count", alert.count());
            out.string("details", alert.details());
            out.json.writeEndObject();
            out.json.writeEndObject();
            out.json.writeEndObject();
            return out.toBytes();
        }
    }

    /** Ours: {@code {"type": "alert.raised", "alert": {...}}}, signed like event webhooks. */
    static byte[] generic(Alert alert, String notice) {
        try (JsonOutput out = new JsonOutput()) {
            out.json.writeStartObject();
            out.string("type", "alert." + notice);
            out.json.writeName("alert");
            AlertJson.write(out, alert, null);
            out.json.writeEndObject();
            return out.toBytes();
        }
    }
}
