package dev.pacioli.app;

import dev.pacioli.ledger.Limits;
import dev.pacioli.platform.ApiKey;
import dev.pacioli.platform.ApiKey.Flag;
import dev.pacioli.platform.ApiKey.Role;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The options of {@code pacioli keys create}, checked as the API checks a key's body: a known role,
 * ledger names, a principal of 1 to {@link ApiKey#PRINCIPAL_LENGTH_MAX} characters (the name when
 * absent), distinct known flags.
 *
 * @param ledgers the ledgers, or null for every ledger
 */
record KeyOptions(String name, String principal, Role role, Set<Flag> flags, List<String> ledgers) {
    static final String USAGE = "keys create --role R [--ledger L]... [--name N] [--principal P] [--flag F]...";
    static final String DEFAULT_NAME = "cli";

    /** The options after {@code keys create}; an IllegalArgumentException says what is wrong. */
    static KeyOptions parse(List<String> arguments) {
        Role role = null;
        String name = DEFAULT_NAME;
        String principal = null;
        Set<Flag> flags = EnumSet.noneOf(Flag.class);
        List<String> ledgers = new ArrayList<>();
        for (int i = 0; i < arguments.size(); i += 2) {
            String option = arguments.get(i);
            if (i + 1 >= arguments.size()) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            String value = arguments.get(i + 1);
            switch (option) {
                case "--role" -> role = Role.ofCode(value);
                case "--ledger" ->
                    ledgers.add(check(Limits.isIdentifier(value), value, "--ledger takes a ledger name"));
                case "--name" -> name = value;
                case "--principal" -> principal = value;
                case "--flag" -> check(flags.add(Flag.ofCode(value)), value, "--flag " + value + " is given twice");
                default -> throw new IllegalArgumentException("keys create does not know " + option);
            }
        }
        if (role == null) {
            throw new IllegalArgumentException("keys create needs --role reader|writer|operator|admin");
        }
        // Checked after defaulting: without --principal, the name is the principal and must fit as one.
        String holder = principal == null ? name : principal;
        check(
                !holder.isBlank() && holder.length() <= ApiKey.PRINCIPAL_LENGTH_MAX && Limits.isStorableText(holder),
                holder,
                (principal == null ? "--name (the principal, without --principal)" : "--principal") + " takes 1 to "
                        + ApiKey.PRINCIPAL_LENGTH_MAX + " characters of text, not blank");
        return new KeyOptions(name, holder, role, flags, ledgers.isEmpty() ? null : List.copyOf(ledgers));
    }

    private static String check(boolean condition, String value, String problem) {
        if (!condition) {
            throw new IllegalArgumentException(problem);
        }
        return value;
    }
}
