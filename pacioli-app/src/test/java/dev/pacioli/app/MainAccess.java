package dev.pacioli.app;

import java.util.List;

/** The command line for tests in other packages, run in this JVM, printing to standard output. */
public final class MainAccess {
    private MainAccess() {}

    public static int run(String... args) {
        return Main.run(List.of(args), System.out);
    }
}
