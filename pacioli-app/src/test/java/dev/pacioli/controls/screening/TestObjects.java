package dev.pacioli.controls.screening;

import dev.pacioli.platform.TestService;
import dev.pacioli.postgres.Transactions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * A small real object type for testing the hook: {@code test_object}, a row in a table the tests make,
 * held while a case is open, {@code released} when its case is cleared and {@code rejected} when
 * confirmed, by a handler that writes in the decide's transaction as a capability would. A second type,
 * {@code test_failing}, has a handler that fails after writing: its decision must roll back whole.
 */
public final class TestObjects {
    public static final String TYPE = "test_object";
    public static final String FAILING = "test_failing";
    /** A type no handler is registered for. */
    public static final String UNHANDLED = "test_unhandled";

    private static final Map<Screening, Boolean> INSTALLED = new IdentityHashMap<>();

    private TestObjects() {}

    /** Makes the table and registers the handlers, once per service. */
    public static synchronized void install(TestService.Running running) {
        Screening screening = running.service().screening();
        if (INSTALLED.containsKey(screening)) {
            return;
        }
        Transactions.run(running.database().dataSource(), "could not make the test objects' table", connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("create table if not exists screening_test_objects (id text primary key,"
                        + " created_by text not null, status text not null)");
            }
            return null;
        });
        screening.handlers().register(TYPE, (transaction, screeningCase, decision) -> {
            try (PreparedStatement update = transaction.prepareStatement(
                    "update screening_test_objects set status = ? where id = ? and status = 'held'")) {
                update.setString(1, decision == ScreeningCase.Decision.CLEAR ? "released" : "rejected");
                update.setString(2, screeningCase.objectId());
                update.executeUpdate();
            }
        });
        screening.handlers().register(FAILING, (transaction, screeningCase, decision) -> {
            try (PreparedStatement update = transaction.prepareStatement(
                    "update screening_test_objects set status = 'released' where id = ?")) {
                update.setString(1, screeningCase.objectId());
                update.executeUpdate();
            }
            throw new SQLException("the test handler fails after writing", "P0001");
        });
        INSTALLED.put(screening, true);
    }

    /**
     * Creates an object as a capability would: screens the name, and when it hits, stores the object
     * held and opens a case per hit in one transaction. Returns the case ids (empty: not held).
     */
    public static List<String> create(
            TestService.Running running, String type, String id, String createdBy, Subject subject) {
        Screening screening = running.service().screening();
        List<Hit> hits = screening.screen(subject);
        DataSource dataSource = running.database().dataSource();
        return Transactions.run(dataSource, "could not create a test object", connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "insert into screening_test_objects (id, created_by, status) values (?, ?, ?)")) {
                insert.setString(1, id);
                insert.setString(2, createdBy);
                insert.setString(3, hits.isEmpty() ? "accepted" : "held");
                insert.executeUpdate();
            }
            List<String> cases = new ArrayList<>();
            for (Hit hit : hits) {
                cases.add(screening
                        .openCase(connection, type, null, id, createdBy, hit)
                        .id());
            }
            return cases;
        });
    }

    /** The object's status. */
    public static String status(TestService.Running running, String id) {
        return Transactions.run(running.database().dataSource(), "could not read a test object", connection -> {
            try (PreparedStatement query =
                    connection.prepareStatement("select status from screening_test_objects where id = ?")) {
                query.setString(1, id);
                try (ResultSet row = query.executeQuery()) {
                    return row.next() ? row.getString(1) : null;
                }
            }
        });
    }
}
