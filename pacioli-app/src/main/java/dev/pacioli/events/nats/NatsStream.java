package dev.pacioli.events.nats;

import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream events go to: created when missing, never changed when present. An operator may have
 * tuned an existing stream (replicas, limits, a longer duplicate window); the publisher only checks
 * that it captures the events' subjects, and warns when its duplicate window is shorter than ours.
 */
public final class NatsStream {
    private static final Logger LOG = LoggerFactory.getLogger(NatsStream.class);

    /** JetStream's error codes: "stream not found", "stream name already in use". */
    public static final int STREAM_NOT_FOUND = 10059;

    public static final int STREAM_NAME_IN_USE = 10058;

    private NatsStream() {}

    public static StreamConfiguration configuration(NatsOptions options) {
        return StreamConfiguration.builder()
                .name(options.stream())
                .description("Pacioli ledger events, one message per event, Nats-Msg-Id = event id")
                .subjects(NatsSubjects.streamSubjects(options.subjectPrefix()))
                .storageType(StorageType.File)
                .retentionPolicy(RetentionPolicy.Limits)
                .duplicateWindow(options.duplicateWindow())
                .build();
    }

    public static void ensure(JetStreamManagement management, NatsOptions options)
            throws IOException, JetStreamApiException {
        StreamInfo info;
        try {
            info = management.getStreamInfo(options.stream());
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                throw e;
            }
            info = create(management, options);
        }
        check(info.getConfiguration(), options);
    }

    private static StreamInfo create(JetStreamManagement management, NatsOptions options)
            throws IOException, JetStreamApiException {
        try {
            StreamInfo created = management.addStream(configuration(options));
            LOG.info(
                    "created NATS stream {} for subjects {} (file storage, duplicate window {})",
                    options.stream(),
                    NatsSubjects.streamSubjects(options.subjectPrefix()),
                    options.duplicateWindow());
            return created;
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != STREAM_NAME_IN_USE) {
                throw e;
            }
            return management.getStreamInfo(options.stream()); // another process created it just now
        }
    }

    private static void check(StreamConfiguration configuration, NatsOptions options) {
        String wanted = NatsSubjects.streamSubjects(options.subjectPrefix());
        if (!configuration.getSubjects().contains(wanted)
                && !configuration.getSubjects().contains(">")) {
            throw new IllegalStateException("NATS stream " + options.stream() + " exists with subjects "
                    + configuration.getSubjects() + ", which do not include " + wanted
                    + ": add that subject to the stream, or set PACIOLI_NATS_STREAM to another stream");
        }
        if (configuration.getDuplicateWindow() != null
                && configuration.getDuplicateWindow().compareTo(NatsOptions.DUPLICATE_WINDOW_MIN) < 0) {
            LOG.warn(
                    "NATS stream {} has a duplicate window of {}: events republished after a restart that takes"
                            + " longer may reach consumers twice",
                    options.stream(),
                    configuration.getDuplicateWindow());
        }
    }
}
