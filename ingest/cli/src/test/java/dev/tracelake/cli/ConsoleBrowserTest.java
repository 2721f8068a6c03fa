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
import org.openqa.selenium.support.ui.Select;
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
  static final String HOSTILE_COLUMN = "<svg onload=self['__pwned']=2>\"'";
  static final String HOSTILE_RUN = "<img src=x onerror=window.__pwned=3>";
  static final String HOSTILE_COMMIT = "\"><script>window.__pwned=4</script>";
  static final String HOSTILE_INPUT = "<img src=x onerror=window.__pwned=5>";
  static final Path SHOTS = Path.of("target", "console-screenshots");

  RootAllocator allocator;
  Lake lake;
  TracelakeServer server;
  ConsoleServer console;
  WebDriver browser;
  WebDriverWait wait;
  ExampleProducer.Result produced;
  String decision;
  String escalation;
  String note;
  Path evidenceDir;

  @BeforeAll
  void start(@TempDir Path warehouse, @TempDir Path profile, @TempDir Path evidence)
      throws Exception {
    evidenceDir = evidence;
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
    escalation = escalate();
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
  /** A record citing the decision: three levels, the last one 602 records. */
  private String escalate() {
    LakeTable t =
        lake.createTable(
            TableName.parse("audit.escalations"),
            new Schema(
                List.of(new Field("owner", FieldType.nullable(ArrowType.Utf8.INSTANCE), null))));
    return append(
        t,
        "{\"owner\": \"compliance\", \"_lineage\": [{\"table\": \"audit.decisions\","
            + " \"record_id\": \""
            + decision
            + "\"}]}");
  }

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

  /**
   * A note whose value, column name, run, code commit, model and cited input are all markup: the
   * console must show each as text.
   */
  private String hostile() throws Exception {
    LakeTable t =
        lake.createTable(
            TableName.parse("audit.notes"),
            new Schema(
                List.of(
                    new Field("note", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
                    new Field(HOSTILE_COLUMN, FieldType.nullable(ArrowType.Utf8.INSTANCE), null))));
    ObjectMapper json = new ObjectMapper();
    String row =
        "{\"note\": "
            + json.writeValueAsString(HOSTILE)
            + ", "
            + json.writeValueAsString(HOSTILE_COLUMN)
            + ": \"x\", \"_lineage\": [{\"table\": \"fraud.features\", \"record_id\": "
            + json.writeValueAsString(HOSTILE_INPUT)
            + "}]}";
    return append(
        t,
        row,
        Provenance.builder()
            .codeCommit(HOSTILE_COMMIT)
            .runId(HOSTILE_RUN)
            .model(HOSTILE_RUN, HOSTILE_COMMIT)
            .build());
  }

  private String append(LakeTable table, String row) {
    return append(table, row, Provenance.builder().codeCommit("c0ffee").runId("audit-run").build());
  }

  private String append(LakeTable table, String row, Provenance p) {
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
    // the whole page, graph and an opened input included, for the README (docs/console-explain.png)
    boxes.get(1).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("node-details"), produced.featureRecordIds().get(7)));
    ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 1900));
    shot("explain");
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 1000));
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
    // transitively: the decision citing it, and the escalation citing the decision
    assertThat(rows)
        .containsExactlyInAnyOrder(
            "audit.decisions=1", "audit.escalations=1", "fraud.predictions=1");

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
  void theGraphCollapsesAndExpandsLevelByLevel() {
    open("/record?table=audit.escalations&id=" + q(escalation));
    heading(escalation);
    WebElement levels = browser.findElement(By.id("levels-shown"));
    assertThat(levels.getText()).isEqualTo("Levels shown: 2 of 2");
    int groups = (int) produced.featureSnapshotIds().stream().distinct().count() + 1;
    assertThat(graphBoxes()).hasSize(1 + 1 + groups);

    browser.findElement(By.id("collapse-level")).click();
    wait.until(ExpectedConditions.textToBePresentInElement(levels, "Levels shown: 1 of 2"));
    assertThat(graphBoxes()).hasSize(2);
    assertThat(browser.findElement(By.id("graph-summary")).getText())
        .contains("602 records on deeper levels hidden");

    browser.findElement(By.id("collapse-level")).click();
    wait.until(ExpectedConditions.textToBePresentInElement(levels, "Levels shown: 0 of 2"));
    assertThat(graphBoxes()).hasSize(1);

    browser.findElement(By.id("expand-level")).click();
    browser.findElement(By.id("expand-level")).click();
    wait.until(ExpectedConditions.textToBePresentInElement(levels, "Levels shown: 2 of 2"));
    assertThat(graphBoxes()).hasSize(1 + 1 + groups);
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
  void hostileValuesNamesAndProvenanceAreShownAsTextAndRunNothing() {
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
    String page = browser.findElement(By.tagName("main")).getText();
    assertThat(page).contains(HOSTILE_COLUMN).contains(HOSTILE_RUN).contains(HOSTILE_COMMIT);
    assertThat(graphBoxes().get(1).getAttribute("aria-label"))
        .startsWith("Record " + HOSTILE_INPUT + " of table fraud.features, MISSING");
    assertNothingInjected();

    open("/table?table=audit.notes");
    heading("Table audit.notes");
    WebElement schema =
        wait.until(
            ExpectedConditions.presenceOfElementLocated(
                By.xpath("//section[@aria-labelledby='sec-schema']")));
    assertThat(schema.getText()).contains(HOSTILE_COLUMN);
    assertThat(
            browser.findElement(By.xpath("//section[@aria-labelledby='sec-snapshots']")).getText())
        .contains(HOSTILE_RUN.substring(0, 20));
    assertNothingInjected();

    // the hostile column as a filter: its name is an identifier, the value a literal
    open("/find?table=audit.notes&column=" + q(HOSTILE_COLUMN) + "&op=eq&value=x");
    WebElement outcome =
        wait.until(
            ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#find-rows table, #find-rows .error")));
    assertThat(outcome.getTagName()).as(outcome.getText()).isEqualTo("table");
    assertThat(outcome.findElements(By.cssSelector("tbody tr"))).hasSize(1);
    assertThat(outcome.findElement(By.tagName("thead")).getText()).contains(HOSTILE_COLUMN);
    assertThat(outcome.getText()).contains("<img src=x").contains("שלום");
    assertNothingInjected();

    open("/run?id=" + q(HOSTILE_RUN));
    heading("Run " + HOSTILE_RUN);
    assertThat(browser.findElement(By.tagName("main")).getText()).contains(HOSTILE_COMMIT);
    assertNothingInjected();
  }

  @Test
  void aBrowserWithoutASessionSignsInThroughTheFormAndSignsOut() {
    try {
      browser.manage().deleteAllCookies();
      open("/tables");
      heading("Sign in");
      WebElement token = browser.findElement(By.id("sign-in-token"));
      assertThat(token.getAttribute("type")).isEqualTo("password");
      assertThat(browser.findElement(By.tagName("main")).getText()).doesNotContain("fraud");
      token.sendKeys("tl_not-the-token-at-all", Keys.ENTER);
      WebElement error =
          wait.until(
              ExpectedConditions.presenceOfElementLocated(
                  By.cssSelector("#sign-in-result .error")));
      assertThat(error.getText()).isEqualTo("That token is not this server's");

      WebElement again = browser.findElement(By.id("sign-in-token"));
      again.clear();
      again.sendKeys(console.key(), Keys.ENTER);
      heading("Tables");
      assertThat(browser.getCurrentUrl()).endsWith("/tables");
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), "local"));
      assertThat(browser.manage().getCookieNamed("tracelake_console").getValue())
          .isNotEqualTo(console.key());

      browser.findElement(By.id("sign-out")).click();
      heading("Sign in");
      open("/runs");
      heading("Sign in");
    } finally {
      // the other tests share this browser: sign it in again
      browser.get(console.signInUri().toString());
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), "local"));
    }
  }

  /** No script ran and no element came from a value: the only svg is the graph, no img at all. */
  private void assertNothingInjected() {
    JavascriptExecutor js = (JavascriptExecutor) browser;
    assertThat(js.executeScript("return window.__pwned === undefined")).isEqualTo(true);
    assertThat(browser.findElements(By.cssSelector("img, script:not([src]), iframe, object")))
        .isEmpty();
    assertThat(js.executeScript("return document.querySelectorAll('svg:not(.graph)').length"))
        .isEqualTo(0L);
  }

  @Test
  void runsListAndRunPageShowTheTimeline() {
    open("/runs");
    heading("Runs");
    WebElement scoring =
        wait.until(
            ExpectedConditions.presenceOfElementLocated(
                By.xpath("//main//tbody/tr[td[5][normalize-space(.)='fraud v3']]//a")));
    scoring.click();
    heading("Run ");
    WebElement timeline =
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("ol.timeline")));
    assertThat(timeline.getText())
        .contains("started")
        .contains("committed")
        .contains("fraud.predictions");
    assertThat(browser.findElement(By.id("sec-tables")).findElement(By.xpath("..")).getText())
        .contains("fraud.predictions");
  }

  @Test
  void aTableShowsItsTimelineRefsAndTheSchemaAtAnOlderSnapshot() {
    open("/table?table=fraud.predictions");
    heading("Table fraud.predictions");
    WebElement timeline =
        wait.until(
            ExpectedConditions.presenceOfElementLocated(
                By.xpath("//section[@aria-labelledby='sec-snapshots']//tbody")));
    List<WebElement> rows = timeline.findElements(By.tagName("tr"));
    assertThat(rows).hasSize((int) produced.predictionSnapshotIds().stream().distinct().count());
    assertThat(rows.get(0).getText()).contains("fraud v3").contains("append");
    assertThat(browser.findElement(By.xpath("//section[@aria-labelledby='sec-refs']")).getText())
        .contains("main");

    long oldest =
        rows.size() == 0
            ? 0
            : Long.parseLong(
                rows.get(rows.size() - 1).findElement(By.cssSelector("td:nth-child(2)")).getText());
    rows.get(rows.size() - 1).findElement(By.linkText("Schema")).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("sec-schema"), "Columns at snapshot " + oldest));
    assertThat(browser.getCurrentUrl()).endsWith("version=" + oldest);
  }

  @Test
  void aColumnFilterFindsRecordsPageByPageInRecordIdOrder() {
    List<String> sorted = new ArrayList<>(produced.predictionRecordIds());
    java.util.Collections.sort(sorted);
    List<String> expected = sorted.subList(sorted.size() - 40, sorted.size());

    open("/find");
    heading("Find a record");
    WebElement form =
        browser.findElement(By.cssSelector("form[aria-label='Find by column value']"));
    new Select(form.findElement(By.name("table"))).selectByValue("fraud.predictions");
    wait.until(
        ExpectedConditions.presenceOfNestedElementLocatedBy(
            form, By.cssSelector("select[name=column] option[value=_record_id]")));
    new Select(form.findElement(By.name("column"))).selectByValue("_record_id");
    new Select(form.findElement(By.name("op"))).selectByValue("ge");
    form.findElement(By.name("value")).sendKeys(expected.get(0), Keys.ENTER);

    WebElement rows = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("find-rows")));
    wait.until(d -> rows.findElements(By.cssSelector("tbody tr")).size() == 25);
    assertThat(browser.getCurrentUrl()).contains("column=_record_id").contains("op=ge");
    rows.findElement(By.xpath(".//button[normalize-space(.)='More records']")).click();
    wait.until(d -> rows.findElements(By.cssSelector("tbody tr")).size() == 40);
    assertThat(rows.findElements(By.xpath(".//button[normalize-space(.)='More records']")))
        .isEmpty();
    List<String> shown = new ArrayList<>();
    for (WebElement a : rows.findElements(By.cssSelector("tbody tr td:first-child a"))) {
      shown.add(a.findElement(By.tagName("code")).getAttribute("title"));
    }
    assertThat(shown).containsExactlyElementsOf(expected);
  }

  @Test
  void evidenceExportedFromARecordVerifiesOnTheVerifyPageAndAnEditIsCaught() throws Exception {
    String prediction = produced.predictionRecordIds().get(11);
    open("/record?table=fraud.predictions&id=" + q(prediction));
    heading(prediction);
    List<?> download =
        (List<?>)
            ((JavascriptExecutor) browser)
                .executeAsyncScript(
                    "const done = arguments[arguments.length - 1];"
                        + "fetch(document.getElementById('export-json').href)"
                        + ".then(r => r.text().then(t =>"
                        + " done([r.status, r.headers.get('content-disposition'), t])))"
                        + ".catch(e => done([0, String(e), '']));");
    assertThat(download.get(0)).isEqualTo(200L);
    assertThat((String) download.get(1)).startsWith("attachment; filename=\"evidence-");
    String json = (String) download.get(2);
    ObjectMapper mapper = new ObjectMapper();
    com.fasterxml.jackson.databind.node.ObjectNode doc =
        (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(json);
    assertThat(doc.at("/evidence/subject/recordId").asText()).isEqualTo(prediction);
    assertThat(doc.at("/evidence/exportedBy").asText()).isEqualTo("local");
    Path bundle = Files.writeString(evidenceDir.resolve("bundle.json"), json);

    open("/verify");
    heading("Verify evidence");
    browser.findElement(By.id("bundle-file")).sendKeys(bundle.toAbsolutePath().toString());
    browser.findElement(By.cssSelector("form button[type=submit]")).click();
    WebElement result =
        wait.until(
            ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#verify-result [role=status]")));
    assertThat(result.getText())
        .isEqualTo("The evidence about fraud.predictions/" + prediction + " matches the lake.");

    ((com.fasterxml.jackson.databind.node.ObjectNode) doc.get("evidence"))
        .put("exportedBy", "someone-else");
    Path edited = evidenceDir.resolve("edited.json");
    mapper.writeValue(edited.toFile(), doc);
    open("/verify");
    heading("Verify evidence");
    browser.findElement(By.id("bundle-file")).sendKeys(edited.toAbsolutePath().toString());
    browser.findElement(By.cssSelector("form button[type=submit]")).click();
    WebElement differs =
        wait.until(
            ExpectedConditions.presenceOfElementLocated(By.cssSelector("#verify-result .error")));
    assertThat(differs.getText()).contains("no longer matches the lake");
    assertThat(browser.findElement(By.id("verify-result")).getText()).contains("BUNDLE_EDITED");
    shot("verify");
  }

  @Test
  void keyboardAloneSkipsToTheContentAndEveryStopShowsWhereFocusIs() {
    open("/record?table=fraud.predictions&id=" + q(produced.predictionRecordIds().get(2)));
    heading(produced.predictionRecordIds().get(2));
    graphBoxes();
    JavascriptExecutor js = (JavascriptExecutor) browser;
    new Actions(browser).sendKeys(Keys.TAB).perform();
    WebElement skip = browser.switchTo().activeElement();
    assertThat(skip.getText()).isEqualTo("Skip to content");
    assertThat(skip.isDisplayed()).isTrue();
    new Actions(browser).sendKeys(Keys.ENTER).perform();
    wait.until(
        d ->
            Boolean.TRUE.equals(
                js.executeScript("return !!document.activeElement.closest('main')")));

    List<String> invisible = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      new Actions(browser).sendKeys(Keys.TAB).perform();
      Object problem =
          js.executeScript(
              "const e = document.activeElement, s = getComputedStyle(e);"
                  + "if (e === document.body) return null;"
                  + "return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 ? null"
                  + " : (e.tagName + ' ' + (e.getAttribute('aria-label') || e.textContent)"
                  + ".slice(0, 60));");
      if (problem != null) {
        invisible.add((String) problem);
      }
    }
    assertThat(invisible).as("focused elements without a visible focus ring").isEmpty();
  }

  @Test
  void textHasAtLeastWcagAaContrastOnEveryPage() {
    List<String> pages =
        List.of(
            "/",
            "/find?table=fraud.predictions",
            "/record?table=fraud.predictions&id=" + q(produced.predictionRecordIds().get(1)),
            "/record?table=audit.decisions&id=" + q(decision),
            "/record?table=audit.notes&id=" + q(note),
            "/impact?table=fraud.features&id=" + q(produced.featureRecordIds().get(1)),
            "/runs",
            "/table?table=fraud.features",
            "/find?id=no-such-record",
            "/verify");
    for (String page : pages) {
      open(page);
      wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("main h1")));
      wait.until(d -> !browser.findElement(By.tagName("main")).getText().startsWith("Loading"));
      if (page.startsWith("/record")) {
        graphBoxes().get(graphBoxes().size() - 1).click();
      }
      if (page.startsWith("/find?id")) {
        wait.until(
            ExpectedConditions.presenceOfElementLocated(By.cssSelector("#find-id-result .error")));
      }
      @SuppressWarnings("unchecked")
      List<String> low = (List<String>) ((JavascriptExecutor) browser).executeScript(CONTRAST);
      assertThat(low).as("text below WCAG AA contrast on %s", page).isEmpty();
    }
  }

  /**
   * Every visible text (HTML and the graph's SVG) against the background it is drawn on: at least
   * 4.5:1, or 3:1 for large text (WCAG 2.1 AA, 1.4.3). Returns the failures.
   */
  private static final String CONTRAST =
      """
      const rgb = (c) => {
        const m = /rgba?\\(([^)]+)\\)/.exec(c);
        if (!m) return null;
        const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
        return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
      };
      const lum = (c) => {
        const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
      };
      const background = (e) => {
        for (let x = e; x && x.nodeType === 1; x = x.parentElement) {
          const c = rgb(getComputedStyle(x).backgroundColor);
          if (c && c.a > 0) return c;
        }
        return {r: 255, g: 255, b: 255, a: 1};
      };
      const failures = [];
      const seen = new Set();
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let t = walker.nextNode(); t; t = walker.nextNode()) {
        const e = t.parentElement;
        if (!t.textContent.trim() || seen.has(e)) continue;
        seen.add(e);
        if (e.closest('.visually-hidden, .skip, noscript, title, option') || !e.getClientRects().length) continue;
        const s = getComputedStyle(e);
        if (s.visibility === 'hidden' || s.display === 'none') continue;
        let fg, bg;
        if (e instanceof SVGElement) {
          fg = rgb(s.fill);
          const rect = e.closest('g.node')?.querySelector('rect');
          bg = rect ? rgb(getComputedStyle(rect).fill) : background(e.closest('svg'));
        } else {
          fg = rgb(s.color);
          bg = background(e);
        }
        if (!fg || !bg) { failures.push('unreadable colours: ' + t.textContent.slice(0, 40)); continue; }
        const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
        const ratio = (hi + 0.05) / (lo + 0.05);
        const size = parseFloat(s.fontSize), bold = parseInt(s.fontWeight, 10) >= 700;
        const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
        if (ratio < need) {
          failures.push(t.textContent.trim().slice(0, 40) + ': ' + s.color + ' on '
            + JSON.stringify(bg) + ' = ' + ratio.toFixed(2) + ' < ' + need);
        }
      }
      return failures;
      """;
}
