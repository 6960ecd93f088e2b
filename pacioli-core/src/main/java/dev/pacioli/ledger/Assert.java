package dev.pacioli.ledger;

/**
 * Always-on assertions. The {@code assert} keyword is off unless the JVM is started with -ea, so an
 * invariant that must hold in production is checked here instead. A failure is a bug: it throws and
 * the writer stops before anything is committed.
 */
public final class Assert {
    private Assert() {}

    public static void that(boolean condition, String message) {
        if (!condition) {
            throw new InvariantViolation(message);
        }
    }

    public static void that(boolean condition, String format, Object... arguments) {
        if (!condition) {
            throw new InvariantViolation(String.format(format, arguments));
        }
    }

    /** Thrown when an invariant does not hold. Never caught by the engine: it stops the writer. */
    public static final class InvariantViolation extends IllegalStateException {
        public InvariantViolation(String message) {
            super(message);
        }
    }
}
