package dev.pacioli.controls;

import dev.pacioli.controls.ControlsState.Mode;
import dev.pacioli.controls.ControlsState.Scope;
import dev.pacioli.platform.ApiKey.Role;
import dev.pacioli.platform.Call;
import dev.pacioli.platform.Reply;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.Route;
import dev.pacioli.platform.audit.Actor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The controls over HTTP (controls.md, Execution mode and Emergency stop): read by any key, the mode
 * and the stop set by an operator, the stop lifted only by an admin. Every change answers once it is in
 * force on every instance (see {@link ControlsStore}).
 */
final class ControlsRoutes {
    static final int REASON_LENGTH_MAX = 1_000;

    private final Controls controls;

    ControlsRoutes(Controls controls) {
        this.controls = controls;
    }

    List<Route> routes() {
        return List.of(
                Route.get("/v1/controls", Role.READER, call -> show(controls.state())),
                Route.put("/v1/controls/mode", Role.OPERATOR, this::mode),
                Route.post("/v1/controls/emergency-stop", Role.OPERATOR, this::engage),
                Route.delete("/v1/controls/emergency-stop", Role.ADMIN, this::lift)
                        .withBodyBytesMax(Route.BODY_BYTES_MAX));
    }

    private Reply mode(Call call) {
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "mode", "reason");
        Mode mode = body.choice("mode", Map.of("live", Mode.LIVE, "dry", Mode.DRY), null);
        String reason = body.string("reason", true, REASON_LENGTH_MAX);
        reader.finish();
        return show(controls.setMode(mode, reason, Actor.of(call)));
    }

    private Reply engage(Call call) {
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "scope", "reason");
        Scope scope = body.choice("scope", Map.of("payouts", Scope.PAYOUTS, "all", Scope.ALL), null);
        String reason = body.string("reason", true, REASON_LENGTH_MAX);
        reader.finish();
        return show(controls.engage(scope, reason, Actor.of(call)));
    }

    private Reply lift(Call call) {
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "reason");
        String reason = body.string("reason", true, REASON_LENGTH_MAX);
        reader.finish();
        return show(controls.lift(reason, Actor.of(call)));
    }

    private Reply show(ControlsState state) {
        byte[] json = RequestReader.MAPPER
                .writeValueAsString(ControlsJson.body(state, controls.watch().current()))
                .getBytes(StandardCharsets.UTF_8);
        return new Reply(200, "application/json", json, Map.of());
    }
}
