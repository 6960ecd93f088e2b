package dev.pacioli.custody;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SoftHSM2 token for this test JVM (scripts/setup-test-tools installs SoftHSM2): initialised before
 * any PKCS#11 provider loads the library (SoftHSM reads its tokens when first initialised), in the
 * machine's default token directory, and deleted when the JVM exits. Its SunPKCS11 configuration file
 * names the token's slot.
 */
public final class SoftHsm {
    public static final String PIN = "pacioli-test-pin";
    private static final List<Path> LIBRARIES = List.of(
            Path.of("/usr/lib/softhsm/libsofthsm2.so"), Path.of("/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"));
    private static Path config;

    private SoftHsm() {}

    /** The SunPKCS11 configuration of this JVM's token, made on first use. */
    public static synchronized Path config() throws IOException, InterruptedException {
        if (config != null) {
            return config;
        }
        Path library = LIBRARIES.stream()
                .filter(Files::exists)
                .findFirst()
                .orElseThrow(
                        () -> new IllegalStateException("SoftHSM2 is not installed: run scripts/setup-test-tools"));
        String label = "pacioli-test-" + ProcessHandle.current().pid();
        String output = run("softhsm2-util", "--init-token", "--free", "--label", label, "--pin", PIN, "--so-pin", PIN);
        Matcher slot = Pattern.compile("reassigned to slot (\\d+)").matcher(output);
        if (!slot.find()) {
            throw new IllegalStateException("softhsm2-util did not name the token's slot: " + output);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                run("softhsm2-util", "--delete-token", "--token", label);
            } catch (IOException | InterruptedException ignored) {
                // a leftover token in the test machine's token directory is harmless
            }
        }));
        Path file = Files.createTempFile("pacioli-softhsm", ".cfg");
        Files.writeString(file, "name = PacioliTest\nlibrary = " + library + "\nslot = " + slot.group(1) + "\n");
        file.toFile().deleteOnExit();
        config = file;
        return file;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }
}
