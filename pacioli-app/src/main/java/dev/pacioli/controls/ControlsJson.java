package dev.pacioli.controls;

import dev.pacioli.platform.RequestReader;
import java.util.LinkedHashMap;
import java.util.Map;

/** The controls as the API, the events and the audit log show them. */
final class ControlsJson {
    private ControlsJson() {}

    /** {@code GET /v1/controls}: the stored state and what workers obey now. */
    static Map<String, Object> body(ControlsState state, ModeWatch.Reading effective) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("mode", state.mode().code());
        json.put("effective_mode", effective.mode().code());
        json.put("emergency_stop", stop(state));
        json.put("healthy_reads", effective.healthyReads());
        json.put("changed_at", state.modeChangedAt().toString());
        json.put("changed_by", state.modeChangedBy());
        return json;
    }

    static String event(ControlsState state) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("mode", state.mode().code());
        json.put("emergency_stop", stop(state));
        json.put("changed_at", state.modeChangedAt().toString());
        json.put("changed_by", state.modeChangedBy());
        return RequestReader.MAPPER.writeValueAsString(json);
    }

    static String audited(ControlsState state) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("mode", state.mode().code());
        json.put(
                "emergency_stop",
                state.stop() == null ? null : state.stop().scope().code());
        return RequestReader.MAPPER.writeValueAsString(json);
    }

    private static Map<String, Object> stop(ControlsState state) {
        if (state.stop() == null) {
            return null;
        }
        Map<String, Object> stop = new LinkedHashMap<>();
        stop.put("scope", state.stop().scope().code());
        stop.put("reason", state.stop().reason());
        stop.put("engaged_at", state.stop().engagedAt().toString());
        stop.put("engaged_by", state.stop().engagedBy());
        return stop;
    }
}
