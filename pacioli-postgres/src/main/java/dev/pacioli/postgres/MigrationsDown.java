package dev.pacioli.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Takes the newest applied migrations back (docs/operations.md, Migrations down). Flyway's community
 * edition has no undo, so each migration {@code db/<capability>/V<n>__<name>.sql} has its way back
 * beside it on the class path, {@code undo/<capability>/U<n>__<name>.sql}, run by this small runner.
 *
 * <p>An undo script names what it would lose in header lines {@code -- loses: <what>: <count query>}.
 * Every step runs in ONE database transaction (PostgreSQL's DDL is transactional): each step's
 * queries are counted just before its script runs, then its row of {@code flyway_schema_history} is
 * deleted, so a later {@code migrate up} applies it again. When any step would lose rows and losing
 * data was not allowed, every step still runs (to count every loss) and then the whole transaction
 * is rolled back: the answer names every loss, and nothing changed. A failing script rolls back
 * everything too.
 */
public final class MigrationsDown {
    private static final Pattern LOSES = Pattern.compile("^-- loses: (.+?): (select .+)$");

    private final DataSource dataSource;

    public MigrationsDown(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Rows a step would drop (or did): what they are and how many. */
    public record Loss(String what, long rows) {}

    /** One migration taken back. */
    public record Step(String version, String description, String undoScript, List<Loss> losses) {
        /** The losses that concern rows there are. */
        public List<Loss> actual() {
            return losses.stream().filter(loss -> loss.rows() > 0).toList();
        }
    }

    /** Called in the down's transaction after each step: to audit it while the audit log still exists. */
    @FunctionalInterface
    public interface StepListener {
        void undone(Connection transaction, Step step) throws SQLException;
    }

    /** What a down came to: the steps taken, and whether they were kept (refused when data would be lost). */
    public record Outcome(List<Step> steps, boolean refused) {}

    /**
     * Takes back the {@code count} newest applied migrations, newest first.
     *
     * @param allowDataLoss run steps that drop rows; without it, such a down changes nothing
     * @throws IllegalArgumentException when fewer than {@code count} migrations are applied, or one has
     *     no undo script
     */
    public Outcome down(int count, boolean allowDataLoss, StepListener listener) {
        if (count < 1) {
            throw new IllegalArgumentException("migrate down takes a positive count");
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                List<Applied> applied = newest(connection, count);
                List<Step> steps = new ArrayList<>();
                boolean refused = false;
                for (Applied migration : applied) {
                    // Every step runs even after one would lose data, so a refusal names every loss.
                    Step step = undo(connection, migration);
                    steps.add(step);
                    refused |= !step.actual().isEmpty() && !allowDataLoss;
                    listener.undone(connection, step);
                }
                if (refused) {
                    connection.rollback();
                } else {
                    connection.commit();
                }
                return new Outcome(List.copyOf(steps), refused);
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("migrate down failed; nothing was changed: " + e.getMessage(), e);
        }
    }

    /** An applied migration as Flyway's history has it. */
    private record Applied(String version, String description, String script) {}

    /** The newest {@code count} successful versioned migrations, newest first; locks the history. */
    private static List<Applied> newest(Connection connection, int count) throws SQLException {
        try (Statement lock = connection.createStatement()) {
            // What Flyway's own migrate waits for, so a concurrent migrate up cannot interleave.
            lock.execute("lock table flyway_schema_history in exclusive mode");
        }
        List<Applied> applied = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("select version, description, script from"
                + " flyway_schema_history where success and version is not null"
                + " order by installed_rank desc limit ?")) {
            select.setInt(1, count);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    applied.add(new Applied(rows.getString(1), rows.getString(2), rows.getString(3)));
                }
            }
        }
        if (applied.size() < count) {
            throw new IllegalArgumentException(
                    "only " + applied.size() + " migration(s) are applied; cannot take back " + count);
        }
        return applied;
    }

    private static Step undo(Connection connection, Applied migration) throws SQLException {
        String path = undoPath(migration.script());
        String script = resource(path);
        List<Loss> losses = new ArrayList<>();
        for (String line : script.split("\n")) {
            Matcher loses = LOSES.matcher(line.strip());
            if (loses.matches()) {
                try (Statement count = connection.createStatement();
                        ResultSet row = count.executeQuery(loses.group(2))) {
                    row.next();
                    losses.add(new Loss(loses.group(1), row.getLong(1)));
                }
            }
        }
        try (Statement run = connection.createStatement()) {
            run.execute(script);
        }
        try (PreparedStatement forget =
                connection.prepareStatement("delete from flyway_schema_history where version = ?")) {
            forget.setString(1, migration.version());
            forget.executeUpdate();
        }
        return new Step(migration.version(), migration.description(), path, List.copyOf(losses));
    }

    /**
     * The undo script of a migration script as Flyway records it ({@code ledger/V6__x.sql}, relative to
     * {@code db/}): {@code undo/ledger/U6__x.sql}.
     */
    static String undoPath(String script) {
        int slash = script.lastIndexOf('/');
        String file = script.substring(slash + 1);
        if (!file.startsWith("V")) {
            throw new IllegalArgumentException("not a versioned migration script: " + script);
        }
        return "undo/" + script.substring(0, slash + 1) + "U" + file.substring(1);
    }

    /** Whether a migration script has its undo script on the class path. */
    public static boolean hasUndo(String script) {
        return MigrationsDown.class.getClassLoader().getResource(undoPath(script)) != null;
    }

    private static String resource(String path) {
        try (InputStream in = MigrationsDown.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no undo script " + path + " on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }
}
