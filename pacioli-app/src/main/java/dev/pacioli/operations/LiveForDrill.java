package dev.pacioli.operations;

import java.io.IOException;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The service in {@code live} mode for a drill that needs money to leave (connector-outage) or a
 * live mode to fall from (dependency-outage), and back to the stored mode it found once closed. Each
 * change is an audited mode change of the service (controls.md) with a reason naming the drill.
 * Switching to live releases nothing held in dry mode (the contract: an operator releases held
 * payouts), so other ledgers' payouts stay where they were.
 */
final class LiveForDrill implements AutoCloseable {
    private final Drills drills;
    private final String drill;
    private final String found;

    private LiveForDrill(Drills drills, String drill, String found) {
        this.drills = drills;
        this.drill = drill;
        this.found = found;
    }

    /** Reads the stored mode, goes live when it is not, and says so in the figures. */
    static LiveForDrill enter(Drills drills, String drill, List<String> figures) throws Exception {
        JsonNode controls = drills.json("GET", "/v1/controls", null);
        String found = controls.path("mode").stringValue();
        figures.add("mode found: " + found + " (effective "
                + controls.path("effective_mode").stringValue() + ")");
        if (!"live".equals(found)) {
            Drills.expect(drills.send("PUT", "/v1/controls/mode", reason("live", "drill " + drill)), 200);
        }
        return new LiveForDrill(drills, drill, found);
    }

    /** Puts the stored mode back as it was found; the service's own mode changes stand otherwise. */
    @Override
    public void close() throws IOException {
        if ("live".equals(found)) {
            return;
        }
        try {
            Drills.expect(drills.send("PUT", "/v1/controls/mode", reason(found, "drill " + drill + " over")), 200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted before the mode " + found + " was put back", e);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("could not put the mode " + found + " back", e);
        }
    }

    private static String reason(String mode, String why) {
        return "{\"mode\": \"" + mode + "\", \"reason\": \"" + why + "\"}";
    }
}
