package dev.pacioli.platform.audit;

import dev.pacioli.ledger.JournalCodec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The canonical bytes of an audit record and the hash chain over them, written out by hand so they
 * stay verifiable forever, whatever becomes of the classes around them.
 *
 * <p>Layout version 1, big-endian: the version (1 byte, {@code 0x01}), the sequence (8 bytes), the
 * time in microseconds since the epoch (8), then twelve text fields in this order: id, principal,
 * key_id, action, object_type, object_id, ledger, request_id, source_ip, reason, before, after. A
 * text field is a presence byte ({@code 0} for null, then nothing; {@code 1} for a value) followed by
 * its UTF-8 length (4 bytes) and bytes. A record's hash is SHA-256 of the previous record's hash
 * followed by its canonical bytes; the first record's previous hash is SHA-256 of the UTF-8 bytes of
 * {@code "pacioli:audit"}. A new layout would get a new version byte; records keep the one they were
 * written with, so old ones keep verifying.
 */
public final class AuditCodec {
    public static final int FORMAT_VERSION = 1;

    private AuditCodec() {}

    public static byte[] genesisHash() {
        return JournalCodec.sha256().digest("pacioli:audit".getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] canonical(AuditRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(FORMAT_VERSION);
        out.writeBytes(ByteBuffer.allocate(16)
                .putLong(record.sequence())
                .putLong(record.atMicros())
                .array());
        for (String field : new String[] {
            record.id(),
            record.principal(),
            record.keyId(),
            record.action(),
            record.objectType(),
            record.objectId(),
            record.ledger(),
            record.requestId(),
            record.sourceIp(),
            record.reason(),
            record.before(),
            record.after()
        }) {
            text(out, field);
        }
        return out.toByteArray();
    }

    private static void text(ByteArrayOutputStream out, String value) {
        if (value == null) {
            out.write(0);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.write(1);
        out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
        out.writeBytes(bytes);
    }

    /** The hash of {@code record} chained on {@code previousHash}. */
    public static byte[] hash(MessageDigest digest, byte[] previousHash, AuditRecord record) {
        return JournalCodec.chain(digest, previousHash, canonical(record));
    }
}
