package dev.pacioli.platform;

import dev.pacioli.ledger.Metadata;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import tools.jackson.core.JsonGenerator;

/**
 * A response body written straight to bytes with Jackson's streaming generator: no intermediate
 * tree, no reflection, so a batch answer of 8,000 transactions costs one pass.
 */
public final class JsonOutput implements AutoCloseable {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
    public final JsonGenerator json = RequestReader.MAPPER.createGenerator(bytes);

    /** Closes the generator and returns what was written. */
    public byte[] toBytes() {
        json.close();
        return bytes.toByteArray();
    }

    @Override
    public void close() {
        json.close();
    }

    public void string(String name, String value) {
        if (value == null) {
            json.writeNullProperty(name);
        } else {
            json.writeStringProperty(name, value);
        }
    }

    public void number(String name, long value) {
        json.writeNumberProperty(name, value);
    }

    /** A nullable number. */
    public void number(String name, Long value) {
        if (value == null) {
            json.writeNullProperty(name);
        } else {
            json.writeNumberProperty(name, value.longValue());
        }
    }

    public void time(String name, long micros) {
        json.writeStringProperty(name, Times.format(micros));
    }

    public void metadata(String name, Metadata metadata) {
        json.writeName(name);
        json.writeStartObject();
        for (Map.Entry<String, String> entry : metadata.values().entrySet()) {
            json.writeStringProperty(entry.getKey(), entry.getValue());
        }
        json.writeEndObject();
    }
}
