package dev.pitstop.tests;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless chromium, driven through its chromedriver: both are named by path, so Selenium
 * never looks for (or downloads) a browser of its own. Screenshots go under target/ as test artifacts.
 */
final class Browser implements AutoCloseable {

    private static final Path SCREENSHOTS = Path.of(System.getProperty("pitstop.screenshots", "target/console-screenshots"));
    /** A generous deadline for a condition on a busy machine, not a timing expectation. */
    private static final Duration PATIENCE = Duration.ofMinutes(4);

    private final ChromeDriver driver;
    private int shots;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    static Browser start() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(executable("CHROMIUM", "/usr/bin/chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,800");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(executable("CHROMEDRIVER", "/usr/bin/chromedriver")))
                .usingAnyFreePort().build();
        return new Browser(new ChromeDriver(service, options));
    }

    private static String executable(String variable, String fallback) {
        String path = System.getenv(variable);
        return path == null || path.isBlank() ? fallback : path;
    }

    WebDriver driver() {
        return driver;
    }

    /** Runs {@code script} in the page, with {@code args} as arguments[0..]; returns what it returns. */
    Object script(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    void open(String url) {
        driver.get(url);
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    boolean present(String css) {
        return !driver.findElements(By.cssSelector(css)).isEmpty();
    }

    /** Waits for a condition of the page, which its server-sent events may change without a reload. */
    <T> T await(String what, Function<WebDriver, T> condition) {
        // The page's live part is replaced on every event: an element found may be gone when read.
        return new WebDriverWait(driver, PATIENCE).withMessage(what).ignoring(StaleElementReferenceException.class)
                .until(condition);
    }

    /** Clicks the element, found again if an event replaced it meanwhile. */
    void click(String css) {
        await("to click " + css, d -> {
            d.findElement(By.cssSelector(css)).click();
            return true;
        });
    }

    /** The element's text, found again if an event replaced it while it was read. */
    String text(String css) {
        for (int attempt = 1; ; attempt++) {
            try {
                return present(css) ? find(css).getText() : "";
            } catch (StaleElementReferenceException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /** Saves the page as NN-name.png under target/; returns the file. */
    Path screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path file = SCREENSHOTS.resolve(String.format("%02d-%s.png", ++shots, name));
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        return file;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
