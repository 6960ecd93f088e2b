package dev.pacioli.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * {@code openapi.yaml} is the merge of one fragment per capability: every fragment is in the merge
 * order, no path, tag or component is declared by two fragments, and the served document is the
 * merge as it stands (a stale one fails; {@code -Dpacioli.openapi.write=true} writes it anew).
 */
class OpenApiFragmentsTest {
    private static final YAMLMapper YAML = new YAMLMapper();

    @Test
    void everyFragmentIsMergedInItsOrder() throws IOException {
        List<String> files = new ArrayList<>();
        try (Stream<Path> paths = Files.list(OpenApiFragments.DIRECTORY)) {
            paths.map(path -> path.getFileName().toString().replace(".yaml", ""))
                    .forEach(files::add);
        }
        assertThat(files).containsExactlyInAnyOrderElementsOf(OpenApiFragments.ORDER);
    }

    @Test
    void noPathTagOrComponentIsDeclaredTwice() {
        Map<String, List<String>> declaredBy = new TreeMap<>();
        for (String name : OpenApiFragments.ORDER) {
            JsonNode fragment = YAML.readTree(
                    OpenApiFragments.DIRECTORY.resolve(name + ".yaml").toFile());
            fragment.path("paths").propertyNames().forEach(path -> declare(declaredBy, "path " + path, name));
            fragment.path("tags")
                    .forEach(
                            tag -> declare(declaredBy, "tag " + tag.path("name").asString(), name));
            for (String section : OpenApiFragments.SECTIONS) {
                fragment.path("components")
                        .path(section)
                        .propertyNames()
                        .forEach(component -> declare(declaredBy, section + " " + component, name));
            }
        }
        declaredBy.values().removeIf(fragments -> fragments.size() == 1);
        assertThat(declaredBy).as("declared by more than one fragment").isEmpty();
    }

    /**
     * Each capability's walkthrough proves its own fragment's operations are called, with a record of
     * its own calls: so every fragment that declares operations must belong to one, and together the
     * fragments declare every operation the served document has.
     */
    @Test
    void everyOperationBelongsToAFragmentAWalkthroughCovers() {
        Set<String> declared = new TreeSet<>();
        for (String name : OpenApiFragments.ORDER) {
            Set<String> operations = OpenApiFragments.operations(name);
            if (!operations.isEmpty()) {
                assertThat(WALKTHROUGHS)
                        .as("a walkthrough that covers %s.yaml", name)
                        .contains(name);
            }
            declared.addAll(operations);
        }
        assertThat(declared).isEqualTo(OpenApiContract.load().operations());
    }

    /** The fragments some walkthrough covers. */
    private static final List<String> WALKTHROUGHS = ApiWalkthroughTest.FRAGMENTS;

    @Test
    void theServedDocumentIsTheMergeOfTheFragments() throws IOException {
        String merged = OpenApiFragments.merge(
                OpenApiFragments.ORDER.stream().map(OpenApiFragments::read).toList());
        if (Boolean.getBoolean("pacioli.openapi.write")) {
            Files.writeString(OpenApiFragments.MERGED, merged, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(OpenApiFragments.MERGED, StandardCharsets.UTF_8))
                .as("openapi.yaml is stale: run OpenApiFragmentsTest with -Dpacioli.openapi.write=true")
                .isEqualTo(merged);
        assertThat(YAML.readTree(merged).path("paths").size()).isEqualTo(pathCount());
    }

    /** The merge loses nothing: as many paths as the fragments declare. */
    private static int pathCount() {
        TreeSet<String> paths = new TreeSet<>();
        for (String name : OpenApiFragments.ORDER) {
            YAML.readTree(OpenApiFragments.DIRECTORY.resolve(name + ".yaml").toFile())
                    .path("paths")
                    .propertyNames()
                    .forEach(paths::add);
        }
        return paths.size();
    }

    private static void declare(Map<String, List<String>> declaredBy, String what, String fragment) {
        declaredBy.computeIfAbsent(what, key -> new ArrayList<>()).add(fragment);
    }
}
