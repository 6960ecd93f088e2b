package dev.pacioli.events.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pacioli.platform.Signatures;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Standard Webhooks signing and verifying, the URL and filter rules of endpoints. */
class WebhookSignatureTest {
    // The published test vector of the Standard Webhooks libraries (libraries/java WebhookTest).
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long TIMESTAMP = 1614265330;
    private static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
    private static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private static WebhookVerifier verifierAt(long epochSecond, String... secrets) {
        return new WebhookVerifier(
                List.of(secrets),
                WebhookVerifier.TOLERANCE_DEFAULT,
                Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC));
    }

    @Test
    void thePublishedTestVectorSigns() {
        assertThat(Signatures.sign(SECRET, ID, TIMESTAMP, BODY)).isEqualTo(SIGNATURE);
        // The prefix is optional for the key.
        assertThat(Signatures.sign(SECRET.substring(6), ID, TIMESTAMP, BODY)).isEqualTo(SIGNATURE);
    }

    @Test
    void thePublishedTestVectorVerifies() {
        assertThatCode(() -> verifierAt(TIMESTAMP, SECRET).verify(ID, Long.toString(TIMESTAMP), SIGNATURE, BODY))
                .doesNotThrowAnyException();
    }

    @Test
    void aChangedBodyIdOrTimestampFails() {
        WebhookVerifier verifier = verifierAt(TIMESTAMP, SECRET);
        byte[] changed = "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> verifier.verify(ID, Long.toString(TIMESTAMP), SIGNATURE, changed))
                .isInstanceOf(WebhookVerifier.VerificationException.class);
        assertThatThrownBy(() -> verifier.verify(ID + "x", Long.toString(TIMESTAMP), SIGNATURE, BODY))
                .isInstanceOf(WebhookVerifier.VerificationException.class);
        assertThatThrownBy(() -> verifier.verify(ID, Long.toString(TIMESTAMP + 1), SIGNATURE, BODY))
                .isInstanceOf(WebhookVerifier.VerificationException.class);
    }

    @Test
    void timestampsOutsideTheToleranceFail() {
        String late = "late";
        assertThatThrownBy(
                        () -> verifierAt(TIMESTAMP + 301, SECRET).verify(ID, Long.toString(TIMESTAMP), SIGNATURE, BODY))
                .hasMessageContaining("away from now");
        assertThatThrownBy(
                        () -> verifierAt(TIMESTAMP - 301, SECRET).verify(ID, Long.toString(TIMESTAMP), SIGNATURE, BODY))
                .hasMessageContaining("away from now");
        assertThatCode(() -> verifierAt(TIMESTAMP + 300, SECRET).verify(ID, Long.toString(TIMESTAMP), SIGNATURE, BODY))
                .as(late)
                .doesNotThrowAnyException();
    }

    @Test
    void oneMatchingSignatureAmongSeveralVerifies() {
        String header =
                "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= "
                        + SIGNATURE + " garbage";
        assertThatCode(() -> verifierAt(TIMESTAMP, SECRET).verify(ID, Long.toString(TIMESTAMP), header, BODY))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> verifierAt(TIMESTAMP, SECRET)
                        .verify(ID, Long.toString(TIMESTAMP), "v2," + SIGNATURE.substring(3), BODY))
                .hasMessageContaining("no signature matches");
    }

    @Test
    void aRotationSignsWithBothSecretsAndEitherVerifies() {
        String next = Signatures.newSecret();
        String header = Signatures.header(next, SECRET, ID, TIMESTAMP, BODY);
        assertThat(header.split(" ")).hasSize(2).contains(SIGNATURE);
        assertThatCode(() -> verifierAt(TIMESTAMP, SECRET).verify(ID, Long.toString(TIMESTAMP), header, BODY))
                .doesNotThrowAnyException();
        assertThatCode(() -> verifierAt(TIMESTAMP, next).verify(ID, Long.toString(TIMESTAMP), header, BODY))
                .doesNotThrowAnyException();
        // A receiver holding both secrets accepts a request signed by either alone.
        assertThatCode(() -> verifierAt(TIMESTAMP, next, SECRET).verify(ID, Long.toString(TIMESTAMP), SIGNATURE, BODY))
                .doesNotThrowAnyException();
    }

    @Test
    void missingHeadersFail() {
        assertThatThrownBy(() -> verifierAt(TIMESTAMP, SECRET).verify(name -> null, BODY))
                .hasMessageContaining("missing");
        assertThatThrownBy(() -> verifierAt(TIMESTAMP, SECRET).verify(ID, "soon", SIGNATURE, BODY))
                .hasMessageContaining("whole seconds");
    }

    @Test
    void newSecretsAreWhsecAndBase64Of32Bytes() {
        String secret = Signatures.newSecret();
        assertThat(secret).startsWith("whsec_");
        assertThat(Signatures.key(secret)).hasSize(32);
        assertThat(Signatures.newSecret()).isNotEqualTo(secret);
    }

    @Test
    void urlsAreHttpsOrLoopbackHttpWithoutCredentials() {
        assertThat(Webhooks.urlProblem("https://hooks.example.com/pacioli?x=1", false))
                .isNull();
        assertThat(Webhooks.urlProblem("http://127.0.0.1:9000/hook", false)).isNull();
        assertThat(Webhooks.urlProblem("http://localhost/hook", false)).isNull();
        assertThat(Webhooks.urlProblem("http://[::1]:8080/hook", false)).isNull();
        assertThat(Webhooks.urlProblem("http://hooks.example.com/", false)).contains("https");
        assertThat(Webhooks.urlProblem("http://hooks.example.com/", true)).isNull();
        assertThat(Webhooks.urlProblem("http://127.0.0.1.example.com/", false)).contains("https");
        assertThat(Webhooks.urlProblem("https://user:pass@hooks.example.com/", false))
                .contains("password");
        assertThat(Webhooks.urlProblem("ftp://hooks.example.com/", false)).contains("absolute");
        assertThat(Webhooks.urlProblem("/relative", false)).contains("absolute");
        assertThat(Webhooks.urlProblem("https:///nohost", false)).isNotNull();
        assertThat(Webhooks.urlProblem("https://hooks.example.com/a b", false)).contains("not a valid URL");
        assertThat(Webhooks.urlProblem("https://hooks.example.com/#x", false)).contains("fragment");
    }

    @Test
    void filtersAreTypesFamiliesOrEverything() {
        Set<String> types = Webhooks.eventTypes(List.of("api_key.created"));
        assertThat(Webhooks.filterProblem("*", types)).isNull();
        assertThat(Webhooks.filterProblem("transaction.*", types)).isNull();
        assertThat(Webhooks.filterProblem("account.closed", types)).isNull();
        assertThat(Webhooks.filterProblem("api_key.*", types)).isNull();
        assertThat(Webhooks.filterProblem("api_key.created", types)).isNull();
        assertThat(Webhooks.filterProblem("transaction.deleted", types)).isNotNull();
        assertThat(Webhooks.filterProblem("trans*", types)).isNotNull();
        assertThat(Webhooks.filterProblem("ledger.*", types)).isNotNull();
        assertThat(Webhooks.matches(List.of("transaction.*"), "transaction.posted"))
                .isTrue();
        assertThat(Webhooks.matches(List.of("transaction.*"), "account.created"))
                .isFalse();
        assertThat(Webhooks.matches(List.of("account.closed", "transaction.voided"), "transaction.voided"))
                .isTrue();
        assertThat(Webhooks.matches(List.of("*"), "account.created")).isTrue();
    }

    @Test
    void settingsParseDurationsAndRefuseNonsense() {
        assertThat(WebhookSettings.parseSchedule("5s,5m,30m,2h,5h,10h")).isEqualTo(WebhookSettings.SCHEDULE_DEFAULT);
        assertThat(WebhookSettings.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(WebhookSettings.parseDuration("5d")).isEqualTo(Duration.ofDays(5));
        assertThatThrownBy(() -> WebhookSettings.parseDuration("5 minutes"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WebhookSettings.parseDuration("-5s")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WebhookSettings.DEFAULTS.withConcurrency(0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(WebhookDispatcher.retryAfter("120")).isEqualTo(Duration.ofSeconds(120));
        assertThat(WebhookDispatcher.retryAfter("soon")).isNull();
        assertThat(WebhookDispatcher.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT"))
                .isEqualTo(Duration.ZERO);
    }
}
