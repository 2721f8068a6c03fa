package dev.tracelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracelake.client.TracelakeClient;
import dev.tracelake.console.ConsoleServer;
import dev.tracelake.example.ExampleProducer;
import dev.tracelake.ingest.IngestConfig;
import dev.tracelake.ingest.TracelakeServer;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.TableName;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser: Debian's headless Chromium driven through Debian's chromedriver,
 * against a server filled by the example producer (plus a record with 602 inputs and one with
 * hostile values). Screenshots go to target/console-screenshots.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserTest {
  static final Path CHROMIUM =
      Path.of(System.getProperty("tracelake.chromium", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER =
      Path.of(System.getProperty("tracelake.chromedriver", "/usr/bin/chromedriver"));
  static final String HOSTILE = "<img src=x onerror=\"window.__pwned=1\">\u0007\u202e שלום";
  static final Path SHOTS = Path.of("target", "console-screenshots");

  RootAllocator allocator;
  Lake lake;
  TracelakeServer server;
  ConsoleServer console;
  WebDriver browser;
  WebDriverWait wait;
  ExampleProducer.Result produced;
  String decision;
  String note;

  @BeforeAll
  void start(@TempDir Path warehouse, @TempDir Path profile) throws Exception {
    assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
        .as(
            "The browser tests need Debian's chromium and chromium-driver (apt-get install -y"
                + " chromium chromium-driver; .ci/run does it): %s or %s is missing",
            CHROMIUM, CHROMEDRIVER)
        .isTrue();
    allocator = new RootAllocator();
    lake = Lake.open(LakeConfig.embedded(warehouse));
    server =
        TracelakeServer.onNetty(
                lake,
                IngestConfig.defaults().withPort(0).withCommitInterval(Duration.ofMillis(100)))
            .start();
    console =
        ConsoleServer.builder(lake, server.lineage(), server.sqlEngine())
            .address(new InetSocketAddress("127.0.0.1", 0))
            .start();
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    try (TracelakeClient client = TracelakeClient.connect("127.0.0.1:" + server.port())) {
      produced = ExampleProducer.run(client, 600, quiet);
    }
    decision = fanIn();
    note = hostile();

    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1400,1000",
        "--user-data-dir=" + profile.toAbsolutePath());
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
    wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    browser.get(console.signInUri().toString());
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), "local"));
    Files.createDirectories(SHOTS);
  }

  /** A decision citing all 600 feature records and 2 never ingested: a graph of 603 records. */
  private String fanIn() {
    LakeTable t =
        lake.createTable(
            TableName.parse("audit.decisions"),
            new Schema(
                List.of(new Field("verdict", FieldType.nullable(ArrowType.Utf8.INSTANCE), null))));
    StringBuilder inputs = new StringBuilder();
    for (int i = 0; i < produced.featureRecordIds().size(); i++) {
      inputs
          .append(i == 0 ? "" : ", ")
          .append("{\"table\": \"fraud.features\", \"record_id\": \"")
          .append(produced.featureRecordIds().get(i))
          .append("\", \"snapshot_id\": ")
          .append(produced.featureSnapshotIds().get(i))
          .append('}');
    }
    inputs.append(", {\"table\": \"fraud.features\", \"record_id\": \"ghost-1\"}");
    inputs.append(", {\"table\": \"fraud.features\", \"record_id\": \"ghost-2\"}");
    return append(t, "{\"verdict\": \"review\", \"_lineage\": [" + inputs + "]}");
  }

  private String hostile() throws Exception {
    LakeTable t =
        lake.createTable(
            TableName.parse("audit.notes"),
            new Schema(
                List.of(new Field("note", FieldType.nullable(ArrowType.Utf8.INSTANCE), null))));
    return append(t, "{\"note\": " + new ObjectMapper().writeValueAsString(HOSTILE) + "}");
  }

  private String append(LakeTable table, String row) {
    Provenance p = Provenance.builder().codeCommit("c0ffee").runId("audit-run").build();
    try (VectorSchemaRoot batch = table.batchChecker().fromJson(List.of(row), allocator);
        PendingAppend append = table.newAppend(p)) {
      String id = append.write(batch).get(0);
      append.commit();
      return id;
    }
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
    if (allocator != null) {
      allocator.close();
    }
  }

  private void open(String pathAndQuery) {
    browser.get("http://127.0.0.1:" + console.port() + pathAndQuery);
  }

  private static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private WebElement heading(String text) {
    return wait.until(
        ExpectedConditions.presenceOfElementLocated(
            By.xpath("//h1[contains(normalize-space(.), '" + text + "')]")));
  }

  private void shot(String name) throws Exception {
    byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
    Files.write(SHOTS.resolve(name + ".png"), png);
  }

  private List<WebElement> graphBoxes() {
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("svg.graph g.node")));
    return browser.findElements(By.cssSelector("svg.graph g.node"));
  }

  @Test
  void aPredictionFoundByIdShowsItsRunModelCommitAndInputGraph() throws Exception {
    String prediction = produced.predictionRecordIds().get(7);
    open("/");
    WebElement id = wait.until(ExpectedConditions.elementToBeClickable(By.id("home-record-id")));
    id.sendKeys(prediction, Keys.ENTER);

    heading(prediction);
    assertThat(browser.getCurrentUrl())
        .endsWith("/record?table=fraud.predictions&id=" + q(prediction));
    List<WebElement> boxes = graphBoxes();
    assertThat(boxes).hasSize(2);
    assertThat(boxes.get(1).getAttribute("aria-label"))
        .isEqualTo(
            "Record "
                + produced.featureRecordIds().get(7)
                + " of table fraud.features, PRESENT, cited at snapshot "
                + produced.featureSnapshotIds().get(7)
                + ", level 1");
    WebElement run = browser.findElement(By.id("run-facts"));
    assertThat(run.getText()).contains("fraud v3").contains("COMPLETED");
    assertThat(browser.findElement(By.id("commit-link")).getAttribute("href"))
        .isEqualTo("https://git.example.com/fraud/scoring/commit/" + ExampleProducer.SAMPLE_COMMIT);
    assertThat(browser.findElement(By.id("sec-row")).findElement(By.xpath("..")).getText())
        .contains("fraud_score")
        .contains("decision");
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 1250));
    shot("explain");
  }

  @Test
  void clickingAnInputOpensItAndItsExplanation() {
    String prediction = produced.predictionRecordIds().get(3);
    String feature = produced.featureRecordIds().get(3);
    open("/record?table=fraud.predictions&id=" + q(prediction));
    heading(prediction);
    graphBoxes().get(1).click();
    WebElement details = browser.findElement(By.id("node-details"));
    wait.until(ExpectedConditions.textToBePresentInElement(details, feature));
    assertThat(details.getText()).contains("fraud.features").contains("txn_amount");

    details.findElement(By.linkText("Explain this record")).click();

    heading(feature);
    assertThat(browser.getCurrentUrl()).endsWith("/record?table=fraud.features&id=" + q(feature));
    browser.navigate().back();
    heading(prediction);
  }

  @Test
  void impactListsTheDerivedRecordsWithTheirCounts() throws Exception {
    String feature = produced.featureRecordIds().get(0);
    open("/impact?table=fraud.features&id=" + q(feature));
    heading("Impact of record");
    WebElement derived =
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("impact-derived")));
    List<String> rows = new ArrayList<>();
    for (WebElement tr : derived.findElements(By.cssSelector("tbody tr"))) {
      rows.add(
          tr.findElement(By.cssSelector("td:nth-child(1)")).getText()
              + "="
              + tr.findElement(By.cssSelector("td:nth-child(2)")).getText());
    }
    assertThat(rows).containsExactlyInAnyOrder("audit.decisions=1", "fraud.predictions=1");

    open("/impact?model=fraud&version=v3");
    heading("Impact of model");
    WebElement seeds =
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("impact-seeds")));
    assertThat(seeds.findElement(By.cssSelector("td.count")).getText()).isEqualTo("600");
    shot("impact");
  }

  @Test
  void anUnknownIdSaysSoClearly() {
    open("/find?id=no-such-record");
    WebElement error =
        wait.until(
            ExpectedConditions.presenceOfElementLocated(By.cssSelector("#find-id-result .error")));
    assertThat(error.getText())
        .isEqualTo("No record with id “no-such-record” is in any table (on main).");
    open("/record?table=fraud.predictions&id=no-such-record");
    heading("Not found");
    assertThat(browser.findElement(By.cssSelector("main .error")).getText())
        .contains("no-such-record");
  }

  @Test
  void aRecordWithSixHundredInputsIsDrawnGroupedByTableAndSnapshot() throws Exception {
    open("/record?table=audit.decisions&id=" + q(decision));
    heading(decision);
    List<WebElement> boxes = graphBoxes();
    int grouped = 0;
    for (WebElement b : boxes) {
      String label = b.getAttribute("aria-label");
      if (label.startsWith("Group of ")) {
        grouped += Integer.parseInt(label.substring(9, label.indexOf(' ', 9)));
      }
    }
    assertThat(grouped).isEqualTo(602);
    assertThat((long) boxes.size())
        .isLessThanOrEqualTo(1 + produced.featureSnapshotIds().stream().distinct().count() + 1);
    WebElement missing =
        boxes.stream()
            .filter(b -> b.getAttribute("aria-label").contains("2 missing"))
            .findFirst()
            .orElseThrow();
    missing.click();
    WebElement details = browser.findElement(By.id("node-details"));
    wait.until(ExpectedConditions.textToBePresentInElement(details, "ghost-1"));
    assertThat(details.getText()).contains("ghost-2").contains("MISSING");
    assertThat(browser.findElement(By.id("sec-problems")).findElement(By.xpath("..")).getText())
        .contains("ghost-1");
    shot("fan-in");
  }

  @Test
  void theGraphIsReachableByKeyboardAndEnterOpensABox() {
    String prediction = produced.predictionRecordIds().get(5);
    open("/record?table=fraud.predictions&id=" + q(prediction));
    heading(prediction);
    graphBoxes();
    WebElement body = browser.findElement(By.tagName("body"));
    body.click();
    String active = "";
    for (int i = 0;
        i < 60 && !active.startsWith("Record " + produced.featureRecordIds().get(5));
        i++) {
      new Actions(browser).sendKeys(Keys.TAB).perform();
      active = String.valueOf(browser.switchTo().activeElement().getAttribute("aria-label"));
    }
    assertThat(active).startsWith("Record " + produced.featureRecordIds().get(5));
    new Actions(browser).sendKeys(Keys.ENTER).perform();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("node-details"), produced.featureRecordIds().get(5)));
    assertThat(browser.switchTo().activeElement().getAttribute("aria-label"))
        .startsWith("Record " + produced.featureRecordIds().get(5));
  }

  @Test
  void everyFormControlHasALabelAndThePageHasLandmarks() {
    for (String page : List.of("/", "/find", "/runs", "/verify", "/table?table=fraud.features")) {
      open(page);
      wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("main h1")));
      Object unlabeled =
          ((JavascriptExecutor) browser)
              .executeScript(
                  "return [...document.querySelectorAll('input, select, textarea')]"
                      + ".filter(e => !e.labels.length && !e.getAttribute('aria-label'))"
                      + ".map(e => e.name || e.id).join(',')");
      assertThat(unlabeled).as(page).isEqualTo("");
      assertThat(browser.findElements(By.cssSelector("header nav[aria-label], main"))).hasSize(2);
      assertThat(browser.findElement(By.cssSelector("html")).getAttribute("lang")).isEqualTo("en");
    }
  }

  @Test
  void hostileValuesAreShownAsTextAndRunNothing() {
    open("/record?table=audit.notes&id=" + q(note));
    heading(note);
    WebElement cell =
        wait.until(
            ExpectedConditions.presenceOfElementLocated(
                By.xpath("//th[normalize-space(.)='note']/following-sibling::td")));
    assertThat(cell.getText())
        .contains("<img src=x onerror=\"window.__pwned=1\">")
        .contains("\\u0007")
        .contains("\\u202e")
        .contains("שלום");
    assertThat(browser.findElements(By.cssSelector("main img"))).isEmpty();
    assertThat(((JavascriptExecutor) browser).executeScript("return window.__pwned === undefined"))
        .isEqualTo(true);
  }

  @Test
  void runsListAndRunPageShowTheTimeline() {
    open("/runs");
    heading("Runs");
    WebElement first =
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("main tbody tr a")));
    first.click();
    heading("Run ");
    WebElement timeline =
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("ol.timeline")));
    assertThat(timeline.getText()).contains("started").contains("committed");
  }
}
