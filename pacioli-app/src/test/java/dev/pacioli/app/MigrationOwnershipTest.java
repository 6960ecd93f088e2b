package dev.pacioli.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each capability's migrations live beside its code, under {@code db/<capability>/}, and touch only the
 * tables that capability created: a capability can read another's table through a foreign key, never
 * alter, index, fill or empty it. Flyway reads them all as one sequence of versions.
 */
class MigrationOwnershipTest {
    /** Resource roots that hold {@code db/<capability>/V*.sql}, from pacioli-app (the working directory). */
    private static final List<Path> ROOTS = List.of(
            Path.of("..", "pacioli-postgres", "src", "main", "resources", "db"),
            Path.of("src", "main", "resources", "db"));

    /**
     * Tables whose owner is not the capability that created them, with the reason. V2 created
     * {@code api_keys} alongside the ledger's reads, before capabilities had migrations of their own.
     */
    private static final Map<String, String> ADOPTED = Map.of("api_keys", "access");

    private static final Pattern CREATES = Pattern.compile("\\bcreate\\s+table\\s+(?:if\\s+not\\s+exists\\s+)?(\\w+)");
    private static final List<Pattern> TOUCHES = List.of(
            Pattern.compile("\\b(?:alter|drop)\\s+table\\s+(?:if\\s+exists\\s+)?(?:only\\s+)?(\\w+)"),
            Pattern.compile("\\bcreate\\s+(?:unique\\s+)?index\\s+[^;]*?\\bon\\s+(?:only\\s+)?(\\w+)"),
            Pattern.compile("\\bcreate\\s+(?:or\\s+replace\\s+)?(?:constraint\\s+)?trigger\\s+[^;]*?\\bon\\s+(\\w+)"),
            Pattern.compile("\\binsert\\s+into\\s+(\\w+)"),
            Pattern.compile("\\bupdate\\s+(\\w+)\\s+set\\b"),
            Pattern.compile("\\bdelete\\s+from\\s+(\\w+)"),
            // Not "before truncate on t" in a trigger's definition: the trigger pattern covers that.
            Pattern.compile("\\btruncate\\s+(?:table\\s+)?(?!on\\b)(\\w+)"));

    record Migration(String capability, String file, String sql) {}

    private static final List<Migration> MIGRATIONS = new ArrayList<>();

    @BeforeAll
    static void read() throws IOException {
        for (Path root : ROOTS) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file :
                        files.filter(path -> path.toString().endsWith(".sql")).toList()) {
                    String capability = root.relativize(file).getName(0).toString();
                    MIGRATIONS.add(new Migration(capability, file.getFileName().toString(), sql(file)));
                }
            }
        }
        assertThat(MIGRATIONS).as("migrations found").hasSizeGreaterThanOrEqualTo(10);
    }

    /** The statements, lower case, without comments. */
    private static String sql(Path file) throws IOException {
        return Files.readString(file).replaceAll("--[^\n]*", "").toLowerCase(Locale.ROOT);
    }

    @Test
    void everyMigrationLivesInACapabilityFolderAndHasItsOwnVersion() {
        Map<String, String> versions = new TreeMap<>();
        for (Migration migration : MIGRATIONS) {
            assertThat(migration.file()).as(migration.capability()).matches("V\\d+__[a-z0-9_]+\\.sql");
            String version = migration.file().substring(0, migration.file().indexOf("__"));
            assertThat(versions.put(version, migration.file()))
                    .as("version %s used twice", version)
                    .isNull();
            Path code = migration.capability().equals("ledger")
                    ? Path.of("..", "pacioli-core", "src", "main", "java", "dev", "pacioli", "ledger")
                    : Path.of("src", "main", "java", "dev", "pacioli", migration.capability());
            assertThat(code)
                    .as("the capability package %s names", migration.capability())
                    .isDirectory();
        }
    }

    @Test
    void aMigrationTouchesOnlyTheTablesItsCapabilityOwns() {
        Map<String, String> owners = owners(MIGRATIONS);
        List<String> trespasses = new ArrayList<>();
        for (Migration migration : MIGRATIONS) {
            for (String table : touched(migration.sql())) {
                String owner = owners.get(table);
                if (owner == null || !owner.equals(migration.capability())) {
                    trespasses.add(
                            migration.capability() + "/" + migration.file() + " touches " + table + " of " + owner);
                }
            }
        }
        assertThat(trespasses).isEmpty();
    }

    @Test
    void theRuleSeesATrespass() {
        List<Migration> planted = List.of(
                new Migration("events", "V1__a.sql", "create table hooks (id text);"),
                new Migration("platform", "V2__b.sql", "create index hooks_id on hooks (id);"));
        Map<String, String> owners = owners(planted);
        assertThat(owners).containsEntry("hooks", "events");
        assertThat(touched(planted.get(1).sql())).containsExactly("hooks");
        assertThat(touched("create trigger no_update before update on audit_log for each row execute function f();"))
                .containsExactly("audit_log");
        assertThat(touched("alter table only journal add column x int; delete from entries where false;"))
                .containsExactly("journal", "entries");
    }

    private static Map<String, String> owners(List<Migration> migrations) {
        Map<String, String> owners = new TreeMap<>();
        for (Migration migration : migrations) {
            Matcher created = CREATES.matcher(migration.sql());
            while (created.find()) {
                owners.putIfAbsent(created.group(1), migration.capability());
            }
        }
        owners.putAll(ADOPTED);
        return owners;
    }

    private static List<String> touched(String sql) {
        List<String> tables = new ArrayList<>();
        for (Pattern pattern : TOUCHES) {
            Matcher touch = pattern.matcher(sql);
            while (touch.find()) {
                tables.add(touch.group(1));
            }
        }
        return tables;
    }
}
