package dev.tracelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.client.TracelakeClient;
import dev.tracelake.console.ConsoleServer;
import dev.tracelake.console.ReplayConsoleExtension;
import dev.tracelake.example.ExampleProducer;
import dev.tracelake.ingest.IngestConfig;
import dev.tracelake.ingest.TracelakeServer;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.NumberFormat;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console's replay page in a real Chromium: the example's replay of fraud v3 through fraud v4
 * is listed, and its comparison shows every prediction paired with the candidate's output. Its own
 * lake, so the replay's branch does not change what {@link ConsoleBrowserTest} sees.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleReplayBrowserTest {
  Lake lake;
  TracelakeServer server;
  ConsoleServer console;
  WebDriver browser;
  WebDriverWait wait;
  int predictions;

  @BeforeAll
  void start(@TempDir Path warehouse, @TempDir Path profile) {
    assertThat(
            Files.isExecutable(ConsoleBrowserTest.CHROMIUM)
                && Files.isExecutable(ConsoleBrowserTest.CHROMEDRIVER))
        .as("The browser tests need Debian's chromium and chromium-driver (.ci/run installs them)")
        .isTrue();
    lake = Lake.open(LakeConfig.embedded(warehouse));
    server =
        TracelakeServer.onNetty(
                lake,
                IngestConfig.defaults().withPort(0).withCommitInterval(Duration.ofMillis(100)))
            .start();
    console =
        ConsoleServer.builder(lake, server.lineage(), server.sqlEngine())
            .address(new InetSocketAddress("127.0.0.1", 0))
            .extension(new ReplayConsoleExtension(server.replays()))
            .start();
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    try (TracelakeClient client = TracelakeClient.connect("127.0.0.1:" + server.port())) {
      predictions = ExampleProducer.run(client, 40, quiet).predictionRecordIds().size();
      ExampleProducer.replay(client, "v4-trial", quiet);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(ConsoleBrowserTest.CHROMIUM.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--no-first-run",
        "--window-size=1400,1000",
        "--user-data-dir=" + profile.toAbsolutePath());
    browser =
        new ChromeDriver(
            new ChromeDriverService.Builder()
                .usingDriverExecutable(ConsoleBrowserTest.CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build(),
            options);
    wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    browser.get(console.signInUri().toString());
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), "local"));
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (console != null) {
      console.close();
    }
    if (server != null) {
      server.stop();
    }
    if (lake != null) {
      lake.close();
    }
  }

  @Test
  void theReplayIsListedAndItsComparisonPairsEveryPrediction() {
    browser.get("http://127.0.0.1:" + console.port() + "/");
    wait.until(ExpectedConditions.elementToBeClickable(By.linkText("Replay"))).click();
    WebElement link = wait.until(ExpectedConditions.elementToBeClickable(By.linkText("v4-trial")));
    List<WebElement> cells =
        link.findElement(By.xpath("./ancestor::tr")).findElements(By.tagName("td"));
    assertThat(cells.get(1).getText()).isEqualTo("fraud.predictions");
    assertThat(cells.get(3).getText()).isEqualTo("fraud v4");
    link.click();

    wait.until(
        ExpectedConditions.presenceOfElementLocated(
            By.xpath("//h1[contains(normalize-space(.), 'Replay v4-trial')]")));
    WebElement pairing =
        wait.until(
            ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("section[aria-labelledby=sec-pairs] table")));
    List<WebElement> row = pairing.findElements(By.cssSelector("tbody td"));
    String all = NumberFormat.getIntegerInstance(Locale.US).format(predictions);
    // every v3 prediction cites its own feature: one case each, all run by the candidate
    assertThat(row.get(0).getText()).isEqualTo(all);
    assertThat(row.get(1).getText()).isEqualTo(all);
    assertThat(row.get(2).getText()).isEqualTo(all);
    assertThat(row.get(3).getText()).isEqualTo("0");
    assertThat(row.get(4).getText()).isEqualTo("0");
    assertThat(
            browser
                .findElement(By.cssSelector("section[aria-labelledby=sec-columns] table"))
                .getText())
        .contains("score");

    // grouping goes through the address, so the grouped comparison can be shared
    new org.openqa.selenium.support.ui.Select(browser.findElement(By.name("group_by")))
        .selectByValue("model_version");
    browser.findElement(By.xpath("//button[normalize-space(.)='Compare']")).click();
    wait.until(ExpectedConditions.urlContains("group_by=model_version"));
    wait.until(
        ExpectedConditions.presenceOfElementLocated(
            By.cssSelector("section[aria-labelledby=sec-groups] table")));
    assertThat(((JavascriptExecutor) browser).executeScript("return window.__pwned")).isNull();
  }
}
