package dev.pacioli.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pacioli.platform.connectors.ConnectorSettings;
import dev.pacioli.platform.connectors.OutboundPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Configuration is validated at startup, and every mistake says what is wrong and how to fix it. */
class SettingsTest {
    @Test
    void defaultsAreSafe() {
        Settings settings = Settings.parse(List.of("serve"), Map.of());
        assertThat(settings.host()).isEqualTo("127.0.0.1");
        assertThat(settings.port()).isEqualTo(8080);
        assertThat(settings.dataDirectory()).isEqualTo(Path.of("data"));
        assertThat(settings.databaseUrl()).isNull();
        assertThat(settings.adminKey()).isNull();
        assertThat(settings.rateLimitPerSecond()).isZero();
        assertThat(settings.accessLog()).isTrue();
        assertThat(settings.nats())
                .as("NATS publishing is off unless PACIOLI_NATS_URL is set")
                .isNull();
        assertThat(settings.arguments()).containsExactly("serve");
    }

    @Test
    void flagsWinOverTheEnvironment() {
        Settings settings = Settings.parse(
                List.of("serve", "--port", "9000", "--data-dir=/tmp/x", "--host", "0.0.0.0"),
                Map.of(
                        "PACIOLI_HTTP_PORT",
                        "7000",
                        "PACIOLI_DATA_DIR",
                        "/srv/pacioli",
                        "PACIOLI_RATE_LIMIT_PER_SECOND",
                        "50",
                        "DATABASE_URL",
                        "postgres://u:p@db:5432/ledger"));
        assertThat(settings.port()).isEqualTo(9000);
        assertThat(settings.host()).isEqualTo("0.0.0.0");
        assertThat(settings.dataDirectory()).isEqualTo(Path.of("/tmp/x"));
        assertThat(settings.rateLimitPerSecond()).isEqualTo(50);
        assertThat(settings.rateLimitBurst()).isEqualTo(50);
        assertThat(settings.databaseUrl().jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/ledger");
    }

    @Test
    void mistakesAreNamedWithTheirFix() {
        assertRefused(Map.of("PACIOLI_HTTP_PORT", "99999"), "PACIOLI_HTTP_PORT must be a whole number from 0 to 65535");
        assertRefused(Map.of("PACIOLI_HTTP_PORT", "eighty"), "got 'eighty'");
        assertRefused(Map.of("PACIOLI_ADMIN_KEY", "short"), "at least 32 printable characters");
        assertRefused(Map.of("PACIOLI_RATE_LIMIT_PER_SECOND", "-1"), "PACIOLI_RATE_LIMIT_PER_SECOND");
        assertRefused(Map.of("PACIOLI_DB_POOL_SIZE", "1"), "PACIOLI_DB_POOL_SIZE must be a whole number from 2");
        assertRefused(Map.of("PACIOLI_DATA_DIR", " "), "give a path such as ./data");
        assertRefused(Map.of("DATABASE_URL", "mysql://x"), "DATABASE_URL");
        assertRefused(Map.of("PACIOLI_HTTP_HOST", "http://0.0.0.0"), "an address to listen on");
        assertRefused(
                Map.of("PACIOLI_NATS_STREAM", "LEDGER"), "PACIOLI_NATS_STREAM is set but PACIOLI_NATS_URL is not");
        assertRefused(Map.of("PACIOLI_WEBHOOK_ALLOW_HTTP", "yes"), "PACIOLI_WEBHOOK_ALLOW_HTTP must be true or false");
        assertThatThrownBy(() -> Settings.parse(List.of("serve", "--port"), Map.of()))
                .hasMessageContaining("--port needs a value");
    }

    @Test
    void outboundAllowListAndBreakerAreParsedAndCheckedAtStartup() {
        Settings defaults = Settings.parse(List.of("serve"), Map.of());
        assertThat(defaults.connectors().allow()).isEqualTo(OutboundPolicy.Allow.NONE);
        assertThat(defaults.connectors().breaker()).isEqualTo(ConnectorSettings.Breaker.DEFAULTS);
        Settings settings = Settings.parse(
                List.of("serve"),
                Map.of(
                        "PACIOLI_OUTBOUND_ALLOW", "hooks.internal, 10.1.0.0/16,fd00::/8",
                        "PACIOLI_CONNECTOR_FAILURES", "3",
                        "PACIOLI_CONNECTOR_OPEN_WAIT", "2m",
                        "PACIOLI_CONNECTOR_SUCCESSES", "1"));
        assertThat(settings.connectors().allow().hosts()).containsExactly("hooks.internal");
        assertThat(settings.connectors().allow().ranges()).hasSize(2);
        assertThat(settings.connectors().breaker())
                .isEqualTo(new ConnectorSettings.Breaker(3, Duration.ofMinutes(2), 1));
        assertRefused(Map.of("PACIOLI_OUTBOUND_ALLOW", "10.0.0.0/33"), "PACIOLI_OUTBOUND_ALLOW '10.0.0.0/33'");
        assertRefused(Map.of("PACIOLI_OUTBOUND_ALLOW", "a,,b"), "PACIOLI_OUTBOUND_ALLOW has an empty entry");
        assertRefused(Map.of("PACIOLI_OUTBOUND_ALLOW", "http://x"), "such as hooks.internal,10.1.0.0/16");
        assertRefused(Map.of("PACIOLI_CONNECTOR_FAILURES", "0"), "PACIOLI_CONNECTOR_FAILURES must be a whole number");
        assertRefused(Map.of("PACIOLI_CONNECTOR_OPEN_WAIT", "2h"), "open wait must be positive and at most an hour");
        assertRefused(Map.of("PACIOLI_CONNECTOR_OPEN_WAIT", "soon"), "PACIOLI_CONNECTOR_OPEN_WAIT");
    }

    private static void assertRefused(Map<String, String> environment, String message) {
        assertThatThrownBy(() -> Settings.parse(List.of("serve"), environment))
                .isInstanceOf(Settings.ConfigurationException.class)
                .hasMessageContaining(message);
    }
}
