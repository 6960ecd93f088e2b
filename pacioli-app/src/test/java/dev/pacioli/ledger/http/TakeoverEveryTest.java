package dev.pacioli.ledger.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code PACIOLI_WRITER_TAKEOVER_EVERY}: milliseconds, 100 to an hour; unset, a second. */
class TakeoverEveryTest {
    @Test
    void unsetIsASecondAndAValueInRangeIsTakenAsMilliseconds() {
        assertThat(Ledgers.takeoverEvery(null)).isEqualTo(Duration.ofSeconds(1));
        assertThat(Ledgers.takeoverEvery(" ")).isEqualTo(Duration.ofSeconds(1));
        assertThat(Ledgers.takeoverEvery("250")).isEqualTo(Duration.ofMillis(250));
        assertThat(Ledgers.takeoverEvery("3600000")).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void anythingElseIsRefusedNamingTheSetting() {
        for (String bad : new String[] {"99", "3600001", "1s", "-5", "0"}) {
            assertThatThrownBy(() -> Ledgers.takeoverEvery(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("PACIOLI_WRITER_TAKEOVER_EVERY");
        }
    }
}
