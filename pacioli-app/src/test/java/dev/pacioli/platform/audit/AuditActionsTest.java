package dev.pacioli.platform.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.OpenApiContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The actions the log writes are the ones docs/audit-log.md lists and openapi.yaml enumerates. */
class AuditActionsTest {
    @Test
    void theDocsAndTheDocumentListEveryActionAndNoOther() throws IOException {
        List<String> codes =
                Arrays.stream(AuditAction.values()).map(AuditAction::code).toList();
        String docs = Files.readString(Path.of("..", "docs", "audit-log.md"));
        List<String> documented = new ArrayList<>();
        Matcher row = Pattern.compile("(?m)^\\| `([a-z_]+\\.[a-z_]+)` \\|").matcher(docs);
        while (row.find()) {
            documented.add(row.group(1));
        }
        assertThat(documented).as("docs/audit-log.md, Actions").containsExactlyElementsOf(codes);
        List<String> enumerated = new ArrayList<>();
        OpenApiContract.load()
                .document()
                .path("components")
                .path("schemas")
                .path("AuditAction")
                .path("enum")
                .forEach(code -> enumerated.add(code.stringValue()));
        assertThat(enumerated).as("openapi.yaml, AuditAction").containsExactlyElementsOf(codes);
        for (AuditAction action : AuditAction.values()) {
            assertThat(AuditAction.ofCode(action.code())).isEqualTo(action);
            assertThat(action.code()).startsWith(action.objectType() + ".");
        }
    }
}
