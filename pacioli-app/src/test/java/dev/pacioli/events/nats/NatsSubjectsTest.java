package dev.pacioli.events.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Subject naming, the options' validation, and the backoff schedule: no server needed. */
class NatsSubjectsTest {
    @Test
    void subjectsCarryTheLedgerAsOneTokenAndTheTypeAsIs() {
        assertThat(NatsSubjects.subject("pacioli", "main", "transaction.created"))
                .isEqualTo("pacioli.main.transaction.created");
        assertThat(NatsSubjects.subject("pacioli", "eu.main", "account.created"))
                .isEqualTo("pacioli.eu%2Emain.account.created");
        assertThat(NatsSubjects.subject("acme.events", "users:42@eu-1_a", "transaction.posted"))
                .isEqualTo("acme.events.users:42@eu-1_a.transaction.posted");
        assertThat(NatsSubjects.ledgerSubjects("pacioli", "a.b")).isEqualTo("pacioli.a%2Eb.>");
        assertThat(NatsSubjects.streamSubjects("pacioli")).isEqualTo("pacioli.>");
    }

    @Test
    void ledgerTokensAreOneToOneAndReversible() {
        assertThat(NatsSubjects.ledgerToken("a.b")).isNotEqualTo(NatsSubjects.ledgerToken("a_b"));
        for (String name : new String[] {"main", "a.b", "a..b.", "x:y@z-w_v", "1.2.3", "é.ü", "*>% \t"}) {
            String token = NatsSubjects.ledgerToken(name);
            assertThat(token).doesNotContain(".", "*", ">", " ", "\t");
            assertThat(NatsSubjects.ledgerName(token)).isEqualTo(name);
        }
    }

    @Test
    void optionsAreCheckedAtStartupWithTheSettingsName() {
        NatsOptions defaults = NatsOptions.of("nats://127.0.0.1:4222");
        assertThat(defaults.stream()).isEqualTo("PACIOLI");
        assertThat(defaults.subjectPrefix()).isEqualTo("pacioli");
        assertThat(defaults.duplicateWindow()).isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> NatsOptions.of(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PACIOLI_NATS_URL");
        assertThatThrownBy(() -> defaults.withStream("a.b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PACIOLI_NATS_STREAM");
        assertThatThrownBy(() -> defaults.withSubjectPrefix("pacioli.>"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("subject prefix");
        assertThatThrownBy(() -> defaults.withPaging(100, 101))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outstanding");
        assertThatThrownBy(() -> defaults.withPaging(1_001, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("page size");
        assertThatThrownBy(() -> defaults.withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("backoff");
    }

    @Test
    void credentialsStayOutOfLogs() {
        assertThat(NatsOptions.of("nats://user:secret@nats-1:4222,nats://u:p@nats-2:4222")
                        .redactedUrl())
                .isEqualTo("nats://***@nats-1:4222,nats://***@nats-2:4222");
    }

    @Test
    void backoffDoublesUpToItsCap() {
        NatsOptions options =
                NatsOptions.of("nats://127.0.0.1:4222").withBackoff(Duration.ofMillis(250), Duration.ofSeconds(30));
        assertThat(IntStream.of(0, 1, 2, 3, 6, 7, 8, 1_000)
                        .mapToObj(failures ->
                                NatsPublisher.backoff(options, failures).toMillis()))
                .containsExactly(250L, 500L, 1_000L, 2_000L, 16_000L, 30_000L, 30_000L, 30_000L);
    }
}
