package dev.pacioli.app;

import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.DatabaseUrl;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Configuration from flags and the environment, validated before anything starts. A flag wins over
 * its environment variable; nothing falls back silently to something dangerous.
 *
 * @param databaseUrl null for the embedded PostgreSQL under {@code dataDirectory}
 */
record Settings(Path dataDirectory, DatabaseUrl databaseUrl, List<String> arguments) {
    static final String DATA_DIRECTORY_VARIABLE = "PACIOLI_DATA_DIR";
    static final String DATABASE_URL_VARIABLE = "DATABASE_URL";

    /** Parses {@code --data-dir D} and {@code --database-url U}; the other arguments are left in order. */
    static Settings parse(List<String> args, Map<String, String> environment) {
        String dataDirectory = environment.getOrDefault(DATA_DIRECTORY_VARIABLE, "data");
        String databaseUrl = environment.get(DATABASE_URL_VARIABLE);
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--data-dir" -> dataDirectory = value(args, ++i, arg);
                case "--database-url" -> databaseUrl = value(args, ++i, arg);
                default -> {
                    if (arg.startsWith("--data-dir=")) {
                        dataDirectory = arg.substring("--data-dir=".length());
                    } else if (arg.startsWith("--database-url=")) {
                        databaseUrl = arg.substring("--database-url=".length());
                    } else {
                        rest.add(arg);
                    }
                }
            }
        }
        if (dataDirectory.isBlank()) {
            throw new ConfigurationException("the data directory (--data-dir or " + DATA_DIRECTORY_VARIABLE
                    + ") is empty; give a path such as ./data");
        }
        DatabaseUrl url;
        try {
            url = databaseUrl == null || databaseUrl.isBlank() ? null : DatabaseUrl.parse(databaseUrl);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(DATABASE_URL_VARIABLE + ": " + e.getMessage());
        }
        return new Settings(Path.of(dataDirectory), url, List.copyOf(rest));
    }

    private static String value(List<String> args, int index, String flag) {
        if (index >= args.size()) {
            throw new ConfigurationException(flag + " needs a value");
        }
        return args.get(index);
    }

    Database openDatabase() {
        Database database = databaseUrl == null
                ? Database.embedded(dataDirectory, Database.POOL_SIZE_DEFAULT)
                : Database.connect(databaseUrl, Database.DEFAULT_SCHEMA, Database.POOL_SIZE_DEFAULT);
        try {
            database.migrate();
            return database;
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /** A configuration mistake: the message says what is wrong and how to fix it. */
    static final class ConfigurationException extends RuntimeException {
        ConfigurationException(String message) {
            super(message);
        }
    }
}
