package dev.pacioli.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.LineMap;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreeScanner;
import com.sun.source.util.Trees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules of STYLE.md that a reader would otherwise have to trust, checked on the compiler's own
 * syntax trees of every module's main sources (TigerBeetle's tidy.zig is the model): sizes of files
 * and methods, what each package may import, and no cycles between packages. A rule that must bend
 * for a reason is written here with the reason, not skipped.
 */
class TidyTest {
    static final int FILE_LINES_MAX = 800;
    static final int METHOD_LINES_MAX = 70;

    /** Main source roots, from pacioli-app (the test's working directory). */
    private static final List<Path> ROOTS = Stream.of(
                    "pacioli-core", "pacioli-postgres", "pacioli-app", "pacioli-bench")
            .map(module -> Path.of("..", module, "src", "main", "java"))
            .toList();

    /** One parsed source file: its package, what it refers to in dev.pacioli, its size. */
    record Source(Path path, String packageName, Set<String> references, Set<String> imports) {}

    private static final List<Source> SOURCES = new ArrayList<>();
    private static final List<String> LONG_METHODS = new ArrayList<>();
    private static final List<String> WALL_CLOCK_CALLS = new ArrayList<>();

    @BeforeAll
    static void parse() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path root : ROOTS) {
            try (Stream<Path> paths = Files.walk(root)) {
                paths.filter(path -> path.toString().endsWith(".java")).forEach(files::add);
            }
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        try (StandardJavaFileManager manager = compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            JavacTask task = (JavacTask) compiler.getTask(
                    null, manager, null, List.of("-proc:none"), null, manager.getJavaFileObjectsFromPaths(files));
            SourcePositions positions = Trees.instance(task).getSourcePositions();
            for (CompilationUnitTree unit : task.parse()) {
                SOURCES.add(read(unit, positions));
            }
        }
        assertThat(SOURCES).as("sources parsed").hasSizeGreaterThan(100);
    }

    private static Source read(CompilationUnitTree unit, SourcePositions positions) {
        Path path = Path.of(unit.getSourceFile().toUri());
        String packageName =
                unit.getPackageName() == null ? "" : unit.getPackageName().toString();
        Set<String> imports = new TreeSet<>();
        for (ImportTree imported : unit.getImports()) {
            imports.add(imported.getQualifiedIdentifier().toString());
        }
        Set<String> references = new TreeSet<>();
        imports.stream().filter(name -> name.startsWith("dev.pacioli.")).forEach(references::add);
        LineMap lines = unit.getLineMap();
        new TreeScanner<Void, Void>() {
            @Override
            public Void visitMethod(MethodTree method, Void unused) {
                long first = lines.getLineNumber(positions.getStartPosition(unit, method));
                long last = lines.getLineNumber(positions.getEndPosition(unit, method));
                if (last - first + 1 > METHOD_LINES_MAX) {
                    LONG_METHODS.add(
                            path.getFileName() + " " + method.getName() + ": " + (last - first + 1) + " lines");
                }
                return super.visitMethod(method, unused);
            }

            @Override
            public Void visitMemberSelect(MemberSelectTree select, Void unused) {
                String name = select.toString();
                if (name.startsWith("dev.pacioli.")) {
                    references.add(name);
                }
                return super.visitMemberSelect(select, unused);
            }

            @Override
            public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
                String callee = call.getMethodSelect().toString();
                if (WALL_CLOCKS.stream().anyMatch(callee::endsWith)) {
                    WALL_CLOCK_CALLS.add(packageName + " " + path.getFileName() + ": " + callee);
                }
                return super.visitMethodInvocation(call, unused);
            }
        }.scan(unit, null);
        return new Source(path, packageName, references, imports);
    }

    private static final List<String> WALL_CLOCKS =
            List.of("System.currentTimeMillis", "Instant.now", "LocalDateTime.now", "LocalDate.now", "Clock.systemUTC");

    @Test
    void filesAndMethodsStayShort() {
        List<String> longFiles = new ArrayList<>();
        for (Source source : SOURCES) {
            int lines = lineCount(source.path());
            if (lines > FILE_LINES_MAX) {
                longFiles.add(source.path().getFileName() + ": " + lines + " lines");
            }
        }
        assertThat(longFiles).as("files over %d lines", FILE_LINES_MAX).isEmpty();
        assertThat(LONG_METHODS).as("methods over %d lines", METHOD_LINES_MAX).isEmpty();
    }

    /**
     * The domain and the engine are pure Java: no JDBC, JSON, HTTP or logging framework, and no wall
     * clock but the one the engine is given ({@code LedgerClock.SYSTEM}, the only reading of it).
     */
    @Test
    void theCoreImportsNoAdapterAndReadsNoWallClock() {
        List<String> forbidden = List.of(
                "java.sql.",
                "javax.sql.",
                "tools.jackson.",
                "com.fasterxml.",
                "io.javalin.",
                "org.eclipse.jetty.",
                "jakarta.",
                "java.net.http.",
                "org.slf4j.",
                "ch.qos.",
                "io.micrometer.",
                "dev.pacioli.postgres.");
        List<String> found = new ArrayList<>();
        for (Source source : inPackages("dev.pacioli.ledger", "dev.pacioli.ledger.engine")) {
            for (String imported : source.imports()) {
                if (forbidden.stream().anyMatch(imported::startsWith)) {
                    found.add(source.path().getFileName() + " imports " + imported);
                }
            }
        }
        assertThat(found).isEmpty();
        assertThat(WALL_CLOCK_CALLS.stream()
                        .filter(call -> call.startsWith("dev.pacioli.ledger ")
                                || call.startsWith("dev.pacioli.ledger.engine ")))
                .as("wall clock readings in the core")
                .containsExactly("dev.pacioli.ledger.engine LedgerClock.java: java.time.Instant.now");
    }

    /**
     * Capabilities depend on each other in one declared order, never on a later one, never on the
     * wiring, never on another's routes, and only the ledger's own package reaches its engine or builds
     * the port on its writers ({@code LocalLedgers}): every capability gets the ledgers through the
     * controls' {@code ControlledLedgers}, which the wiring builds.
     */
    @Test
    void capabilitiesImportOnlyWhatTheirOrderAllows() {
        Map<String, List<String>> allowed = new TreeMap<>(Map.of(
                "dev.pacioli.platform", List.of(),
                "dev.pacioli.ledger.http", List.of("dev.pacioli.platform"),
                "dev.pacioli.access", List.of("dev.pacioli.platform"),
                "dev.pacioli.events", List.of("dev.pacioli.platform", "dev.pacioli.ledger.http"),
                "dev.pacioli.controls",
                        List.of("dev.pacioli.platform", "dev.pacioli.ledger.http", "dev.pacioli.events"),
                // events: the inbound webhooks verify Standard Webhooks signatures with its WebhookVerifier.
                "dev.pacioli.payments",
                        List.of(
                                "dev.pacioli.controls",
                                "dev.pacioli.platform",
                                "dev.pacioli.ledger.http",
                                "dev.pacioli.events"),
                "dev.pacioli.clearing",
                        List.of(
                                "dev.pacioli.controls",
                                "dev.pacioli.platform",
                                "dev.pacioli.ledger.http",
                                "dev.pacioli.events")));
        // Operations copies the database as a whole, beneath every capability, through storage alone;
        // of custody it uses the KEK, which encrypts backups.
        allowed.put("dev.pacioli.operations", List.of("dev.pacioli.platform", "dev.pacioli.custody"));
        // Treasury converts through the payments' connectors; reconciliation holds payouts; custody
        // reaches its chains through the payments' evm_rpc connectors.
        for (String afterPayments :
                List.of("dev.pacioli.treasury", "dev.pacioli.reconciliation", "dev.pacioli.custody")) {
            allowed.put(
                    afterPayments,
                    List.of(
                            "dev.pacioli.platform",
                            "dev.pacioli.ledger.http",
                            "dev.pacioli.events",
                            "dev.pacioli.controls",
                            "dev.pacioli.payments"));
        }
        List<String> found = new ArrayList<>();
        for (Source source : SOURCES) {
            String capability = capabilityOf(source.packageName());
            if (capability == null || !allowed.containsKey(capability)) {
                continue;
            }
            for (String reference : source.references()) {
                String other = capabilityOf(reference);
                boolean crosses = other != null && !other.equals(capability);
                if (crosses && !allowed.get(capability).contains(other)) {
                    found.add(source.path().getFileName() + " (" + capability + ") uses " + reference);
                } else if (crosses && simpleName(reference).endsWith("Routes")) {
                    found.add(source.path().getFileName() + " uses another capability's routes: " + reference);
                }
                if (reference.startsWith("dev.pacioli.ledger.engine.")
                        && !capability.equals("dev.pacioli.ledger.http")) {
                    found.add(source.path().getFileName() + " reaches the engine: " + reference);
                }
                // The writers' own port stands behind the controls: only the wiring builds it.
                if (reference.equals("dev.pacioli.ledger.http.LocalLedgers")
                        && !capability.equals("dev.pacioli.ledger.http")) {
                    found.add(source.path().getFileName() + " goes around the controls: " + reference);
                }
            }
        }
        assertThat(found).isEmpty();
    }

    /**
     * Packages form no cycle. A package is taken per module: the benchmark keeps its microbenchmark in
     * the engine's package of its own module to reach package-private code, which is not a dependency
     * of the engine on the benchmark.
     */
    @Test
    void noPackageDependsOnItselfThroughOthers() {
        Map<String, String> nodeOfClass = new TreeMap<>();
        for (Source source : SOURCES) {
            nodeOfClass.put(source.packageName() + "." + className(source.path()), node(source));
        }
        Map<String, Set<String>> graph = new TreeMap<>();
        for (Source source : SOURCES) {
            Set<String> edges = graph.computeIfAbsent(node(source), name -> new TreeSet<>());
            for (String reference : source.references()) {
                String target = nodeOf(reference, nodeOfClass);
                if (target != null && !target.equals(node(source))) {
                    edges.add(target);
                }
            }
        }
        assertThat(cycles(graph)).as("package cycles").isEmpty();
    }

    /** The cycle finder itself finds a cycle, and only that one, so the test above cannot pass vacuously. */
    @Test
    void theCycleFinderFindsACycle() {
        Map<String, Set<String>> graph = Map.of(
                "a", Set.of("b"),
                "b", Set.of("a", "c"),
                "c", Set.of(),
                "d", Set.of("a"));
        assertThat(cycles(graph)).containsExactly(Set.of("a", "b"));
    }

    // ---- helpers

    private static List<Source> inPackages(String... names) {
        Set<String> wanted = Set.of(names);
        return SOURCES.stream()
                .filter(source -> wanted.contains(source.packageName()))
                .toList();
    }

    private static final List<String> CAPABILITIES = List.of(
            "dev.pacioli.platform",
            "dev.pacioli.ledger.http",
            "dev.pacioli.access",
            "dev.pacioli.events",
            "dev.pacioli.controls",
            "dev.pacioli.payments",
            "dev.pacioli.treasury",
            "dev.pacioli.clearing",
            "dev.pacioli.reconciliation",
            "dev.pacioli.custody",
            "dev.pacioli.operations",
            "dev.pacioli.app");

    /** The capability a package or a qualified name belongs to, or null (core, storage, bench). */
    static String capabilityOf(String name) {
        for (String capability : CAPABILITIES) {
            if (name.equals(capability) || name.startsWith(capability + ".")) {
                return capability;
            }
        }
        return null;
    }

    private static String simpleName(String qualified) {
        String[] parts = qualified.split("\\.");
        for (String part : parts) {
            if (!part.isEmpty() && Character.isUpperCase(part.charAt(0))) {
                return part;
            }
        }
        return parts[parts.length - 1];
    }

    private static String node(Source source) {
        return source.path().getParent().toString().replaceAll(".*/(pacioli-[a-z]+)/src/main/java/.*", "$1") + ":"
                + source.packageName();
    }

    private static String className(Path path) {
        String file = path.getFileName().toString();
        return file.substring(0, file.length() - ".java".length());
    }

    /** The node of the class this qualified name is, or is a member of; null for none of ours. */
    private static String nodeOf(String qualified, Map<String, String> nodeOfClass) {
        for (String name = qualified; name.contains("."); name = name.substring(0, name.lastIndexOf('.'))) {
            String found = nodeOfClass.get(name);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** Every cycle's packages, found as strongly connected components of more than one package. */
    static List<Set<String>> cycles(Map<String, Set<String>> graph) {
        List<Set<String>> found = new ArrayList<>();
        Set<String> done = new TreeSet<>();
        for (String start : graph.keySet()) {
            if (done.contains(start)) {
                continue;
            }
            Set<String> component = new TreeSet<>();
            for (String other : reachable(graph, start)) {
                if (reachable(graph, other).contains(start)) {
                    component.add(other);
                }
            }
            component.add(start);
            done.addAll(component);
            if (component.size() > 1) {
                found.add(component);
            }
        }
        return found;
    }

    private static Set<String> reachable(Map<String, Set<String>> graph, String from) {
        Set<String> seen = new TreeSet<>();
        List<String> stack = new ArrayList<>(graph.getOrDefault(from, Set.of()));
        while (!stack.isEmpty()) {
            String next = stack.removeLast();
            if (seen.add(next)) {
                stack.addAll(graph.getOrDefault(next, Set.of()));
            }
        }
        return seen;
    }

    private static int lineCount(Path path) {
        try (Stream<String> lines = Files.lines(path)) {
            return (int) lines.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
