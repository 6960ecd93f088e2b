package dev.pacioli.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the short external commands the embedded PostgreSQL needs (initdb, pg_ctl, id, test). */
final class Commands {
    private Commands() {}

    /** Runs {@code command} to its end; answers its output, or throws with it when it fails. */
    static String run(long timeoutSeconds, List<String> command) {
        Finished finished = finish(timeoutSeconds, command);
        if (finished.exit() != 0) {
            throw new IllegalStateException(
                    String.join(" ", command) + " failed (exit " + finished.exit() + "): " + finished.output());
        }
        return finished.output();
    }

    /** Whether {@code command} exits 0 (a failure to start it at all still throws). */
    static boolean succeeds(long timeoutSeconds, List<String> command) {
        return finish(timeoutSeconds, command).exit() == 0;
    }

    private record Finished(int exit, String output) {}

    private static Finished finish(long timeoutSeconds, List<String> command) {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command.get(0) + " did not finish in " + timeoutSeconds + " s");
            }
            return new Finished(process.exitValue(), new String(output, StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
    }
}
