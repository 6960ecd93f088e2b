package dev.pacioli.controls;

import java.time.Instant;
import java.util.Locale;

/**
 * The platform's controls as stored: the configured execution mode and the emergency stop, if one is in
 * force. What workers obey is the <em>effective</em> mode ({@link ModeWatch}), which is dry whenever
 * this cannot be read.
 */
public record ControlsState(Mode mode, Instant modeChangedAt, String modeChangedBy, EmergencyStop stop) {

    public enum Mode {
        LIVE,
        DRY;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What an emergency stop stops: submissions and signing ({@code payouts}), or every money write too. */
    public enum Scope {
        PAYOUTS,
        ALL;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public record EmergencyStop(Scope scope, String reason, Instant engagedAt, String engagedBy) {}

    /** Whether a submission to a connector (or a signature) may start now. */
    public boolean sends() {
        return mode == Mode.LIVE && stop == null;
    }

    /** Whether money may move on the ledgers at all (every write but an emergency stop of scope all). */
    public boolean movesMoney() {
        return stop == null || stop.scope() != Scope.ALL;
    }
}
