package dev.pacioli.platform;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.Keyword;
import com.networknt.schema.keyword.NonValidationKeyword;
import com.networknt.schema.path.NodePath;
import com.networknt.schema.path.PathType;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The HTTP contract of {@code openapi.yaml}, as a checker of test exchanges.
 *
 * <p>Every exchange a test makes can be handed to {@link #check}: the route must be an operation of
 * the document, its query parameters declared, the status documented for that operation, and the
 * response's content type and body exactly what the document says. Requests are judged only when the
 * test says they are meant to be valid ({@link #checkValidRequest}), because tests send bad input on
 * purpose; a bad request may use an undeclared query parameter, as long as the server refused it.
 *
 * <p>Schemas are validated by networknt's json-schema-validator with the OpenAPI 3.1 dialect (JSON
 * Schema 2020-12) and format assertions on. The whole document is registered under {@link
 * #DOCUMENT_URI} and loaded as one schema; each schema to check against is a sub-schema at a JSON
 * pointer into it, so {@code $ref: '#/components/schemas/X'} resolves as in any OpenAPI tool, and
 * offline. Sub-schemas are compiled on first use and cached by pointer; an instance is safe to share
 * between tests and threads.
 *
 * <p>Query parameters named by a pattern ({@code metadata.<key>}) are declared with the document's
 * extension {@code x-pacioli-pattern-parameters}: Parameter Objects with {@code namePattern} in place
 * of {@code name}. OpenAPI 3.1 has no style that serializes an object as {@code metadata.key=value}.
 */
public final class OpenApiContract {
    /** The document's classpath resource: pacioli-app's main resources, served at /openapi.yaml. */
    public static final String RESOURCE = "openapi.yaml";

    /** Where the document is registered for reference resolution; never fetched. */
    public static final String DOCUMENT_URI = "https://pacioli.dev/openapi.yaml";

    public static final String PATTERN_PARAMETERS = "x-pacioli-pattern-parameters";
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");
    private static final int BODY_EXCERPT_CHARS_MAX = 2_000;
    private static final int ERRORS_SHOWN_MAX = 20;

    private static OpenApiContract shared;

    private final JsonNode document;
    private final List<Operation> operations;
    private final Schema documentSchema;
    private final Map<String, Schema> schemasByPointer = new ConcurrentHashMap<>();
    private final JsonMapper json = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** The document of the classpath, loaded once per JVM. */
    public static synchronized OpenApiContract load() {
        if (shared == null) {
            shared = new OpenApiContract(readClasspathDocument());
        }
        return shared;
    }

    public OpenApiContract(JsonNode document) {
        this.document = document;
        this.operations = List.copyOf(readOperations(document));
        String documentJson = json.writeValueAsString(document);
        SchemaRegistryConfig config =
                SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build();
        SchemaRegistry registry = SchemaRegistry.withDialect(
                openApiDocumentDialect(),
                builder -> builder.schemas(Map.of(DOCUMENT_URI, documentJson)).schemaRegistryConfig(config));
        this.documentSchema = registry.getSchema(SchemaLocation.of(DOCUMENT_URI));
    }

    /**
     * OpenAPI 3.1's schema dialect, told that the document's top-level fields are not schema keywords.
     * The whole document is loaded as one schema so that every sub-schema shares its resolved
     * references: a sub-schema compiles in about a millisecond this way, against tens of milliseconds
     * when each is loaded by its own URI.
     */
    private static Dialect openApiDocumentDialect() {
        List<Keyword> documentFields = new ArrayList<>();
        for (String field : List.of(
                "openapi",
                "info",
                "jsonSchemaDialect",
                "servers",
                "paths",
                "webhooks",
                "components",
                "security",
                "tags",
                "externalDocs")) {
            documentFields.add(new NonValidationKeyword(field));
        }
        return Dialect.builder(Dialects.getOpenApi31()).keywords(documentFields).build();
    }

    private static JsonNode readClasspathDocument() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try (InputStream in = loader.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath");
            }
            return new YAMLMapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE, e);
        }
    }

    /** The parsed document, for tests of the document itself. */
    public JsonNode document() {
        return document;
    }

    /** Every operation as {@code "METHOD /path/template"}, e.g. {@code "GET /v1/ledgers/{ledger}"}. */
    public Set<String> operations() {
        Set<String> names = new TreeSet<>();
        for (Operation operation : operations) {
            names.add(operation.name());
        }
        return Collections.unmodifiableSet(names);
    }

    /**
     * What an operation reads from a request, by the document: its path parameters in path order, its
     * query parameters by name, whether it takes pattern-named ones ({@code metadata.<key>}), and
     * whether it takes a body. Fuzz tests derive their inputs from this, so a new parameter is fuzzed.
     */
    public record Inputs(
            List<String> pathParameters, List<String> queryParameters, boolean patternQuery, boolean body) {
        public boolean any() {
            return !pathParameters.isEmpty() || !queryParameters.isEmpty() || patternQuery || body;
        }
    }

    /** The inputs of an operation named as in {@link #operations()}; fails if there is none such. */
    public Inputs inputs(String operationName) {
        for (Operation operation : operations) {
            if (operation.name().equals(operationName)) {
                List<String> path = new ArrayList<>();
                for (String segment : operation.segments()) {
                    if (isTemplate(segment)) {
                        path.add(segment.substring(1, segment.length() - 1));
                    }
                }
                List<String> query = new ArrayList<>(operation.parameters().values().stream()
                        .filter(parameter -> parameter.in().equals("query"))
                        .map(Parameter::name)
                        .sorted()
                        .toList());
                return new Inputs(
                        List.copyOf(path),
                        List.copyOf(query),
                        !operation.patternParameters().isEmpty(),
                        !operation.requestBody().schemaPointersByMediaType().isEmpty());
            }
        }
        throw new AssertionError(operationName + " is no operation of " + RESOURCE);
    }

    /** The operation a request routes to, as in {@link #operations()}; fails if none. */
    public String operation(String method, String rawPathWithQuery) {
        return route(method, RawTarget.parse(rawPathWithQuery)).name();
    }

    /**
     * Checks an exchange whose request may be deliberately bad: the route, the query parameter names
     * (an undeclared one must have been refused with a 4xx), the status, and the response.
     *
     * @param requestBody may be null; it is not judged here
     * @param responseBody may be null or empty when the response has no body
     */
    public void check(
            String method,
            String rawPathWithQuery,
            String requestContentType,
            byte[] requestBody,
            int status,
            String responseContentType,
            byte[] responseBody) {
        Exchange exchange = new Exchange(
                method, rawPathWithQuery, requestContentType, requestBody, status, responseContentType, responseBody);
        Operation operation = route(method, exchange.target());
        checkQueryNames(operation, exchange, status >= 400 && status < 500);
        checkResponse(operation, exchange);
    }

    /**
     * Checks an exchange whose request is meant to be valid: as {@link #check}, and the path and query
     * parameter values and the request body must match the document too.
     */
    public void checkValidRequest(
            String method,
            String rawPathWithQuery,
            String requestContentType,
            byte[] requestBody,
            int status,
            String responseContentType,
            byte[] responseBody) {
        Exchange exchange = new Exchange(
                method, rawPathWithQuery, requestContentType, requestBody, status, responseContentType, responseBody);
        Operation operation = route(method, exchange.target());
        checkQueryNames(operation, exchange, false);
        checkParameterValues(operation, exchange);
        checkRequestBody(operation, exchange);
        checkResponse(operation, exchange);
    }

    /**
     * Checks a problem document answered outside any operation: 404 {@code route_not_found}, 405
     * {@code method_not_allowed}, or an error raised before routing.
     */
    public void checkProblem(int status, String contentType, byte[] body) {
        String where = "problem answered with status " + status;
        if (!"application/problem+json".equals(mediaType(contentType))) {
            throw new AssertionError(where + ": content type " + contentType + ", expected application/problem+json");
        }
        JsonNode problem = parseJson(body, where);
        validate("/components/schemas/Problem", problem, where + ", response body");
        if (problem.path("status").asInt() != status) {
            throw new AssertionError(where + ": body says status " + problem.path("status"));
        }
    }

    /** Compiles every schema an operation refers to, so that a broken reference fails at once. */
    public void compileAll() {
        for (Operation operation : operations) {
            operation.requestBody().schemaPointersByMediaType().values().forEach(this::schema);
            for (Response response : operation.responses().values()) {
                response.schemaPointersByMediaType().values().forEach(this::schema);
            }
            operation.parameters().values().forEach(parameter -> schema(parameter.schemaPointer()));
            operation.patternParameters().forEach(parameter -> schema(parameter.schemaPointer()));
        }
    }

    // ---- Routing --------------------------------------------------------------------------------

    private Operation route(String method, RawTarget target) {
        String wanted = method.toLowerCase(Locale.ROOT);
        Operation best = null;
        Set<String> methodsOnPath = new TreeSet<>();
        for (Operation operation : operations) {
            if (!operation.matches(target.segments())) {
                continue;
            }
            methodsOnPath.add(operation.method().toUpperCase(Locale.ROOT));
            if (operation.method().equals(wanted) && (best == null || operation.isMoreLiteralThan(best))) {
                best = operation;
            }
        }
        if (best != null) {
            return best;
        }
        String request = method.toUpperCase(Locale.ROOT) + " " + target.rawPath();
        if (methodsOnPath.isEmpty()) {
            throw new AssertionError(request + " matches no path of " + RESOURCE);
        }
        throw new AssertionError(request + " matches no operation of " + RESOURCE + "; the path has " + methodsOnPath);
    }

    // ---- Parameters -----------------------------------------------------------------------------

    private void checkQueryNames(Operation operation, Exchange exchange, boolean refusedByServer) {
        for (QueryParameter query : exchange.target().query()) {
            if (operation.declares(query.name()) || refusedByServer) {
                continue;
            }
            throw new AssertionError(exchange.describe(operation) + ": query parameter '" + query.name()
                    + "' is not declared (declared: " + operation.declaredQueryNames() + ")");
        }
    }

    private void checkParameterValues(Operation operation, Exchange exchange) {
        List<String> segments = exchange.target().segments();
        for (int i = 0; i < operation.segments().size(); i++) {
            String template = operation.segments().get(i);
            if (isTemplate(template)) {
                Parameter parameter = operation.parameters().get(template.substring(1, template.length() - 1));
                checkParameterValue(operation, exchange, parameter.schemaPointer(), "path", segments.get(i));
            }
        }
        for (QueryParameter query : exchange.target().query()) {
            Parameter parameter = operation.parameters().get(query.name());
            String pointer = parameter != null
                    ? parameter.schemaPointer()
                    : operation.patternParameterFor(query.name()).schemaPointer();
            checkParameterValue(operation, exchange, pointer, "query parameter '" + query.name() + "'", query.value());
        }
    }

    private void checkParameterValue(
            Operation operation, Exchange exchange, String schemaPointer, String what, String value) {
        JsonNode instance = coerce(value, resolvedType(schemaPointer));
        validate(schemaPointer, instance, exchange.describe(operation) + ", " + what + " value '" + value + "'");
    }

    /** Query and path values are strings on the wire; the schema's type says how to read them. */
    private static JsonNode coerce(String value, String type) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        switch (type) {
            case "integer" -> {
                if (value.matches("-?[0-9]+")) {
                    return nodes.numberNode(new BigInteger(value));
                }
            }
            case "boolean" -> {
                if (value.equals("true") || value.equals("false")) {
                    return nodes.booleanNode(Boolean.parseBoolean(value));
                }
            }
            default -> {}
        }
        return nodes.stringNode(value);
    }

    private String resolvedType(String schemaPointer) {
        JsonNode type = resolve(document.at(schemaPointer)).path("type");
        return type.isString() ? type.asString() : "string";
    }

    // ---- Bodies ---------------------------------------------------------------------------------

    private void checkRequestBody(Operation operation, Exchange exchange) {
        String where = exchange.describe(operation) + ", request body";
        RequestBody documented = operation.requestBody();
        if (exchange.requestBody() == null || exchange.requestBody().length == 0) {
            if (documented.required()) {
                throw new AssertionError(where + ": missing, and the operation requires one");
            }
            return;
        }
        if (documented.schemaPointersByMediaType().isEmpty()) {
            throw new AssertionError(where + ": sent, and the operation takes none");
        }
        String pointer = documented.schemaPointersByMediaType().get(mediaType(exchange.requestContentType()));
        if (pointer == null) {
            throw new AssertionError(where + ": content type " + exchange.requestContentType() + ", documented "
                    + documented.schemaPointersByMediaType().keySet());
        }
        if (!isJson(mediaType(exchange.requestContentType()))) {
            // A file in a documented text layout (text/csv): its route checks the layout, not a schema.
            return;
        }
        validate(pointer, parseJson(exchange.requestBody(), where), where);
    }

    private void checkResponse(Operation operation, Exchange exchange) {
        String where = exchange.describe(operation) + ", response";
        Response documented = operation.responseFor(exchange.status());
        if (documented == null) {
            throw new AssertionError(where + ": status " + exchange.status() + " is not documented (documented: "
                    + operation.responses().keySet() + ")" + exchange.responseExcerpt());
        }
        byte[] body = exchange.responseBody();
        boolean empty = body == null || body.length == 0;
        if (documented.schemaPointersByMediaType().isEmpty()) {
            if (!empty) {
                throw new AssertionError(where + ": a body, and the response has none documented");
            }
            return;
        }
        String mediaType = mediaType(exchange.responseContentType());
        if (!documented.schemaPointersByMediaType().containsKey(mediaType)) {
            throw new AssertionError(where + ": content type " + exchange.responseContentType() + ", documented "
                    + documented.schemaPointersByMediaType().keySet() + exchange.responseExcerpt());
        }
        checkResponseBody(documented.schemaPointersByMediaType().get(mediaType), mediaType, body, where);
    }

    private void checkResponseBody(String schemaPointer, String mediaType, byte[] body, String where) {
        if (isJson(mediaType)) {
            validate(schemaPointer, parseJson(body, where), where + " body");
        } else if (mediaType.equals("application/yaml")) {
            JsonNode document;
            try {
                document = new YAMLMapper().readTree(body);
            } catch (JacksonException e) {
                throw new AssertionError(where + ": not YAML: " + e.getOriginalMessage());
            }
            validate(schemaPointer, document, where + " body");
        } else if (body == null || body.length == 0) {
            throw new AssertionError(where + ": empty body");
        }
    }

    private JsonNode parseJson(byte[] body, String where) {
        if (body == null || body.length == 0) {
            throw new AssertionError(where + ": empty body, expected JSON");
        }
        try {
            return json.readTree(body);
        } catch (JacksonException e) {
            throw new AssertionError(where + ": not JSON: " + e.getOriginalMessage() + excerpt(body));
        }
    }

    // ---- Schemas --------------------------------------------------------------------------------

    private void validate(String schemaPointer, JsonNode instance, String where) {
        List<Error> errors = schema(schemaPointer).validate(instance);
        if (errors.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder(where)
                .append(" does not match ")
                .append(RESOURCE)
                .append('#')
                .append(schemaPointer)
                .append(':');
        errors.stream()
                .limit(ERRORS_SHOWN_MAX)
                .forEach(error -> message.append("\n  ").append(error));
        if (errors.size() > ERRORS_SHOWN_MAX) {
            message.append("\n  ... ").append(errors.size() - ERRORS_SHOWN_MAX).append(" more");
        }
        message.append("\n  instance: ").append(truncate(instance.toString()));
        throw new AssertionError(message.toString());
    }

    private Schema schema(String pointer) {
        return schemasByPointer.computeIfAbsent(pointer, key -> {
            NodePath path = new NodePath(PathType.JSON_POINTER);
            JsonNode node = document;
            for (String token : key.substring(1).split("/", -1)) {
                String name = unescape(token);
                // networknt tells array indexes from property names by the element's type.
                path = node.isArray() ? path.append(Integer.parseInt(name)) : path.append(name);
                node = node.isArray() ? node.path(Integer.parseInt(name)) : node.path(name);
            }
            Schema schema = documentSchema.getSubSchema(path);
            schema.initializeValidators();
            return schema;
        });
    }

    // ---- Reading the document -------------------------------------------------------------------

    private static List<Operation> readOperations(JsonNode document) {
        List<Operation> result = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : document.required("paths").properties()) {
            String pathPointer = "/paths/" + escape(path.getKey());
            JsonNode pathItem = path.getValue();
            for (Map.Entry<String, JsonNode> entry : pathItem.properties()) {
                if (METHODS.contains(entry.getKey())) {
                    result.add(readOperation(document, path.getKey(), pathPointer, entry.getKey()));
                }
            }
        }
        return result;
    }

    private static Operation readOperation(JsonNode document, String template, String pathPointer, String method) {
        String operationPointer = pathPointer + "/" + method;
        JsonNode operation = document.at(operationPointer);
        Map<String, Parameter> parameters = new LinkedHashMap<>();
        readParameters(document, pathPointer + "/parameters", parameters);
        readParameters(document, operationPointer + "/parameters", parameters);
        List<PatternParameter> patternParameters = new ArrayList<>();
        int count = operation.path(PATTERN_PARAMETERS).size();
        for (int i = 0; i < count; i++) {
            String pointer = refTarget(document, operationPointer + "/" + PATTERN_PARAMETERS + "/" + i);
            JsonNode parameter = document.at(pointer);
            patternParameters.add(new PatternParameter(
                    Pattern.compile(parameter.required("namePattern").asString()), pointer + "/schema"));
        }
        String bodyPointer = refTarget(document, operationPointer + "/requestBody");
        RequestBody requestBody = new RequestBody(
                document.at(bodyPointer).path("required").asBoolean(false), contentSchemas(document, bodyPointer));
        Map<String, Response> responses = new LinkedHashMap<>();
        for (String status : operation.required("responses").propertyNames()) {
            String pointer = refTarget(document, operationPointer + "/responses/" + escape(status));
            responses.put(status, new Response(contentSchemas(document, pointer)));
        }
        return new Operation(
                method,
                template,
                segmentsOf(template),
                Map.copyOf(parameters),
                List.copyOf(patternParameters),
                requestBody,
                Collections.unmodifiableMap(new TreeMap<>(responses)));
    }

    private static void readParameters(JsonNode document, String listPointer, Map<String, Parameter> into) {
        int count = document.at(listPointer).size();
        for (int i = 0; i < count; i++) {
            String pointer = refTarget(document, listPointer + "/" + i);
            JsonNode parameter = document.at(pointer);
            String in = parameter.required("in").asString();
            if (in.equals("path") || in.equals("query")) {
                String name = parameter.required("name").asString();
                into.put(name, new Parameter(name, in, pointer + "/schema"));
            }
        }
    }

    /** Media type to the pointer of its schema; a medium without a schema accepts any body. */
    private static Map<String, String> contentSchemas(JsonNode document, String ownerPointer) {
        Map<String, String> result = new LinkedHashMap<>();
        for (String mediaType : document.at(ownerPointer).path("content").propertyNames()) {
            result.put(mediaType, ownerPointer + "/content/" + escape(mediaType) + "/schema");
        }
        return Map.copyOf(result);
    }

    /** Follows local {@code $ref}s from the node at {@code pointer} to the node that holds the content. */
    private static String refTarget(JsonNode document, String pointer) {
        String current = pointer;
        for (int hops = 0; hops < 10; hops++) {
            JsonNode ref = document.at(current).path("$ref");
            if (!ref.isString()) {
                return current;
            }
            String target = ref.asString();
            if (!target.startsWith("#/")) {
                throw new IllegalStateException("only local references are supported: " + target);
            }
            current = target.substring(1);
        }
        throw new IllegalStateException("reference loop at " + pointer);
    }

    private JsonNode resolve(JsonNode node) {
        JsonNode current = node;
        while (current.path("$ref").isString()) {
            current = document.at(current.path("$ref").asString().substring(1));
        }
        return current;
    }

    private static List<String> segmentsOf(String template) {
        return List.of(template.substring(1).split("/", -1));
    }

    private static boolean isTemplate(String segment) {
        return segment.startsWith("{") && segment.endsWith("}");
    }

    public static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private static String unescape(String token) {
        return token.replace("~1", "/").replace("~0", "~");
    }

    private static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
        return type.trim().toLowerCase(Locale.ROOT);
    }

    private static boolean isJson(String mediaType) {
        return mediaType.equals("application/json") || mediaType.endsWith("+json");
    }

    private static String excerpt(byte[] body) {
        if (body == null || body.length == 0) {
            return "";
        }
        return "\n  body: " + truncate(new String(body, StandardCharsets.UTF_8));
    }

    private static String truncate(String text) {
        return text.length() <= BODY_EXCERPT_CHARS_MAX ? text : text.substring(0, BODY_EXCERPT_CHARS_MAX) + "...";
    }

    // ---- Model ----------------------------------------------------------------------------------

    private record Parameter(String name, String in, String schemaPointer) {}

    private record PatternParameter(Pattern namePattern, String schemaPointer) {}

    private record RequestBody(boolean required, Map<String, String> schemaPointersByMediaType) {}

    private record Response(Map<String, String> schemaPointersByMediaType) {}

    private record Operation(
            String method,
            String template,
            List<String> segments,
            Map<String, Parameter> parameters,
            List<PatternParameter> patternParameters,
            RequestBody requestBody,
            Map<String, Response> responses) {

        public String name() {
            return method.toUpperCase(Locale.ROOT) + " " + template;
        }

        public boolean matches(List<String> decodedSegments) {
            if (decodedSegments.size() != segments.size()) {
                return false;
            }
            for (int i = 0; i < segments.size(); i++) {
                String template = segments.get(i);
                String actual = decodedSegments.get(i);
                boolean ok = isTemplate(template) ? !actual.isEmpty() : template.equals(actual);
                if (!ok) {
                    return false;
                }
            }
            return true;
        }

        /** OpenAPI: a concrete segment wins over a template, e.g. {@code /transactions/batch}. */
        public boolean isMoreLiteralThan(Operation other) {
            for (int i = 0; i < segments.size(); i++) {
                boolean literal = !isTemplate(segments.get(i));
                boolean otherLiteral = !isTemplate(other.segments.get(i));
                if (literal != otherLiteral) {
                    return literal;
                }
            }
            return false;
        }

        public Set<String> declaredQueryNames() {
            Set<String> names = new TreeSet<>();
            parameters.values().stream()
                    .filter(parameter -> parameter.in().equals("query"))
                    .forEach(parameter -> names.add(parameter.name()));
            patternParameters.forEach(
                    parameter -> names.add(parameter.namePattern().pattern()));
            return names;
        }

        public boolean declares(String queryName) {
            Parameter parameter = parameters.get(queryName);
            return (parameter != null && parameter.in().equals("query")) || patternParameterFor(queryName) != null;
        }

        public PatternParameter patternParameterFor(String queryName) {
            for (PatternParameter parameter : patternParameters) {
                if (parameter.namePattern().matcher(queryName).matches()) {
                    return parameter;
                }
            }
            return null;
        }

        /** The exact status, then its range ({@code 4XX}), then {@code default}. */
        public Response responseFor(int status) {
            Response exact = responses.get(Integer.toString(status));
            if (exact != null) {
                return exact;
            }
            Response range = responses.get((status / 100) + "XX");
            return range != null ? range : responses.get("default");
        }
    }

    private record QueryParameter(String name, String value) {}

    /** A request target as sent: percent-encoded path segments and form-encoded query. */
    private record RawTarget(String rawPath, List<String> segments, List<QueryParameter> query) {
        public static RawTarget parse(String rawPathWithQuery) {
            int question = rawPathWithQuery.indexOf('?');
            String rawPath = question < 0 ? rawPathWithQuery : rawPathWithQuery.substring(0, question);
            String rawQuery = question < 0 ? "" : rawPathWithQuery.substring(question + 1);
            if (!rawPath.startsWith("/")) {
                throw new AssertionError("request path must start with '/': " + rawPathWithQuery);
            }
            List<String> segments = new ArrayList<>();
            for (String segment : rawPath.substring(1).split("/", -1)) {
                // A '+' in a path is a plus sign; URLDecoder would read it as a space.
                segments.add(decode(segment.replace("+", "%2B"), rawPathWithQuery));
            }
            List<QueryParameter> query = new ArrayList<>();
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String name = equals < 0 ? pair : pair.substring(0, equals);
                String value = equals < 0 ? "" : pair.substring(equals + 1);
                query.add(new QueryParameter(decode(name, rawPathWithQuery), decode(value, rawPathWithQuery)));
            }
            return new RawTarget(rawPath, List.copyOf(segments), List.copyOf(query));
        }

        private static String decode(String text, String whole) {
            try {
                return URLDecoder.decode(text, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new AssertionError("bad percent-encoding in " + whole + ": " + e.getMessage());
            }
        }
    }

    private record Exchange(
            String method,
            String rawPathWithQuery,
            String requestContentType,
            byte[] requestBody,
            int status,
            String responseContentType,
            byte[] responseBody) {

        public RawTarget target() {
            return RawTarget.parse(rawPathWithQuery);
        }

        public String describe(Operation operation) {
            return method.toUpperCase(Locale.ROOT) + " " + rawPathWithQuery + " (" + operation.name() + ") -> "
                    + status;
        }

        public String responseExcerpt() {
            return excerpt(responseBody);
        }
    }
}
