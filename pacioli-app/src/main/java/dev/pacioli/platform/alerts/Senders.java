package dev.pacioli.platform.alerts;

import dev.pacioli.platform.Signatures;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Sends one notice of one alert to one channel; throws when it was not delivered, with a message fit
 * for the delivery's {@code last_error} (never a secret).
 *
 * <p>Every call has a connect and a read timeout. An interrupt (the jobs runner shutting down) ends a
 * webhook call as {@link InterruptedException}, so the job is handed back rather than failed. The outbound URL policy and the circuit breaker of
 * the platform's connectors are not applied yet (docs/alerts.md, "What is left").
 */
final class Senders {
    private static final Logger LOG = LoggerFactory.getLogger("dev.pacioli.alerts");
    private static final String USER_AGENT = "Pacioli-Alerts/1";

    private final AlertSettings settings;
    private final HttpClient client;

    Senders(AlertSettings settings) {
        this.settings = settings;
        this.client = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
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
            case EMAIL -> email(channel.config(), delivery.alert(), delivery.notice());
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

    private void email(JsonNode config, Alert alert, String notice) throws Undelivered {
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
        } catch (MessagingException e) {
            throw new Undelivered("smtp " + host + ": " + describe(e));
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
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(settings.readTimeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", USER_AGENT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (format.equals(ChannelConfigs.FORMAT_GENERIC)) {
            String messageId = AlertJson.DELIVERY_PREFIX + delivery.id();
            long timestamp = Instant.now().getEpochSecond();
            request.header("webhook-id", messageId)
                    .header("webhook-timestamp", Long.toString(timestamp))
                    .header("webhook-signature", Signatures.sign(channel.secret(), messageId, timestamp, body));
        }
        String where = url.getScheme() + "://" + url.getRawAuthority();
        try {
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() / 100 != 2) {
                String answer = new String(response.body(), StandardCharsets.UTF_8);
                throw new Undelivered("webhook " + where + " answered " + response.statusCode() + ": "
                        + (answer.length() > 200 ? answer.substring(0, 200) : answer));
            }
        } catch (IOException e) {
            throw new Undelivered("webhook " + where + ": " + describe(e));
        }
    }
}
