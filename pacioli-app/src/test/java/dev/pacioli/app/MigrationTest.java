package dev.pacioli.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.TestDatabases.TestDatabase;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Migrations that move stored rows, run on rows written in the schema before them. Here, where every
 * capability's migrations are on the class path, so a target version means the same as in production.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.postgres.TestDatabases#all")
class MigrationTest {
    private final TestDatabase database;
    private final String schema = "pacioli_migration_"
            + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));

    MigrationTest(TestDatabase database) {
        this.database = database;
    }

    @AfterEach
    void dropSchema() throws SQLException {
        execute("drop schema if exists " + schema + " cascade");
    }

    @Test
    void v6MovesEveryTransactionsPostingsIntoItsRowInOrderKeepingPostedAmounts() throws SQLException {
        migrateTo("5");
        execute("insert into " + schema + ".ledgers (name, head_hash) values ('m', '\\x00')");
        execute("insert into " + schema + ".assets (code, scale) values ('USD', 2)");
        String transaction = "insert into " + schema + ".transactions (ledger_id, id, sequence, status, pending,"
                + " expires_at, metadata, committed_at, hash) values (1, '%s', %d, %d, %s, 0, '{}', now(), '\\x01')";
        execute(transaction.formatted("plain", 1, 1, "false"));
        execute(transaction.formatted("held", 2, 1, "true"));
        String posting = "insert into " + schema + ".postings values (1, '%s', %d, '%s', '%s', 'USD', %d, %s)";
        // Inserted out of order: the arrays follow the postings' index, not the insertion order.
        execute(posting.formatted("plain", 1, "b", "c", 20, "null"));
        execute(posting.formatted("plain", 0, "a", "b", 10, "null"));
        execute(posting.formatted("held", 0, "a", "c", 30, "25"));
        execute(posting.formatted("held", 1, "c", "d", 40, "40"));

        migrateTo("6");

        assertThat(postings("plain")).containsExactly("a,b", "b,c", "USD,USD", "10,20", "null");
        assertThat(postings("held")).containsExactly("a,c", "c,d", "USD,USD", "30,40", "25,40");
        try (Connection connection = database.database().dataSource().getConnection();
                ResultSet tables = connection.getMetaData().getTables(null, schema, "postings", null)) {
            assertThat(tables.next()).as("the postings table is gone").isFalse();
        }
    }

    @Test
    void v10GivesEveryExistingKeyItsNameAsPrincipalAndNoFlags() throws SQLException {
        // 8, not 9: V9 belongs to another change; whichever lands first, these rows predate V10.
        migrateTo("8");
        String key = "insert into " + schema + ".api_keys (id, name, role, ledgers, secret_hash)"
                + " values ('%s', '%s', '%s', %s, sha256('%s'))";
        execute(key.formatted("key_0000000000000001", "admin", "admin", "null", "a"));
        execute(key.formatted("key_0000000000000002", "ci deploys", "writer", "'{main}'", "b"));

        migrateTo("10");

        assertThat(keyRow("key_0000000000000001")).isEqualTo("admin|admin|{}");
        assertThat(keyRow("key_0000000000000002")).isEqualTo("ci deploys|ci deploys|{}");
        assertThatThrownBy(() -> execute("insert into " + schema + ".api_keys (id, name, role, secret_hash)"
                        + " values ('key_0000000000000003', 'new', 'reader', sha256('c'))"))
                .as("principal has no default: every new key names its own")
                .hasMessageContaining("principal");
    }

    @Test
    void v15KeepsEveryNatsCursorUnderItsLedgersName() throws SQLException {
        migrateTo("14");
        execute("insert into " + schema + ".ledgers (name, head_hash) values ('eu', '\\x00'), ('us', '\\x00')");
        execute("insert into " + schema + ".nats_cursors (ledger_id, stream, last_sequence) values"
                + " (1, 'PACIOLI', 42), (2, 'PACIOLI', 7), (2, 'OTHER', 3)");

        migrateTo("15");

        assertThat(rows("select source || '|' || stream || '|' || last_sequence from " + schema
                        + ".nats_cursors order by 1"))
                .containsExactly("eu|PACIOLI|42", "us|OTHER|3", "us|PACIOLI|7");
    }

    @Test
    void v16KeepsWebhookCursorsAndDeliveriesUnderTheLedgersNameAndStartsTheServiceStreamAtItsHead()
            throws SQLException {
        migrateTo("15");
        execute("insert into " + schema + ".ledgers (name, head_hash) values ('eu', '\\x00'), ('us', '\\x00')");
        execute("update " + schema + ".service_event_head set sequence = 5");
        execute("insert into " + schema + ".webhook_endpoints (id, url, events, ledgers, secret) values"
                + " ('whk_0000000000000001', 'https://a.invalid', '{*}', null, 's'),"
                + " ('whk_0000000000000002', 'https://b.invalid', '{*}', '{us}', 's')");
        execute("insert into " + schema + ".webhook_cursors (endpoint_id, ledger_id, after_sequence) values"
                + " ('whk_0000000000000001', 1, 10), ('whk_0000000000000001', 2, 3), ('whk_0000000000000002', 2, 4)");
        execute("insert into " + schema + ".webhook_deliveries (endpoint_id, event_id, ledger_id, sequence, type,"
                + " event_created_at, next_attempt_at) values"
                + " ('whk_0000000000000001', 'evt_eu_10', 1, 10, 'account.created', now(), now()),"
                + " ('whk_0000000000000002', 'evt_us_4', 2, 4, 'account.created', now(), now())");

        migrateTo("16");

        assertThat(rows("select endpoint_id || '|' || stream || '|' || after_sequence from " + schema
                        + ".webhook_cursors order by 1"))
                .containsExactly(
                        "whk_0000000000000001|_service|5",
                        "whk_0000000000000001|eu|10",
                        "whk_0000000000000001|us|3",
                        "whk_0000000000000002|_service|5",
                        "whk_0000000000000002|us|4");
        assertThat(rows("select endpoint_id || '|' || stream || '|' || sequence from " + schema
                        + ".webhook_deliveries order by 1"))
                .containsExactly("whk_0000000000000001|eu|10", "whk_0000000000000002|us|4");
    }

    /** The first column of every row {@code sql} answers. */
    private List<String> rows(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = database.database().dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            while (row.next()) {
                rows.add(row.getString(1));
            }
        }
        return rows;
    }

    /** {@code name|principal|flags} of a key, or null when there is none. */
    private String keyRow(String id) throws SQLException {
        try (Connection connection = database.database().dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("select name || '|' || principal || '|' || flags::text from "
                        + schema + ".api_keys where id = '" + id + "'")) {
            return row.next() ? row.getString(1) : null;
        }
    }

    private List<String> postings(String id) throws SQLException {
        try (Connection connection = database.database().dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("select posting_from, posting_to, posting_asset,"
                        + " posting_amount, posted_amount from " + schema + ".transactions where id = '" + id + "'")) {
            assertThat(row.next()).isTrue();
            List<String> columns = new ArrayList<>();
            for (int column = 1; column <= 5; column++) {
                Array array = row.getArray(column);
                columns.add(
                        array == null
                                ? "null"
                                : String.join(
                                        ",",
                                        Arrays.stream((Object[]) array.getArray())
                                                .map(String::valueOf)
                                                .toList()));
            }
            return columns;
        }
    }

    private void migrateTo(String version) {
        Flyway.configure()
                .dataSource(database.database().dataSource())
                .schemas(schema)
                .createSchemas(true)
                .locations(Database.MIGRATIONS)
                .target(version)
                .load()
                .migrate();
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = database.database().dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
