package dev.pacioli.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenAPI document is written as one fragment per capability ({@code src/main/openapi/<name>.yaml}:
 * its tags, paths and components) and merged, as text so comments survive, into the {@code
 * openapi.yaml} the service serves. {@code platform.yaml} comes first and alone carries the document's
 * head (version, info, security) and the shared components; the others only add.
 */
final class OpenApiFragments {
    /** The fragments in the order their parts appear in the merged document. */
    static final List<String> ORDER = List.of(
            "platform",
            "connectors",
            "ledger",
            "access",
            "events",
            "audit",
            "jobs",
            "alerts",
            "controls",
            "screening",
            "payments",
            "commissions",
            "limits",
            "treasury",
            "app",
            "clearing",
            "reconciliation",
            "custody");

    static final Path DIRECTORY = Path.of("src", "main", "openapi");
    static final Path MERGED = Path.of("src", "main", "resources", "openapi.yaml");

    /** Component sections, in the order the merged document lists them. */
    static final List<String> SECTIONS =
            List.of("securitySchemes", "parameters", "x-pacioli-pattern-parameters", "headers", "responses", "schemas");

    /**
     * A fragment's own problem codes: a list under {@code components}, with comments. The merge puts
     * them into the {@code Problem} schema's code enum, where {@link #PROBLEM_CODES_MARKER} stands in
     * platform.yaml, so that a capability adds its codes without editing the platform's fragment.
     */
    static final String PROBLEM_CODES = "x-pacioli-problem-codes";

    static final String PROBLEM_CODES_MARKER =
            "            # " + PROBLEM_CODES + ": each capability's own codes, from its fragment";

    private static final Pattern PROBLEM_CODE = Pattern.compile("^    (?:- [a-z][a-z_]*[a-z]|#.*)$");

    private static final Pattern TOP_LEVEL = Pattern.compile("^([A-Za-z]\\w*):.*$");
    private static final Pattern SECTION = Pattern.compile("^  ([\\w-]+):$");

    /** One fragment's text, cut into the parts the merge interleaves. */
    record Fragment(
            String name,
            List<String> head,
            List<String> tags,
            List<String> paths,
            Map<String, List<String>> components) {}

    private OpenApiFragments() {}

    private static final Pattern PATH = Pattern.compile("^  (/\\S*):$");
    private static final Pattern METHOD = Pattern.compile("^    (get|put|post|patch|delete):$");

    /** The operations a fragment declares, named as {@link OpenApiContract#operations()} names them. */
    static Set<String> operations(String name) {
        Set<String> operations = new TreeSet<>();
        String path = null;
        for (String line : read(name).paths()) {
            Matcher pathLine = PATH.matcher(line);
            Matcher methodLine = METHOD.matcher(line);
            if (pathLine.matches()) {
                path = pathLine.group(1);
            } else if (methodLine.matches() && path != null) {
                operations.add(methodLine.group(1).toUpperCase(Locale.ROOT) + " " + path);
            }
        }
        return operations;
    }

    static Fragment read(String name) {
        List<String> lines = lines(DIRECTORY.resolve(name + ".yaml"));
        Map<String, List<String>> parts = new LinkedHashMap<>();
        List<String> head = new ArrayList<>();
        List<String> current = head;
        for (String line : lines) {
            Matcher key = TOP_LEVEL.matcher(line);
            if (key.matches() && List.of("tags", "paths", "components").contains(key.group(1))) {
                current = parts.computeIfAbsent(key.group(1), k -> new ArrayList<>());
            } else if (key.matches() && current != head) {
                throw new IllegalStateException(
                        name + ".yaml: '" + key.group(1) + "' belongs in the head, before tags");
            } else {
                current.add(line);
            }
        }
        if (!name.equals(ORDER.getFirst()) && !trim(head).isEmpty()) {
            throw new IllegalStateException(name + ".yaml: only " + ORDER.getFirst() + ".yaml has a head");
        }
        return new Fragment(
                name,
                trim(head),
                trim(parts.getOrDefault("tags", List.of())),
                trim(parts.getOrDefault("paths", List.of())),
                sections(name, parts.getOrDefault("components", List.of())));
    }

    private static Map<String, List<String>> sections(String name, List<String> components) {
        Map<String, List<String>> sections = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : components) {
            Matcher section = SECTION.matcher(line);
            if (section.matches()) {
                if (!SECTIONS.contains(section.group(1)) && !section.group(1).equals(PROBLEM_CODES)) {
                    throw new IllegalStateException(name + ".yaml: no component section " + section.group(1));
                }
                current = sections.computeIfAbsent(section.group(1), k -> new ArrayList<>());
            } else if (current == null && !line.isBlank()) {
                throw new IllegalStateException(name + ".yaml: a component outside a section: " + line);
            } else if (current != null) {
                current.add(line);
            }
        }
        sections.replaceAll((section, lines) -> trim(lines));
        for (String line : sections.getOrDefault(PROBLEM_CODES, List.of())) {
            if (!PROBLEM_CODE.matcher(line).matches()) {
                throw new IllegalStateException(name + ".yaml: not a problem code: " + line);
            }
        }
        return sections;
    }

    /** The Problem code enum's lines: each fragment's own codes under a comment naming it. */
    private static List<String> problemCodes(List<Fragment> fragments) {
        List<String> lines = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        for (Fragment fragment : fragments) {
            List<String> own = fragment.components().getOrDefault(PROBLEM_CODES, List.of());
            if (own.isEmpty()) {
                continue;
            }
            lines.add("            # " + fragment.name());
            for (String line : own) {
                String code = line.trim();
                if (code.startsWith("- ") && !seen.add(code)) {
                    throw new IllegalStateException(fragment.name() + ".yaml: problem code declared twice: " + code);
                }
                lines.add("        " + line);
            }
        }
        return lines;
    }

    /** The merged document's text. */
    static String merge(List<Fragment> fragments) {
        List<String> codes = problemCodes(fragments);
        StringBuilder out = new StringBuilder();
        out.append("# Generated from src/main/openapi/*.yaml (one fragment per capability) by OpenApiFragmentsTest:\n")
                .append("# edit the fragments, then run it with -Dpacioli.openapi.write=true.\n");
        fragments.getFirst().head().forEach(line -> out.append(line).append('\n'));
        out.append("tags:\n");
        fragments.forEach(fragment -> append(out, fragment.tags(), false));
        out.append("\npaths:\n");
        fragments.forEach(fragment -> append(out, fragment.paths(), true));
        out.append("components:\n");
        for (String section : SECTIONS) {
            out.append("  ").append(section).append(":\n");
            fragments.forEach(fragment -> append(out, fragment.components().getOrDefault(section, List.of()), true));
        }
        String merged = out.toString().stripTrailing() + "\n";
        if (!merged.contains(PROBLEM_CODES_MARKER + "\n")) {
            throw new IllegalStateException("platform.yaml: the Problem code enum has no line " + PROBLEM_CODES_MARKER);
        }
        return merged.replace(
                PROBLEM_CODES_MARKER + "\n", PROBLEM_CODES_MARKER + "\n" + String.join("\n", codes) + "\n");
    }

    private static void append(StringBuilder out, List<String> lines, boolean blankAfter) {
        if (lines.isEmpty()) {
            return;
        }
        lines.forEach(line -> out.append(line).append('\n'));
        if (blankAfter) {
            out.append('\n');
        }
    }

    private static List<String> trim(List<String> lines) {
        int from = 0;
        int to = lines.size();
        while (from < to && lines.get(from).isBlank()) {
            from++;
        }
        while (to > from && lines.get(to - 1).isBlank()) {
            to--;
        }
        return List.copyOf(lines.subList(from, to));
    }

    static List<String> lines(Path path) {
        try {
            return Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
