package dev.pacioli.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Debian's headless Chromium driven through Debian's chromedriver, both at fixed paths
 * ({@code scripts/setup-test-tools} installs them): the driver's path is given, so Selenium Manager
 * never looks for or downloads a driver or a browser. The browser records its console and its network
 * log, which {@link #assertCleanLogs} reads for requests to another origin and policy violations.
 */
final class ConsoleBrowser implements AutoCloseable {
    static final String CHROMIUM = System.getProperty("pacioli.chromium", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getProperty("pacioli.chromedriver", "/usr/bin/chromedriver");
    /** Generous: CI runs other tests' child processes beside this one. */
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ChromeDriver driver;
    private final String origin;
    private final Path screenshots;
    private final Path profile;
    private final List<String> requests = new ArrayList<>();

    private ConsoleBrowser(ChromeDriver driver, String origin, Path screenshots, Path profile) {
        this.driver = driver;
        this.origin = origin;
        this.screenshots = screenshots;
        this.profile = profile;
    }

    static ConsoleBrowser open(String origin, Path screenshots) {
        assertThat(Path.of(CHROMIUM))
                .as("Chromium (run scripts/setup-test-tools)")
                .isExecutable();
        assertThat(Path.of(CHROMEDRIVER))
                .as("chromedriver (run scripts/setup-test-tools)")
                .isExecutable();
        try {
            Files.createDirectories(screenshots);
            Path profile = Files.createTempDirectory("pacioli-console-chromium");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM);
            options.addArguments(
                    "--headless=new",
                    // CI runs as root, where Chromium's sandbox cannot start.
                    "--no-sandbox",
                    "--disable-dev-shm-usage",
                    "--disable-gpu",
                    "--window-size=1280,1600",
                    "--no-first-run",
                    "--no-default-browser-check",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-extensions",
                    "--user-data-dir=" + profile);
            LoggingPreferences logs = new LoggingPreferences();
            logs.enable(LogType.BROWSER, Level.ALL);
            logs.enable(LogType.PERFORMANCE, Level.ALL);
            options.setCapability("goog:loggingPrefs", logs);
            // The driver named, so Selenium Manager is never asked for one (nor for a browser).
            System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER);
            return new ConsoleBrowser(new ChromeDriver(options), origin, screenshots, profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Signs in with this key, after signing out whoever was signed in (sign-out forgets the key). */
    void signIn(String key) {
        driver.get(origin + "/console#/overview");
        signOutIfSignedIn();
        waitFor("#sign-in:not([hidden]) #api-key");
        type("#api-key", key);
        click("#sign-in-button");
        waitFor("#nav:not([hidden])");
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.invisibilityOfElementLocated(By.id("sign-in")));
    }

    void signOutIfSignedIn() {
        List<WebElement> signOut = driver.findElements(By.cssSelector("#sign-out:not([hidden])"));
        if (!signOut.isEmpty()) {
            signOut.getFirst().click();
        }
        waitFor("#sign-in:not([hidden]) #api-key");
    }

    void go(String hash) {
        driver.get(origin + "/console" + hash);
    }

    void type(String css, String text) {
        WebElement input = waitFor(css);
        input.clear();
        input.sendKeys(text);
    }

    void click(String css) {
        new WebDriverWait(driver, WAIT)
                .until(ExpectedConditions.elementToBeClickable(By.cssSelector(css)))
                .click();
    }

    void clickLink(String text) {
        new WebDriverWait(driver, WAIT)
                .until(ExpectedConditions.elementToBeClickable(By.linkText(text)))
                .click();
    }

    WebElement waitFor(String css) {
        return new WebDriverWait(driver, WAIT)
                .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    void waitForText(String css, String text) {
        try {
            new WebDriverWait(driver, WAIT)
                    .until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
        } catch (TimeoutException e) {
            shoot("failed-" + System.currentTimeMillis());
            List<WebElement> found = driver.findElements(By.cssSelector(css));
            throw new AssertionError(
                    "'" + text + "' never showed in " + css + "; it shows: "
                            + (found.isEmpty() ? "(nothing)" : found.getFirst().getText()),
                    e);
        }
    }

    String attribute(String css, String name) {
        return waitFor(css).getAttribute(name);
    }

    String text(String css) {
        return waitFor(css).getText();
    }

    void shoot(String name) {
        try {
            Files.write(screenshots.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every request the console's pages made since the last call went to this origin (or was a data:
     * URL), and the browser's console shows no Content-Security-Policy violation and no uncaught script
     * error.
     */
    void assertCleanLogs() {
        assertThat(requestsElsewhere()).as("requests to another origin").isEmpty();
        assertThat(violations()).as("policy violations and script errors").isEmpty();
    }

    /**
     * The requests of the console's pages since the last call that went to another origin: a request's
     * page is its {@code documentURL} in Chromium's network log, so the browser's own pages (its new
     * tab) are not counted.
     */
    List<String> requestsElsewhere() {
        List<String> elsewhere = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
            JsonNode message = JSON.readTree(entry.getMessage()).path("message");
            if (!text(message.path("method")).equals("Network.requestWillBeSent")
                    || !text(message.path("params").path("documentURL")).startsWith(origin + "/console")) {
                continue;
            }
            String url = text(message.path("params").path("request").path("url"));
            requests.add(url);
            if (!url.startsWith(origin + "/") && !url.startsWith("data:")) {
                elsewhere.add(url);
            }
        }
        return elsewhere;
    }

    /** The browser console's policy violations and script errors since the last call. */
    List<String> violations() {
        List<String> violations = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            String message = entry.getMessage();
            if (message.contains("Content Security Policy")
                    || message.contains("Refused to")
                    || message.contains("Uncaught")
                    || message.contains("SyntaxError")
                    || message.contains("TypeError")) {
                violations.add(message);
            }
        }
        return violations;
    }

    /** Runs a script in the page (through the driver, which the page's policy does not govern). */
    Object script(String javascript) {
        return driver.executeScript(javascript);
    }

    private static String text(JsonNode node) {
        return node.isString() ? node.stringValue() : "";
    }

    /** The URLs the pages requested so far (read by {@link #assertCleanLogs}). */
    List<String> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted((a, b) -> b.compareTo(a)).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A profile left in the temporary directory harms nothing.
        }
    }
}
