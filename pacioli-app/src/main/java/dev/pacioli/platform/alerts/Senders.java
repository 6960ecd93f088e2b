package dev.pacioli.platform.alerts;

import dev.pacioli.platform.Signatures;
import dev.pacioli.platform.connectors.CircuitOpenException;
import dev.pacioli.platform.connectors.Connector;
import dev.pacioli.platform.connectors.ConnectorSettings;
import dev.pacioli.platform.connectors.Connectors;
import dev.pacioli.platform.connectors.HttpExchange;
import dev.pacioli.platform.connectors.Idempotence;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Sends one notice of one alert to one channel; throws when it was not delivered, with a message fit
 * for the delivery's {@code last_error} (never a secret).
 *
 * <p>Every call goes through the channel's connector ({@code alert:<channel id>}): its timeouts, its
 * circuit breaker, and for webhooks the outbound URL policy on the address connected to. An SMTP host is
 * checked against the policy before the mail library connects (it resolves the name again itself). The
 * connector retries nothing: the delivery job's schedule does. An interrupt (the jobs runner shutting
 * down) ends a call as {@link InterruptedException}, so the job is handed back rather than failed.
 */
final class Senders {
    private static final Logger LOG = LoggerFactory.getLogger("dev.pacioli.alerts");
    private static final String USER_AGENT = "Pacioli-Alerts/1";

    private final AlertSettings settings;
    private final Connectors connectors;

    Senders(AlertSettings settings, Connectors connectors) {
        this.settings = settings;
        this.connectors = connectors;
    }

    /** The channel's connector, made on first use: no retries of its own, the service's breaker. */
    private Connector connector(Channel channel) {
        return connectors.connector(
                "alert:" + channel.id(),
                "alert_" + channel.kind().name().toLowerCase(Locale.ROOT),
                ConnectorSettings.DEFAULTS
                        .withTimeouts(settings.connectTimeout(), settings.readTimeout())
                        .withRetry(ConnectorSettings.Retry.NONE)
                        .withBreaker(connectors.breakerDefault()));
    }

    /** A delivery that did not get through, with why. */
    static final class Undelivered extends Exception {
        private static final long serialVersionUID = 1L;

        Undelivered(String message) {
            super(message, null, false, false);
        }
    }

    void send(AlertDeliveries.Delivery delivery) throws Undelivered, InterruptedException {
        Channel channel = delivery.channel();
        switch (channel.kind()) {
            case EMAIL -> email(channel, delivery.alert(), delivery.notice());
            case WEBHOOK -> webhook(channel, delivery);
            case LOG -> log(delivery.alert(), delivery.notice());
        }
    }

    private static void log(Alert alert, String notice) {
        LOG.atWarn()
                .addKeyValue("alert", alert.id())
                .addKeyValue("severity", alert.severity().code())
                .addKeyValue("category", alert.category())
                .addKeyValue("object", alert.object())
                .addKeyValue("count", alert.count())
                .addKeyValue("notice", notice)
                .log(Messages.subject(alert, notice));
    }

    private void email(Channel channel, Alert alert, String notice) throws Undelivered, InterruptedException {
        JsonNode config = channel.config();
        Properties properties = new Properties();
        String host = config.get("host").stringValue();
        properties.put("mail.smtp.host", host);
        properties.put("mail.smtp.port", Integer.toString(config.get("port").intValue()));
        properties.put(
                "mail.smtp.connectiontimeout",
                Long.toString(settings.connectTimeout().toMillis()));
        properties.put("mail.smtp.timeout", Long.toString(settings.readTimeout().toMillis()));
        properties.put(
                "mail.smtp.writetimeout", Long.toString(settings.readTimeout().toMillis()));
        if (config.get("starttls").booleanValue()) {
            // Required, not merely enabled: a server that does not offer STARTTLS gets nothing.
            properties.put("mail.smtp.starttls.enable", "true");
            properties.put("mail.smtp.starttls.required", "true");
            properties.put("mail.smtp.ssl.checkserveridentity", "true");
            if (settings.mailSockets() != null) {
                properties.put("mail.smtp.ssl.socketFactory", settings.mailSockets());
            }
        }
        String username = text(config, "username");
        properties.put("mail.smtp.auth", Boolean.toString(username != null));
        try {
            connector(channel)
                    .call(
                            Idempotence.NOT_IDEMPOTENT,
                            () -> {
                                connectors.policy().permitted(host);
                                try {
                                    sendMail(properties, config, alert, notice, username);
                                } catch (MessagingException e) {
                                    throw new IOException(describe(e), e);
                                }
                                return Boolean.TRUE;
                            },
                            sent -> null);
        } catch (CircuitOpenException e) {
            throw new Undelivered("smtp " + host + ": its circuit breaker is open");
        } catch (IOException e) {
            throw new Undelivered("smtp " + host + ": " + e.getMessage());
        }
    }

    private static void sendMail(Properties properties, JsonNode config, Alert alert, String notice, String username)
            throws MessagingException {
        MimeMessage message = new MimeMessage(Session.getInstance(properties));
        message.setFrom(new InternetAddress(config.get("from").stringValue(), true));
        List<InternetAddress> to = new ArrayList<>();
        for (JsonNode address : config.get("to").values()) {
            to.add(new InternetAddress(address.stringValue(), true));
        }
        message.setRecipients(Message.RecipientType.TO, to.toArray(InternetAddress[]::new));
        message.setSubject(Messages.subject(alert, notice), "UTF-8");
        message.setText(Messages.text(alert, notice), "UTF-8");
        message.setHeader("X-Pacioli-Alert", alert.id());
        message.setHeader("X-Pacioli-Severity", alert.severity().code());
        message.setSentDate(Date.from(Instant.now()));
        if (username == null) {
            Transport.send(message);
        } else {
            Transport.send(message, username, text(config, "password"));
        }
    }

    private static String text(JsonNode config, String name) {
        JsonNode value = config.get(name);
        return value == null || value.isNull() ? null : value.stringValue();
    }

    /** The chain of causes' messages: an SMTP failure's reason is usually two levels down. */
    private static String describe(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable each = error; each != null && text.length() < 400; each = each.getCause()) {
            if (!text.isEmpty()) {
                text.append(": ");
            }
            text.append(each.getMessage() == null ? each.getClass().getSimpleName() : each.getMessage());
        }
        return text.toString().replaceAll("[\\r\\n]+", " ");
    }

    private void webhook(Channel channel, AlertDeliveries.Delivery delivery) throws Undelivered, InterruptedException {
        Alert alert = delivery.alert();
        String format = channel.config().get("format").stringValue();
        byte[] body = switch (format) {
            case ChannelConfigs.FORMAT_SLACK -> Messages.slack(alert, delivery.notice());
            case ChannelConfigs.FORMAT_PAGERDUTY ->
                Messages.pagerDuty(alert, delivery.notice(), text(channel.config(), "routing_key"));
            default -> Messages.generic(alert, delivery.notice());
        };
        URI url = URI.create(channel.config().get("url").stringValue());
        Map<String, String> headers = new HashMap<>();
        headers.put("User-Agent", USER_AGENT);
        if (format.equals(ChannelConfigs.FORMAT_GENERIC)) {
            String messageId = AlertJson.DELIVERY_PREFIX + delivery.id();
            long timestamp = Instant.now().getEpochSecond();
            headers.put("webhook-id", messageId);
            headers.put("webhook-timestamp", Long.toString(timestamp));
            headers.put("webhook-signature", Signatures.sign(channel.secret(), messageId, timestamp, body));
        }
        String where = url.getScheme() + "://" + url.getRawAuthority();
        try {
            HttpExchange.Answer answer = connector(channel)
                    .send(
                            HttpExchange.Request.post(url, headers, "application/json", body),
                            Idempotence.NOT_IDEMPOTENT,
                            HttpExchange::remoteTrouble);
            if (!answer.isSuccess()) {
                String text = new String(answer.body(), StandardCharsets.UTF_8);
                throw new Undelivered("webhook " + where + " answered " + answer.status() + ": "
                        + (text.length() > 200 ? text.substring(0, 200) : text));
            }
        } catch (CircuitOpenException e) {
            throw new Undelivered("webhook " + where + ": its circuit breaker is open");
        } catch (IOException e) {
            throw new Undelivered("webhook " + where + ": " + describe(e));
        }
    }
}
