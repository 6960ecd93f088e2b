package dev.pacioli.platform.alerts;

import dev.pacioli.platform.FieldError;
import dev.pacioli.platform.RequestReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code config} of each kind of channel: read from a request with every problem named, stored as
 * JSON, and shown back without its secrets ({@link #redacted}). Secrets are the SMTP password, the
 * PagerDuty routing key, and the path and query of a webhook URL (a Slack incoming-webhook URL is
 * itself the credential).
 */
final class ChannelConfigs {
    static final String FORMAT_SLACK = "slack";
    static final String FORMAT_PAGERDUTY = "pagerduty";
    static final String FORMAT_GENERIC = "generic";

    private static final Map<String, String> FORMATS =
            Map.of(FORMAT_SLACK, FORMAT_SLACK, FORMAT_PAGERDUTY, FORMAT_PAGERDUTY, FORMAT_GENERIC, FORMAT_GENERIC);
    private static final Set<String> SECRET_FIELDS = Set.of("password", "routing_key");
    private static final int HOST_LENGTH_MAX = 253;
    private static final int TEXT_LENGTH_MAX = 255;
    private static final int URL_LENGTH_MAX = 2_000;
    private static final int RECIPIENTS_MAX = 20;
    /** Deliberately plain: one @, no spaces or angle brackets; the SMTP server has the last word. */
    private static final Pattern ADDRESS = Pattern.compile("^[^@\\s<>\"(),;:]{1,64}@[A-Za-z0-9.-]{1,253}$");

    private ChannelConfigs() {}

    /** The config of a channel of this kind, or null (with errors recorded) when it is not valid. */
    static ObjectNode read(Channel.Kind kind, RequestReader.Fields body) {
        ObjectNode config = JsonNodeFactory.instance.objectNode();
        switch (kind) {
            case EMAIL -> email(body, config);
            case WEBHOOK -> webhook(body, config);
            case LOG -> {
                // A log channel needs nothing.
            }
        }
        return config;
    }

    /** The fields a config of this kind may have, for the reader. */
    static String[] fields(Channel.Kind kind) {
        return switch (kind) {
            case EMAIL -> new String[] {"host", "port", "starttls", "username", "password", "from", "to"};
            case WEBHOOK -> new String[] {"url", "format", "routing_key"};
            case LOG -> new String[] {};
        };
    }

    private static void email(RequestReader.Fields body, ObjectNode config) {
        String host = body.string("host", true, HOST_LENGTH_MAX);
        Long port = body.integerInRange("port", 1, 65_535);
        if (port == null && !body.has("port")) {
            body.reader().add(body.path("port"), FieldError.REQUIRED, "is required");
        }
        boolean starttls = body.flag("starttls", true);
        String username = body.string("username", false, TEXT_LENGTH_MAX);
        String password = body.string("password", false, TEXT_LENGTH_MAX);
        String from = address(body, "from", body.string("from", true, TEXT_LENGTH_MAX));
        if ((username == null) != (password == null)) {
            body.reader().add(body.path("password"), FieldError.INVALID_VALUE, "username and password go together");
        }
        if (!starttls && password != null) {
            body.reader()
                    .add(body.path("starttls"), FieldError.INVALID_VALUE, "a password is never sent without STARTTLS");
        }
        ArrayNode to = config.putArray("to");
        List<JsonNode> recipients = body.array("to", true, 1, RECIPIENTS_MAX);
        for (int i = 0; i < recipients.size(); i++) {
            JsonNode item = recipients.get(i);
            if (!item.isString() || !ADDRESS.matcher(item.stringValue()).matches()) {
                body.reader().add(body.path("to") + "[" + i + "]", FieldError.INVALID_FORMAT, "must be an address");
            } else {
                to.add(item.stringValue());
            }
        }
        config.put("host", host);
        config.put("port", port == null ? 0 : port);
        config.put("starttls", starttls);
        config.put("username", username);
        config.put("password", password);
        config.put("from", from);
    }

    private static String address(RequestReader.Fields body, String name, String value) {
        if (value != null && !ADDRESS.matcher(value).matches()) {
            body.reader().add(body.path(name), FieldError.INVALID_FORMAT, "must be an address");
            return null;
        }
        return value;
    }

    private static void webhook(RequestReader.Fields body, ObjectNode config) {
        String url = body.string("url", true, URL_LENGTH_MAX);
        String problem = url == null ? null : urlProblem(url);
        if (problem != null) {
            body.reader().add(body.path("url"), FieldError.INVALID_FORMAT, problem);
        }
        String format = body.choice("format", FORMATS, null);
        String routingKey = body.string("routing_key", false, TEXT_LENGTH_MAX);
        if (FORMAT_PAGERDUTY.equals(format) && routingKey == null && !body.has("routing_key")) {
            body.reader().add(body.path("routing_key"), FieldError.REQUIRED, "the pagerduty format needs it");
        }
        if (format != null && !FORMAT_PAGERDUTY.equals(format) && routingKey != null) {
            body.reader().add(body.path("routing_key"), FieldError.INVALID_VALUE, "only the pagerduty format has one");
        }
        config.put("url", url);
        config.put("format", format);
        if (routingKey != null) {
            config.put("routing_key", routingKey);
        }
    }

    /**
     * Why a URL cannot be a channel's, or null. Only its form is checked here; which hosts may be
     * reached is the outbound policy's to say, at every call (a connector's job, see docs/alerts.md).
     */
    static String urlProblem(String url) {
        try {
            URI uri = new URI(url);
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
                return "must be an http or https URL";
            }
            if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
                return "must name a host, and no user or fragment";
            }
            return null;
        } catch (URISyntaxException e) {
            return "is not a URL";
        }
    }

    /** The config as the API shows it: no secret, and a webhook URL cut to its origin. */
    static ObjectNode redacted(Channel channel) {
        ObjectNode shown = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, JsonNode> field : channel.config().properties()) {
            if (SECRET_FIELDS.contains(field.getKey())) {
                shown.put(field.getKey() + "_set", !field.getValue().isNull());
            } else if (field.getKey().equals("url")) {
                shown.put("url", origin(field.getValue().stringValue()));
            } else {
                shown.set(field.getKey(), field.getValue());
            }
        }
        return shown;
    }

    private static String origin(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getRawAuthority() + "/…";
    }
}
