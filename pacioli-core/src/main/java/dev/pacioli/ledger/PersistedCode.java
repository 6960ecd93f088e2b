package dev.pacioli.ledger;

import java.util.function.ToIntFunction;

/**
 * Reading back an enum stored by an explicit code (never by its position, which moves when someone
 * reorders the constants): the one lookup the persisted enums share.
 */
final class PersistedCode {
    private PersistedCode() {}

    /** The constant whose code is {@code code}; an unknown code is refused, never guessed. */
    static <E extends Enum<E>> E of(E[] values, ToIntFunction<E> codeOf, int code) {
        for (E value : values) {
            if (codeOf.applyAsInt(value) == code) {
                return value;
            }
        }
        throw new IllegalArgumentException(
                "unknown " + values[0].getDeclaringClass().getSimpleName() + " code " + code);
    }
}
