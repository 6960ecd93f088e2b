package dev.pacioli.payments.inbound;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The sample payloads of docs/payments-inbound.md, each the JSON block after a {@code <!-- sample:
 * name -->} line, so the tests map exactly what the page shows and the page cannot drift from the
 * code.
 */
final class DocSamples {
    static final Path PAGE = Path.of("..", "docs", "payments-inbound.md");

    private DocSamples() {}

    static String page() {
        try {
            return Files.readString(PAGE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sample's JSON exactly as the page shows it. */
    static byte[] sample(String name) {
        List<String> lines = page().lines().toList();
        int marker = lines.indexOf("<!-- sample: " + name + " -->");
        if (marker < 0 || !lines.get(marker + 1).equals("```json")) {
            throw new IllegalArgumentException("no sample '" + name + "' in " + PAGE);
        }
        StringBuilder json = new StringBuilder();
        for (int i = marker + 2; !lines.get(i).equals("```"); i++) {
            json.append(lines.get(i)).append('\n');
        }
        return json.toString().strip().getBytes(StandardCharsets.UTF_8);
    }

    /** The sample as text with one edit, which must apply: an edit that misses would test nothing. */
    static String edited(String name, String from, String to) {
        String text = new String(sample(name), StandardCharsets.UTF_8);
        if (!text.contains(from)) {
            throw new IllegalArgumentException("sample '" + name + "' has no " + from);
        }
        return text.replace(from, to);
    }

    /** A verified request of the scheme with this body, as the verifier would hand it on. */
    static Verification.Verified verified(InboundScheme scheme, Map<String, String> headers, byte[] body) {
        return new Verification.Verified(scheme, InboundHeaders.of(headers), body, null);
    }

    static InboundEvent map(InboundScheme scheme, byte[] body) {
        return InboundMapper.map(verified(scheme, Map.of(), body), InboundKind.EVENTS);
    }

    static InboundEvent map(InboundScheme scheme, String body) {
        return map(scheme, body.getBytes(StandardCharsets.UTF_8));
    }
}
