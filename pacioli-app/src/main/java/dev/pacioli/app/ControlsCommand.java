package dev.pacioli.app;

import dev.pacioli.controls.ControlSettings;
import dev.pacioli.controls.ControlsState;
import dev.pacioli.controls.ControlsState.Mode;
import dev.pacioli.controls.ControlsState.Scope;
import dev.pacioli.controls.ControlsStore;
import dev.pacioli.controls.ModeWatch;
import dev.pacioli.platform.audit.Actor;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * {@code pacioli controls show | stop --scope payouts|all --reason R | lift --reason R | mode live|dry
 * --reason R}: the controls changed on the database directly, for when the HTTP service is down or
 * unreachable. A change waits, as the API's does, until no submission of a running instance is between
 * its check and its send, and is audited as {@code cli:<user>}.
 */
public final class ControlsCommand {
    static final String USAGE =
            "controls show | stop --scope payouts|all --reason TEXT | lift --reason TEXT | mode live|dry --reason TEXT";

    private ControlsCommand() {}

    /** Runs the command on the store; answers the exit code. */
    public static int run(ControlsStore store, List<String> args, PrintStream out) {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("controls takes: " + USAGE);
        }
        Actor actor = Actor.commandLine(Main.COMMAND_LINE_PRINCIPAL_PREFIX + System.getProperty("user.name"));
        ControlsState state = switch (args.get(0)) {
            case "show" -> {
                expect(args.size() == 1);
                yield store.read();
            }
            case "stop" -> {
                Scope scope = Scope.valueOf(option(args, "--scope").toUpperCase(Locale.ROOT));
                ControlsState engaged =
                        store.engage(scope, option(args, "--reason"), actor).state();
                if (scope == Scope.ALL) {
                    ModeWatch.awaitEveryReader(ControlSettings.DEFAULTS);
                }
                yield engaged;
            }
            case "lift" -> store.lift(option(args, "--reason"), actor).state();
            case "mode" -> {
                expect(args.size() >= 2
                        && (args.get(1).equals("live") || args.get(1).equals("dry")));
                yield store.setMode(Mode.valueOf(args.get(1).toUpperCase(Locale.ROOT)), option(args, "--reason"), actor)
                        .state();
            }
            default -> throw new IllegalArgumentException("controls takes: " + USAGE);
        };
        out.printf(
                "mode %s (changed %s by %s); emergency stop: %s%n",
                state.mode().code(),
                state.modeChangedAt(),
                state.modeChangedBy(),
                state.stop() == null
                        ? "none"
                        : state.stop().scope().code() + " since " + state.stop().engagedAt() + " by "
                                + state.stop().engagedBy() + " (" + state.stop().reason() + ")");
        return 0;
    }

    private static String option(List<String> args, String name) {
        int at = args.indexOf(name);
        if (at < 0 || at + 1 >= args.size() || args.get(at + 1).isBlank()) {
            throw new IllegalArgumentException(name + " is required: " + USAGE);
        }
        if (name.equals("--scope") && !List.of("payouts", "all").contains(args.get(at + 1))) {
            throw new IllegalArgumentException("--scope is payouts or all");
        }
        return args.get(at + 1);
    }

    private static void expect(boolean condition) {
        if (!condition) {
            throw new IllegalArgumentException("controls takes: " + USAGE);
        }
    }
}
