package dev.pacioli.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.TestService;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The operations assets in {@code ops/} and {@code docs/runbooks/} hold together: Prometheus' own
 * {@code promtool} (unpacked from Debian's package by {@code scripts/setup-test-tools}) checks the rules
 * and the configuration and runs the rules' unit tests; every alert has its runbook and every runbook
 * its alert; every metric a rule or a dashboard panel reads is one the service exports; the compose file
 * and the Kubernetes manifests have what they rely on, and their probes are routes the service answers;
 * the manifests read into the Kubernetes API's own types with no field the API does not have.
 */
class OpsAssetsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path OPS = ROOT.resolve("ops");
    private static final Path RUNBOOKS = ROOT.resolve("docs/runbooks");
    private static final Pattern METRIC = Pattern.compile("\\bpacioli_[a-z_]+");
    /** What Micrometer's Prometheus names add to a meter's name. */
    private static final List<String> SUFFIXES = List.of(
            "",
            "_total",
            "_seconds",
            "_seconds_count",
            "_seconds_sum",
            "_seconds_max",
            "_seconds_bucket",
            "_count",
            "_sum",
            "_max",
            "_bucket");

    @Test
    void promtoolChecksTheRulesAndTheConfigurationAndTheRulesPassTheirTests() throws Exception {
        Path promtool = promtool();
        promtool(
                promtool, "check", "rules", OPS.resolve("prometheus/alerts.yml").toString());
        promtool(
                promtool,
                "check",
                "config",
                OPS.resolve("prometheus/prometheus.yml").toString());
        promtool(
                promtool,
                "test",
                "rules",
                OPS.resolve("prometheus/alerts_test.yml").toString());
    }

    @Test
    void everyAlertHasItsRunbookAndEveryRunbookItsAlert() throws IOException {
        Set<String> alerts = new TreeSet<>();
        for (JsonNode rule : rules()) {
            String alert = rule.path("alert").stringValue();
            alerts.add(alert);
            assertThat(rule.path("annotations").path("runbook_url").stringValue())
                    .as(alert)
                    .isEqualTo("docs/runbooks/" + alert + ".md");
            assertThat(rule.path("labels").path("severity").stringValue())
                    .as(alert)
                    .isIn("critical", "warning", "info");
        }
        Set<String> runbooks = new TreeSet<>();
        try (Stream<Path> files = Files.list(RUNBOOKS)) {
            files.forEach(file -> runbooks.add(file.getFileName().toString().replaceAll("\\.md$", "")));
        }
        assertThat(runbooks).isEqualTo(alerts);
        for (String alert : alerts) {
            String text = Files.readString(RUNBOOKS.resolve(alert + ".md"));
            assertThat(text).as(alert).startsWith("# " + alert).contains("## Look", "## Act");
        }
    }

    @Test
    void everyMetricTheRulesAndTheDashboardReadIsOneTheServiceExports() throws IOException {
        Set<String> exported = exportedMetricNames();
        List<String> read = new ArrayList<>();
        for (JsonNode rule : rules()) {
            read.addAll(metrics(rule.path("expr").stringValue()));
        }
        JsonNode dashboard = new ObjectMapper()
                .readTree(OPS.resolve("grafana/pacioli-dashboard.json").toFile());
        assertThat(dashboard.path("panels")).isNotEmpty();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                read.addAll(metrics(target.path("expr").stringValue()));
            }
        }
        assertThat(read).isNotEmpty();
        for (String metric : read) {
            assertThat(SUFFIXES.stream()
                            .anyMatch(suffix -> metric.endsWith(suffix)
                                    && exported.contains(metric.substring(0, metric.length() - suffix.length()))))
                    .as("%s is exported by the service (its meters: %s)", metric, exported)
                    .isTrue();
        }
    }

    @Test
    void theComposeFileAndTheManifestsHaveWhatTheyRelyOnAndTheirProbesAreRoutes() throws IOException {
        JsonNode compose =
                new YAMLMapper().readTree(OPS.resolve("docker-compose.yml").toFile());
        for (String service : List.of("postgres", "nats", "pacioli-a", "pacioli-b", "prometheus", "grafana")) {
            assertThat(compose.path("services").has(service)).as(service).isTrue();
        }
        for (String instance : List.of("pacioli-a", "pacioli-b")) {
            JsonNode environment = compose.path("services").path(instance).path("environment");
            assertThat(environment.path("DATABASE_URL").stringValue())
                    .as(instance)
                    .startsWith("postgres://");
            assertThat(environment.path("PACIOLI_ADVERTISE_URL").stringValue())
                    .as(instance)
                    .isEqualTo("http://" + instance + ":8080");
        }
        assertThat(Files.exists(OPS.resolve("Dockerfile"))).isTrue();
        List<String> kinds = new ArrayList<>();
        Set<String> probes = new TreeSet<>();
        try (MappingIterator<JsonNode> documents = new YAMLMapper()
                .readerFor(JsonNode.class)
                .readValues(OPS.resolve("kubernetes/pacioli.yaml").toFile())) {
            while (documents.hasNextValue()) {
                JsonNode document = documents.nextValue();
                assertThat(document.path("apiVersion").stringValue()).isNotBlank();
                assertThat(document.path("metadata").path("name").stringValue()).isEqualTo("pacioli");
                kinds.add(document.path("kind").stringValue());
                for (JsonNode container :
                        document.path("spec").path("template").path("spec").path("containers")) {
                    probes.add(container
                            .path("readinessProbe")
                            .path("httpGet")
                            .path("path")
                            .stringValue());
                    probes.add(container
                            .path("livenessProbe")
                            .path("httpGet")
                            .path("path")
                            .stringValue());
                }
            }
        }
        assertThat(kinds).containsExactly("Secret", "Deployment", "Service", "PodDisruptionBudget");
        assertThat(probes).containsExactly("/health/live", "/health/ready");
        HttpTester anyone = TestService.all().getFirst().admin().as(null);
        for (String probe : probes) {
            assertThat(anyone.get(probe).status()).as(probe).isEqualTo(200);
        }
    }

    /**
     * Each manifest read into the Kubernetes API's own classes (fabric8's model, generated from the API's
     * OpenAPI schema): a field of the wrong type fails to read, and a field the API does not have — a
     * typo the cluster would silently drop (an {@code readinessProbe} spelled {@code readynessProbe}) —
     * lands in a model object's additional properties, which must all be empty.
     */
    @Test
    void theKubernetesManifestsReadIntoTheApisOwnTypesWithNoUnknownField() throws Exception {
        Map<String, Class<? extends KubernetesResource>> types = Map.of(
                "v1/Secret", Secret.class,
                "apps/v1/Deployment", Deployment.class,
                "v1/Service", Service.class,
                "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class);
        com.fasterxml.jackson.databind.ObjectMapper kubernetes = new com.fasterxml.jackson.databind.ObjectMapper();
        try (MappingIterator<JsonNode> documents = new YAMLMapper()
                .readerFor(JsonNode.class)
                .readValues(OPS.resolve("kubernetes/pacioli.yaml").toFile())) {
            while (documents.hasNextValue()) {
                JsonNode document = documents.nextValue();
                String type = document.path("apiVersion").stringValue() + "/"
                        + document.path("kind").stringValue();
                assertThat(types).as("a kind of the API this test knows").containsKey(type);
                KubernetesResource read = kubernetes.readValue(document.toString(), types.get(type));
                List<String> unknown = new ArrayList<>();
                unknownFields(read, type, unknown);
                assertThat(unknown)
                        .as("fields the Kubernetes API does not have")
                        .isEmpty();
            }
        }
        List<String> planted = new ArrayList<>();
        unknownFields(
                kubernetes.readValue(
                        "{\"spec\": {\"template\": {\"spec\": {\"containers\": [{\"name\": \"x\","
                                + " \"readynessProbe\": {}}]}}}}",
                        Deployment.class),
                "planted",
                planted);
        assertThat(planted)
                .as("the check sees a misspelt field")
                .containsExactly("planted.spec.template.spec.containers[0].readynessProbe");
    }

    /** Walks a model object's getters, collecting the names of fields the model did not know. */
    private static void unknownFields(Object object, String path, List<String> unknown) throws Exception {
        if (object instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                unknownFields(list.get(i), path + "[" + i + "]", unknown);
            }
            return;
        }
        if (object instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                unknownFields(entry.getValue(), path + "." + entry.getKey(), unknown);
            }
            return;
        }
        if (!(object instanceof KubernetesResource)) {
            return;
        }
        for (Method getter : object.getClass().getMethods()) {
            if (getter.getParameterCount() != 0
                    || !getter.getName().startsWith("get")
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value = getter.invoke(object);
            if (getter.getName().equals("getAdditionalProperties")) {
                ((Map<?, ?>) value).keySet().forEach(name -> unknown.add(path + "." + name));
            } else {
                String field = Character.toLowerCase(getter.getName().charAt(3))
                        + getter.getName().substring(4);
                unknownFields(value, path + "." + field, unknown);
            }
        }
    }

    private static List<JsonNode> rules() throws IOException {
        JsonNode alerts =
                new YAMLMapper().readTree(OPS.resolve("prometheus/alerts.yml").toFile());
        List<JsonNode> rules = new ArrayList<>();
        for (JsonNode group : alerts.path("groups")) {
            group.path("rules").forEach(rules::add);
        }
        assertThat(rules).isNotEmpty();
        return rules;
    }

    private static List<String> metrics(String expression) {
        List<String> found = new ArrayList<>();
        Matcher matcher = METRIC.matcher(expression);
        while (matcher.find()) {
            found.add(matcher.group());
        }
        return found;
    }

    /** The names the service's meters are registered under, as Prometheus spells them (dots to underscores). */
    private static Set<String> exportedMetricNames() throws IOException {
        Pattern registered = Pattern.compile(
                "(?:Counter|Gauge|Timer|DistributionSummary)\\.builder\\(\\s*\"(pacioli[._][a-z_.]+)\"");
        Pattern named = Pattern.compile("gauge\\(\\s*\"(pacioli_[a-z_]+)\"");
        Set<String> names = new TreeSet<>();
        try (Stream<Path> sources = Files.walk(ROOT.resolve("pacioli-app/src/main/java"))) {
            for (Path source :
                    sources.filter(path -> path.toString().endsWith(".java")).toList()) {
                String text = Files.readString(source, StandardCharsets.UTF_8);
                for (Pattern pattern : List.of(registered, named)) {
                    Matcher matcher = pattern.matcher(text);
                    while (matcher.find()) {
                        names.add(matcher.group(1).replace('.', '_'));
                    }
                }
            }
        }
        return names;
    }

    private static Path promtool() {
        String configured = System.getenv("PACIOLI_PROMTOOL");
        Path promtool = configured != null ? Path.of(configured) : ROOT.resolve(".tools/bin/promtool");
        assertThat(Files.isExecutable(promtool))
                .as("promtool at %s: scripts/setup-test-tools installs it (from Debian's prometheus package)", promtool)
                .isTrue();
        return promtool;
    }

    private static void promtool(Path promtool, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command)
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue())
                .as("promtool %s:%n%s", String.join(" ", arguments), output)
                .isZero();
    }
}
