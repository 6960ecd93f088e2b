package dev.pacioli.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pacioli.ledger.Ledger;
import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.TestService;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.audit.MigrationAudit;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.MigrationsDown;
import dev.pacioli.postgres.TestDatabases;
import dev.pacioli.postgres.TestDatabases.TestDatabase;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The way back of every migration (docs/operations.md, Migrations down), here where every capability's
 * migrations are on the class path. Each migration taken back leaves the schema exactly as it was
 * before it (tables, columns, constraints, indexes, functions, triggers, storage options), and applied
 * again exactly as after it; a database holding data goes down to the start and up again, keeping what
 * the data-moving migrations moved; a down that would drop rows refuses and changes nothing.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.postgres.TestDatabases#all")
class MigrationsDownTest {
    private final TestDatabase shared;
    private final List<Database> opened = new ArrayList<>();

    MigrationsDownTest(TestDatabase shared) {
        this.shared = shared;
    }

    @AfterEach
    void drop() {
        opened.forEach(TestDatabases::drop);
    }

    @Test
    void everyMigrationHasAnUndoScript() {
        Database fresh = schema("pacioli_undo_all");
        List<String> missing = new ArrayList<>();
        for (MigrationInfo info : flyway(fresh, null).info().all()) {
            if (info.getVersion() != null && !MigrationsDown.hasUndo(info.getScript())) {
                missing.add(info.getScript());
            }
        }
        assertThat(missing)
                .as("migrations without undo/<capability>/U<n>__<name>.sql")
                .isEmpty();
    }

    @Test
    void eachMigrationTakenBackLeavesTheSchemaAsBeforeItAndAppliedAgainAsAfterIt() throws SQLException {
        Database database = schema("pacioli_undo_each");
        List<String> versions = new ArrayList<>();
        for (MigrationInfo info : flyway(database, null).info().all()) {
            if (info.getVersion() != null) {
                versions.add(info.getVersion().getVersion());
            }
        }
        String before = catalog(database);
        for (String version : versions) {
            flyway(database, version).migrate();
            String after = catalog(database);
            down(database, 1, true);
            assertThat(catalog(database)).as("V%s taken back", version).isEqualTo(before);
            flyway(database, version).migrate();
            assertThat(catalog(database)).as("V%s applied again", version).isEqualTo(after);
            before = after;
        }
    }

    @Test
    void aDatabaseHoldingDataGoesDownToTheStartAndUpAgainKeepingWhatTheMigrationsMoved() throws Exception {
        Database database = TestDatabases.ownSchema(shared.database(), "pacioli_undo_data", 8);
        opened.add(database);
        String ledger = TestService.uniqueName("undo");
        try (var service = TestService.startAsInstalled("undo", database, TestService.options(0, 0))
                .service()) {
            HttpTester admin = new HttpTester(URI.create("http://127.0.0.1:" + service.port()), TestService.ADMIN_KEY);
            String base = admin.openLedgerWithWorldAndWallet(ledger);
            admin.post(base + "/accounts", "{\"id\": \"fees\", \"asset\": \"USD\"}");
            assertThat(admin.post(
                                    base + "/transactions",
                                    "{\"id\": \"split\", \"postings\": [{\"from\": \"world\", \"to\": \"wallet\","
                                            + " \"amount\": 900, \"asset\": \"USD\"}, {\"from\": \"world\", \"to\":"
                                            + " \"fees\", \"amount\": 100, \"asset\": \"USD\"}]}")
                            .status())
                    .isEqualTo(201);
            assertThat(admin.post(
                                    base + "/transactions",
                                    "{\"id\": \"held\", \"pending\": true, \"postings\": [{\"from\": \"wallet\","
                                            + " \"to\": \"world\", \"amount\": 300, \"asset\": \"USD\"}]}")
                            .status())
                    .isEqualTo(201);
            assertThat(admin.post(base + "/transactions/held/post", "{\"amount\": 250}")
                            .status())
                    .isEqualTo(200);
        }
        int applied = applied(database);

        // Down past V6 refuses without leave: the lower migrations drop stored rows; nothing changes.
        MigrationsDown.Outcome refused = down(database, applied - 5, false);
        assertThat(refused.refused()).isTrue();
        assertThat(refused.steps()).hasSize(applied - 5);
        assertThat(refused.steps().stream()
                        .flatMap(step -> step.actual().stream())
                        .map(MigrationsDown.Loss::what))
                .as("every loss is named, not only the first")
                .contains("audit records", "service events");
        assertThat(applied(database)).isEqualTo(applied);

        // Down to V5 with leave: the postings are rows again, in order, with their posted amounts.
        assertThat(down(database, applied - 5, true).refused()).isFalse();
        assertThat(
                        rows(
                                database,
                                "select transaction_id || ':' || index || ':' || from_account || '>' || to_account"
                                        + " || ':' || amount || ':' || coalesce(posted_amount::text, '-') from postings order by 1"))
                .containsExactly(
                        "held:0:wallet>world:300:250", "split:0:world>wallet:900:-", "split:1:world>fees:100:-");
        flyway(database, null).migrate();
        Ledger found = database.catalog().findLedger(ledger).orElseThrow();
        assertThat(database.verification().verify(found).ok()).isTrue();

        // All the way down, and up again: an empty, working schema.
        assertThat(down(database, applied(database), true).refused()).isFalse();
        assertThat(rows(
                        database,
                        "select table_name::text from information_schema.tables where table_schema = '"
                                + database.schema() + "' and table_name <> 'flyway_schema_history'"))
                .isEmpty();
        flyway(database, null).migrate();
        assertThat(applied(database)).isEqualTo(applied);
    }

    @Test
    void aRevertIsAuditedAndTheNextApplicationGetsItsOwnRecord() throws SQLException {
        Database database = TestDatabases.ownSchema(shared.database(), "pacioli_undo_audit", 4);
        opened.add(database);
        MigrationAudit.record(database.dataSource());
        String top = rows(database, "select max(version::int)::text from flyway_schema_history")
                .getFirst();
        MigrationsDown.Outcome outcome = database.migrationsDown()
                .down(
                        1,
                        false,
                        (transaction, step) -> MigrationAudit.reverted(
                                transaction,
                                Actor.commandLine("cli:test"),
                                step.version(),
                                step.description(),
                                step.undoScript(),
                                step.actual().toString()));
        assertThat(outcome.refused()).isFalse();
        flyway(database, null).migrate();
        MigrationAudit.record(database.dataSource());
        assertThat(rows(
                        database,
                        "select action || ' by ' || principal from audit_log where object_id = '" + top
                                + "' order by sequence"))
                .containsExactly(
                        "schema.migrated by system", "schema.reverted by cli:test", "schema.migrated by system");
    }

    @Test
    void aCountBeyondWhatIsAppliedChangesNothing() throws SQLException {
        Database database = TestDatabases.ownSchema(shared.database(), "pacioli_undo_count", 4);
        opened.add(database);
        int applied = applied(database);
        assertThatThrownBy(() -> down(database, applied + 1, true)).isInstanceOf(IllegalArgumentException.class);
        assertThat(applied(database)).isEqualTo(applied);
    }

    // ---- helpers

    private Database schema(String prefix) {
        Database database = shared.database()
                .inSchema(
                        prefix + "_"
                                + Integer.toHexString(
                                        ThreadLocalRandom.current().nextInt(1 << 24)),
                        4);
        opened.add(database);
        return database;
    }

    private static MigrationsDown.Outcome down(Database database, int count, boolean allow) {
        return database.migrationsDown().down(count, allow, (transaction, step) -> {});
    }

    private static Flyway flyway(Database database, String target) {
        var configuration = Flyway.configure()
                .dataSource(database.dataSource())
                .schemas(database.schema())
                .createSchemas(true)
                .locations(Database.MIGRATIONS);
        return (target == null ? configuration : configuration.target(target)).load();
    }

    private static int applied(Database database) throws SQLException {
        return Integer.parseInt(rows(
                        database,
                        "select count(*)::text from flyway_schema_history where success and" + " version is not null")
                .getFirst());
    }

    /**
     * The schema as PostgreSQL's catalog has it, in a stable text: tables with their storage options,
     * columns (name, type, collation, nullability, default, identity), constraints, indexes, functions
     * and triggers; the order of columns is left out (a column added back comes last).
     */
    private static String catalog(Database database) throws SQLException {
        String schema = database.schema();
        TreeSet<String> lines = new TreeSet<>();
        lines.addAll(rows(
                database,
                "select 'table ' || c.relname || ' ' || coalesce(array_to_string(c.reloptions, ','),"
                        + " '') from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = '"
                        + schema
                        + "' and c.relkind = 'r' and c.relname <> 'flyway_schema_history'"));
        lines.addAll(rows(
                database,
                "select 'column ' || c.relname || '.' || a.attname || ' '"
                        + " || format_type(a.atttypid, a.atttypmod) || ' ' || coalesce(co.collname, '-') || ' '"
                        + " || a.attnotnull::text || ' ' || a.attidentity::text || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '-')"
                        + " from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid ="
                        + " c.relnamespace left join pg_collation co on co.oid = a.attcollation and a.attcollation <> 0"
                        + " left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum where n.nspname = '"
                        + schema + "' and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped"
                        + " and c.relname <> 'flyway_schema_history'"));
        lines.addAll(rows(
                database,
                "select 'constraint ' || c.relname || '.' || k.conname || ' '"
                        + " || pg_get_constraintdef(k.oid) from pg_constraint k join pg_class c on c.oid = k.conrelid"
                        + " join pg_namespace n on n.oid = c.relnamespace where n.nspname = '" + schema
                        + "' and c.relname <> 'flyway_schema_history'"));
        lines.addAll(rows(
                database,
                "select 'index ' || indexname || ' ' || indexdef from pg_indexes where" + " schemaname = '" + schema
                        + "' and tablename <> 'flyway_schema_history'"));
        lines.addAll(rows(
                database,
                "select 'function ' || p.proname || ' ' || pg_get_functiondef(p.oid) from"
                        + " pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = '" + schema
                        + "'"));
        lines.addAll(rows(
                database,
                "select 'trigger ' || t.tgname || ' ' || pg_get_triggerdef(t.oid) from pg_trigger t"
                        + " join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace where"
                        + " n.nspname = '" + schema + "' and not t.tgisinternal"));
        return String.join("\n", lines);
    }

    private static List<String> rows(Database database, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = database.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
        }
        return rows;
    }
}
