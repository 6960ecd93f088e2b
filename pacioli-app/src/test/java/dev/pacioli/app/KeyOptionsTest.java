package dev.pacioli.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pacioli.platform.ApiKey.Flag;
import dev.pacioli.platform.ApiKey.Role;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code pacioli keys create}'s options: what the API accepts in a key's body, and nothing else. */
class KeyOptionsTest {
    @Test
    void principalAndFlagsAreGivenOrDefaulted() {
        KeyOptions given = KeyOptions.parse(List.of(
                "--role",
                "operator",
                "--name",
                "alice laptop",
                "--principal",
                "alice@example.com",
                "--flag",
                "compliance",
                "--flag",
                "approver",
                "--ledger",
                "main",
                "--ledger",
                "eu"));
        assertThat(given)
                .isEqualTo(new KeyOptions(
                        "alice laptop",
                        "alice@example.com",
                        Role.OPERATOR,
                        Set.of(Flag.APPROVER, Flag.COMPLIANCE),
                        List.of("main", "eu")));
        assertThat(KeyOptions.parse(List.of("--role", "reader", "--name", "nightly")))
                .isEqualTo(new KeyOptions("nightly", "nightly", Role.READER, Set.of(), null));
        assertThat(KeyOptions.parse(List.of("--role", "admin")).principal()).isEqualTo(KeyOptions.DEFAULT_NAME);
        assertThat(KeyOptions.parse(List.of("--role", "admin", "--name", "", "--principal", "ops"))
                        .principal())
                .isEqualTo("ops");
    }

    @Test
    void badOptionsSayWhatIsWrong() {
        for (List<String> arguments : List.of(
                List.of("--role", "reader", "--flag", "auditor"),
                List.of("--role", "reader", "--flag", "approver", "--flag", "approver"),
                List.of("--role", "reader", "--principal", ""),
                List.of("--role", "reader", "--principal", " "),
                List.of("--role", "reader", "--principal", "p".repeat(257)),
                List.of("--role", "reader", "--principal", "a\u0000b"),
                List.of("--role", "reader", "--name", ""),
                List.of("--role", "reader", "--name", "n".repeat(257)),
                List.of("--role", "reader", "--principal"),
                List.of("--role", "root"),
                List.of("--flag", "approver"),
                List.of("--role", "reader", "--ledger", "not a name"),
                List.of("--role", "reader", "--owner", "x"))) {
            assertThatThrownBy(() -> KeyOptions.parse(arguments))
                    .as(String.join(" ", arguments))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void theUsageNamesEveryOption() {
        for (String option : List.of("--role", "--ledger", "--name", "--principal", "--flag")) {
            assertThat(KeyOptions.USAGE).contains(option);
        }
        ByteArrayOutputStream help = new ByteArrayOutputStream();
        assertThat(Main.run(List.of("help"), new PrintStream(help, true, StandardCharsets.UTF_8)))
                .isZero();
        assertThat(help.toString(StandardCharsets.UTF_8)).contains("  " + KeyOptions.USAGE + "\n");
    }
}
