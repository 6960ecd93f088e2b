package dev.pacioli.app;

import dev.pacioli.platform.Call;
import dev.pacioli.platform.Reply;
import dev.pacioli.platform.Route;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The operator console: static files served at {@code /console} (docs/console.md).
 *
 * <p>The files need no API key: they hold no data. The page asks the operator for a key, keeps it in
 * the tab's session storage and sends it as {@code Authorization: Bearer} to this origin's API, where
 * every call passes the usual gate. So the console can do nothing its key could not do with curl.
 *
 * <p>Only the files of a fixed list are served, read from the classpath once at start (a missing one
 * stops the service at start, not at the first visit); a path is looked up in that list and never
 * resolved against a directory, so no path reaches another file. Every answer under {@code /console},
 * a 404 included, carries a Content-Security-Policy that allows scripts, styles, images, fonts and
 * requests from this origin only, no inline script or style, no framing, no form posts, no base URL.
 * The chart library (uPlot) is a WebJar from Maven Central on the classpath, served under {@code
 * /console/vendor/}: vendored at build time, no request to another origin at run time.
 */
final class ConsoleRoutes {
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /** The console's own files, under {@code console/} on the classpath. */
    static final List<String> FILES = List.of(
            "index.html",
            "console.css",
            "app.js",
            "api.js",
            "ui.js",
            "charts.js",
            "overview.js",
            "ledgers.js",
            "payouts.js",
            "money.js",
            "clearing.js",
            "reconciliation.js",
            "treasury.js",
            "custody.js",
            "audit.js",
            "controls.js");

    private static final String UPLOT = "META-INF/resources/webjars/uplot/";
    private static final String UPLOT_POM = "META-INF/maven/org.webjars.npm/uplot/pom.properties";

    /** A file as served: its bytes, type and entity tag. */
    private record Asset(byte[] body, String contentType, String etag) {}

    private final Map<String, Asset> assets = new LinkedHashMap<>();
    private final Map<String, Asset> vendor = new LinkedHashMap<>();

    ConsoleRoutes() {
        for (String file : FILES) {
            assets.put(file, asset("console/" + file));
        }
        String uplot = UPLOT + webJarVersion() + "/dist/";
        vendor.put("uPlot.esm.js", asset(uplot + "uPlot.esm.js"));
        vendor.put("uPlot.min.css", asset(uplot + "uPlot.min.css"));
    }

    List<Route> routes() {
        return List.of(
                Route.get("/console", null, call -> serve(call, assets.get("index.html"))),
                Route.get("/console/", null, call -> serve(call, assets.get("index.html"))),
                Route.get("/console/{file}", null, call -> serve(call, assets.get(call.path("file")))),
                Route.get("/console/vendor/{file}", null, call -> serve(call, vendor.get(call.path("file")))));
    }

    private static Reply serve(Call call, Asset asset) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Security-Policy", CSP);
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("X-Frame-Options", "DENY");
        headers.put("Cross-Origin-Opener-Policy", "same-origin");
        headers.put("Cross-Origin-Resource-Policy", "same-origin");
        if (asset == null) {
            headers.put("Cache-Control", "no-store");
            byte[] body = "no such console file\n".getBytes(StandardCharsets.UTF_8);
            return new Reply(404, "text/plain; charset=utf-8", body, headers);
        }
        // Revalidated on every load (a deployment changes the files under the same names), cheap by the tag.
        headers.put("Cache-Control", "no-cache");
        headers.put("ETag", asset.etag());
        if (asset.etag().equals(call.context.header("If-None-Match"))) {
            return new Reply(304, asset.contentType(), new byte[0], headers);
        }
        return new Reply(200, asset.contentType(), asset.body(), headers);
    }

    private static Asset asset(String resource) {
        byte[] body = read(resource);
        return new Asset(body, contentType(resource), "\"" + sha256(body).substring(0, 32) + "\"");
    }

    private static String contentType(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        throw new IllegalArgumentException("the console serves no file of this type: " + name);
    }

    /** The uPlot WebJar's version, from its own Maven properties, so the pom names it once. */
    private static String webJarVersion() {
        Properties properties = new Properties();
        try (InputStream in = new ByteArrayInputStream(read(UPLOT_POM))) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String version = properties.getProperty("version");
        if (version == null || !version.matches("[0-9A-Za-z.-]+")) {
            throw new IllegalStateException(UPLOT_POM + " names no version");
        }
        return version;
    }

    private static byte[] read(String resource) {
        try (InputStream in = ConsoleRoutes.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
