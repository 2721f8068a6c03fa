package dev.tracelake.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracelake.access.LocalCredential;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.TableName;
import dev.tracelake.lineage.Lineage;
import dev.tracelake.lineage.LineageOptions;
import dev.tracelake.lineage.RunInfo;
import dev.tracelake.lineage.replay.Candidate;
import dev.tracelake.lineage.replay.ReplaySlice;
import dev.tracelake.lineage.replay.ReplaySpec;
import dev.tracelake.lineage.replay.Replays;
import dev.tracelake.query.SqlEngine;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's HTTP API over a real lake, lineage index and SQL engine, asked over loopback with
 * the JDK's HTTP client (and a raw socket where the client refuses to send what an attacker would):
 * authentication, headers, methods, hostile values, typed filters, impact, evidence.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleApiTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String HOSTILE = "<script>alert('x')</script>\u0007\u202e مرحبا";
  static final String SCORING_COMMIT = "abc123";

  RootAllocator allocator;
  Lake lake;
  Lineage lineage;
  SqlEngine sql;
  ConsoleServer console;
  HttpClient http;
  List<String> features = new ArrayList<>();
  String prediction;
  String bigFeature;

  @BeforeAll
  void start(@TempDir Path warehouse) {
    allocator = new RootAllocator();
    lake = Lake.open(LakeConfig.embedded(warehouse));
    lineage = Lineage.open(lake, LineageOptions.defaults().withManualRefresh());
    sql = SqlEngine.create(lake);
    lineage.startRun(
        RunInfo.builder("scoring-run")
            .job("fraud", "scoring")
            .code("https://git.example.com/fraud/scoring.git", SCORING_COMMIT)
            .model("fraud", "v3")
            .build());
    LakeTable f =
        lake.createTable(
            TableName.parse("fraud.features"),
            new Schema(
                List.of(
                    new Field("entity", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
                    new Field(
                        "amount",
                        FieldType.nullable(
                            new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
                        null))));
    Provenance job = Provenance.builder().codeCommit("f00d").runId("feature-run").build();
    features.addAll(
        append(
            f,
            job,
            "{\"entity\": " + JSON.valueToTree(HOSTILE) + ", \"amount\": 1.5}",
            "{\"entity\": \"it's\", \"amount\": 2.5}",
            "{\"entity\": \"plain\", \"amount\": 3.5}"));
    bigFeature =
        append(f, job, "{\"entity\": \"" + "x".repeat(1_000_000) + "\", \"amount\": 9}").get(0);
    long featureSnapshot = f.snapshots().get(0).snapshotId();
    LakeTable p =
        lake.createTable(
            TableName.parse("fraud.predictions"),
            new Schema(
                List.of(
                    new Field(
                        "score",
                        FieldType.nullable(
                            new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
                        null))));
    StringBuilder inputs = new StringBuilder();
    for (String id : features) {
      inputs
          .append(inputs.length() == 0 ? "" : ", ")
          .append("{\"table\": \"fraud.features\", \"record_id\": \"")
          .append(id)
          .append("\", \"snapshot_id\": ")
          .append(featureSnapshot)
          .append('}');
    }
    inputs.append(", {\"table\": \"fraud.features\", \"record_id\": \"never-ingested\"}");
    prediction =
        append(
                p,
                Provenance.builder()
                    .codeCommit(SCORING_COMMIT)
                    .model("fraud", "v3")
                    .runId("scoring-run")
                    .build(),
                "{\"score\": 0.9, \"_lineage\": [" + inputs + "]}")
            .get(0);
    console =
        ConsoleServer.builder(lake, lineage, sql)
            .address(new InetSocketAddress("127.0.0.1", 0))
            .start();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  @AfterAll
  void stop() {
    console.close();
    sql.close();
    lineage.close();
    lake.close();
    allocator.close();
  }

  private List<String> append(LakeTable table, Provenance provenance, String... rows) {
    try (VectorSchemaRoot batch = table.batchChecker().fromJson(List.of(rows), allocator);
        PendingAppend append = table.newAppend(provenance)) {
      List<String> ids = append.write(batch);
      append.commit();
      return ids;
    }
  }

  private URI uri(String path, Map<String, String> params) {
    StringBuilder s = new StringBuilder("http://127.0.0.1:" + console.port() + path);
    String sep = "?";
    for (Map.Entry<String, String> p : params.entrySet()) {
      s.append(sep)
          .append(p.getKey())
          .append('=')
          .append(URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8));
      sep = "&";
    }
    return URI.create(s.toString());
  }

  private HttpResponse<String> get(String path, Map<String, String> params) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path, params))
            .header("Authorization", "Bearer " + console.key())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode json(String path, Map<String, String> params) throws Exception {
    HttpResponse<String> r = get(path, params);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private String error(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body()).get("error").get("message").asText();
  }

  @Test
  void withoutTheKeyNothingIsAnswered() throws Exception {
    HttpResponse<String> none =
        http.send(
            HttpRequest.newBuilder(uri("/api/v1/tables", Map.of())).build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> wrong =
        http.send(
            HttpRequest.newBuilder(uri("/api/v1/tables", Map.of()))
                .header("Authorization", "Bearer not-the-key")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> page =
        http.send(
            HttpRequest.newBuilder(uri("/record", Map.of("table", "t", "id", "x"))).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(error(none)).contains("the address 'tracelake serve' printed");
    assertThat(wrong.statusCode()).isEqualTo(401);
    // a page without a session is the console's empty shell (its script shows the sign-in form),
    // still a 401, and names no table
    assertThat(page.statusCode()).isEqualTo(401);
    assertThat(page.body()).contains("<main id=\"main\"").doesNotContain("fraud");
  }

  @Test
  void theKeyInTheAddressSignsInWithAStrictHttpOnlyCookieAndLeavesTheAddress() throws Exception {
    HttpResponse<String> signIn =
        http.send(
            HttpRequest.newBuilder(
                    uri("/record", Map.of("table", "fraud.predictions", "key", console.key())))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(signIn.statusCode()).isEqualTo(303);
    assertThat(signIn.headers().firstValue("Location")).hasValue("/record?table=fraud.predictions");
    String cookie = signIn.headers().firstValue("Set-Cookie").orElseThrow();
    // the cookie holds a session of its own, never the key
    assertThat(cookie)
        .startsWith(ConsoleAuth.COOKIE + "=")
        .doesNotContain(console.key())
        .containsIgnoringCase("HttpOnly")
        .containsIgnoringCase("SameSite=Strict");
    String session = cookie.substring(ConsoleAuth.COOKIE.length() + 1, cookie.indexOf(';'));
    assertThat(session).matches("[A-Za-z0-9_-]{43}");
    HttpResponse<String> withCookie =
        http.send(
            HttpRequest.newBuilder(uri("/api/v1/session", Map.of()))
                .header("Cookie", ConsoleAuth.COOKIE + "=" + session)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(JSON.readTree(withCookie.body()).get("principal").asText()).isEqualTo("local");
    HttpResponse<String> keyAsCookie =
        http.send(
            HttpRequest.newBuilder(uri("/api/v1/session", Map.of()))
                .header("Cookie", ConsoleAuth.COOKIE + "=" + console.key())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(keyAsCookie.statusCode()).isEqualTo(401);

    HttpResponse<String> signOut =
        http.send(
            HttpRequest.newBuilder(uri("/api/v1/signout", Map.of()))
                .header("Cookie", ConsoleAuth.COOKIE + "=" + session)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(signOut.statusCode()).isEqualTo(200);
    HttpResponse<String> afterSignOut =
        http.send(
            HttpRequest.newBuilder(uri("/api/v1/session", Map.of()))
                .header("Cookie", ConsoleAuth.COOKIE + "=" + session)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(afterSignOut.statusCode()).isEqualTo(401);
    HttpResponse<String> badKey =
        http.send(
            HttpRequest.newBuilder(uri("/", Map.of("key", "guess"))).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(badKey.statusCode()).isEqualTo(401);
    assertThat(badKey.headers().firstValue("Set-Cookie")).isEmpty();
  }

  @Test
  void aRequestNamingAnotherHostIsRefusedAgainstDnsRebinding() throws Exception {
    String response =
        raw(
            "GET /api/v1/tables HTTP/1.1\r\nHost: evil.example:"
                + console.port()
                + "\r\nAuthorization: Bearer "
                + console.key()
                + "\r\nConnection: close\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 421 ");
    assertThat(response).doesNotContain("fraud.features");
  }

  private String raw(String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", console.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void everyAnswerCarriesAStrictContentSecurityPolicy() throws Exception {
    for (String path : List.of("/", "/api/v1/tables", "/static/app.js", "/nope")) {
      HttpResponse<String> r = get(path, Map.of());
      assertThat(r.headers().firstValue("Content-Security-Policy"))
          .as(path)
          .hasValue(
              "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
                  + " connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self';"
                  + " frame-ancestors 'none'");
      assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
      assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    }
    HttpResponse<String> page = get("/record", Map.of());
    assertThat(page.body())
        .contains("<script type=\"module\" src=\"/static/app.js\"></script>")
        .doesNotContainPattern("<script>|<script [^>]*>[^<]")
        .doesNotContain("style=");
  }

  @Test
  void unknownPathsAre404WrongMethods405AndNonJsonBodies415() throws Exception {
    HttpResponse<String> missing = get("/api/v1/nope", Map.of());
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(error(missing)).isEqualTo("Nothing at /api/v1/nope");
    HttpResponse<String> traversal = get("/static/../../etc/passwd", Map.of());
    assertThat(traversal.statusCode()).isIn(400, 404);
    assertThat(traversal.body()).doesNotContain("root:");
    assertThat(get("/static/assets.txt", Map.of()).statusCode()).isEqualTo(404);

    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(uri("/api/v1/tables", Map.of()))
                .header("Authorization", "Bearer " + console.key())
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    HttpResponse<String> getVerify = get("/api/v1/verify", Map.of());
    assertThat(getVerify.statusCode()).isEqualTo(405);
    assertThat(getVerify.headers().firstValue("Allow")).hasValue("POST");

    HttpResponse<String> text =
        http.send(
            HttpRequest.newBuilder(uri("/api/v1/verify", Map.of()))
                .header("Authorization", "Bearer " + console.key())
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(text.statusCode()).isEqualTo(415);
    assertThat(error(text)).isEqualTo("Send the request body as application/json, not text/plain");

    HttpResponse<String> foreign =
        http.send(
            HttpRequest.newBuilder(uri("/api/v1/verify", Map.of()))
                .header("Authorization", "Bearer " + console.key())
                .header("Content-Type", "application/json")
                .header("Origin", "https://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(foreign.statusCode()).isEqualTo(403);

    HttpResponse<String> garbage =
        http.send(
            HttpRequest.newBuilder(uri("/api/v1/verify", Map.of()))
                .header("Authorization", "Bearer " + console.key())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[1, 2"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(error(garbage)).startsWith("Not an evidence bundle: the file is not valid JSON");
  }

  @Test
  void aHeadRequestHasHeadersAndNoBody() throws Exception {
    HttpResponse<String> head =
        http.send(
            HttpRequest.newBuilder(uri("/api/v1/tables", Map.of()))
                .header("Authorization", "Bearer " + console.key())
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void explainShowsHostileValuesAsDataCappedForDisplayAndMarksMissingInputs() throws Exception {
    JsonNode e = json("/api/v1/explain", Map.of("table", "fraud.predictions", "id", prediction));

    assertThat(e.get("nodes")).hasSize(5);
    JsonNode root = e.get("nodes").get(0);
    assertThat(root.get("state").asText()).isEqualTo("PRESENT");
    assertThat(root.get("inputs")).hasSize(5 - 1);
    JsonNode hostile = node(e, features.get(0));
    assertThat(value(hostile, "entity").get("text").asText()).isEqualTo(HOSTILE);
    JsonNode missing = node(e, "never-ingested");
    assertThat(missing.get("state").asText()).isEqualTo("MISSING");
    assertThat(missing.get("values")).isEmpty();
    assertThat(e.get("run").get("commitUrl").asText())
        .isEqualTo("https://git.example.com/fraud/scoring/commit/abc123");
    assertThat(e.get("run").get("modelVersion").asText()).isEqualTo("v3");
    // snapshot ids are text: JavaScript numbers cannot hold them
    assertThat(root.get("citedSnapshotId").isTextual()).isTrue();

    JsonNode big = json("/api/v1/explain", Map.of("table", "fraud.features", "id", bigFeature));
    JsonNode entity = value(big.get("nodes").get(0), "entity");
    assertThat(entity.get("text").asText()).hasSize(Json.DISPLAY_CHARS);
    assertThat(entity.get("length").asInt()).isEqualTo(1_000_000);
    assertThat(entity.get("truncated").asBoolean()).isTrue();
    JsonNode row = json("/api/v1/row", Map.of("table", "fraud.features", "id", bigFeature));
    assertThat(value(row, "entity").get("text").asText()).hasSize(1_000_000);
  }

  private static JsonNode node(JsonNode explanation, String recordId) {
    for (JsonNode n : explanation.get("nodes")) {
      if (n.get("recordId").asText().equals(recordId)) {
        return n;
      }
    }
    throw new AssertionError("no node " + recordId);
  }

  private static JsonNode value(JsonNode node, String column) {
    for (JsonNode v : node.get("values")) {
      if (v.get("name").asText().equals(column)) {
        return v;
      }
    }
    throw new AssertionError("no column " + column);
  }

  @Test
  void anUnknownRecordIs404WithTheRecordNamed() throws Exception {
    HttpResponse<String> r =
        get("/api/v1/explain", Map.of("table", "fraud.predictions", "id", "no-such-record"));
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(error(r)).contains("no-such-record");
    HttpResponse<String> table = get("/api/v1/explain", Map.of("table", "nope.nope", "id", "x"));
    assertThat(table.statusCode()).isEqualTo(404);
    assertThat(error(table)).isEqualTo("Table nope.nope does not exist");
    JsonNode located = json("/api/v1/locate", Map.of("id", "no-such-record"));
    assertThat(located.get("matches")).isEmpty();
    JsonNode found = json("/api/v1/locate", Map.of("id", prediction));
    assertThat(found.get("matches")).hasSize(1);
    assertThat(found.get("matches").get(0).get("table").asText()).isEqualTo("fraud.predictions");
  }

  @Test
  void theColumnFilterIsTypedAndValuesCannotBreakOutOfTheirLiteral() throws Exception {
    JsonNode quote =
        json(
            "/api/v1/rows",
            Map.of("table", "fraud.features", "column", "entity", "op", "eq", "value", "it's"));
    assertThat(quote.get("rows")).hasSize(1);
    JsonNode injection =
        json(
            "/api/v1/rows",
            Map.of("table", "fraud.features", "column", "entity", "value", "x' OR '1'='1"));
    assertThat(injection.get("rows")).isEmpty();
    JsonNode number =
        json(
            "/api/v1/rows",
            Map.of("table", "fraud.features", "column", "amount", "op", "gt", "value", "2"));
    assertThat(number.get("rows")).hasSize(3);

    HttpResponse<String> notNumber =
        get(
            "/api/v1/rows",
            Map.of("table", "fraud.features", "column", "amount", "value", "1 OR 1=1"));
    assertThat(notNumber.statusCode()).isEqualTo(400);
    assertThat(error(notNumber))
        .isEqualTo(
            "Filter value '1 OR 1=1' is not a double (column 'amount' of table fraud.features)");
    HttpResponse<String> column =
        get(
            "/api/v1/rows",
            Map.of("table", "fraud.features", "column", "entity\" OR 1=1 --", "value", "x"));
    assertThat(column.statusCode()).isEqualTo(400);
    assertThat(error(column)).startsWith("Table fraud.features has no column 'entity\" OR 1=1 --'");
    HttpResponse<String> op =
        get(
            "/api/v1/rows",
            Map.of("table", "fraud.features", "column", "entity", "op", "; DROP", "value", "x"));
    assertThat(op.statusCode()).isEqualTo(400);
    HttpResponse<String> nul =
        get("/api/v1/rows", Map.of("table", "fraud.features", "column", "entity", "value", "a\0"));
    assertThat(nul.statusCode()).isEqualTo(400);
  }

  @Test
  void rowsArePagedByRecordIdAtOneSnapshot() throws Exception {
    JsonNode first = json("/api/v1/rows", Map.of("table", "fraud.features", "page_size", "3"));
    assertThat(first.get("rows")).hasSize(3);
    String after = first.get("nextAfter").asText();
    JsonNode second =
        json(
            "/api/v1/rows",
            Map.of(
                "table",
                "fraud.features",
                "page_size",
                "3",
                "after",
                after,
                "version",
                first.get("snapshotId").asText()));
    assertThat(second.get("rows")).hasSize(1);
    assertThat(second.get("nextAfter").isNull()).isTrue();
    List<String> ids = new ArrayList<>();
    first.get("rows").forEach(r -> ids.add(r.get("recordId").asText()));
    second.get("rows").forEach(r -> ids.add(r.get("recordId").asText()));
    assertThat(ids).isSorted().doesNotHaveDuplicates().hasSize(4);
    HttpResponse<String> tooMany =
        get("/api/v1/rows", Map.of("table", "fraud.features", "page_size", "100000"));
    assertThat(tooMany.statusCode()).isEqualTo(400);
  }

  @Test
  void impactCountsDerivedRecordsByTable() throws Exception {
    JsonNode one = json("/api/v1/impact", Map.of("table", "fraud.features", "id", features.get(1)));
    assertThat(one.get("derivedCount").asLong()).isEqualTo(1);
    assertThat(one.get("derived").get(0).get("table").asText()).isEqualTo("fraud.predictions");
    assertThat(one.get("derived").get(0).get("recordIds").get(0).asText()).isEqualTo(prediction);
    JsonNode model = json("/api/v1/impact", Map.of("model", "fraud", "version", "v3"));
    assertThat(model.get("seedCount").asLong()).isEqualTo(1);
    HttpResponse<String> nothing = get("/api/v1/impact", Map.of());
    assertThat(nothing.statusCode()).isEqualTo(400);
  }

  @Test
  void tablesSnapshotsAndRunsAreListed() throws Exception {
    JsonNode tables = json("/api/v1/tables", Map.of());
    List<String> names = new ArrayList<>();
    tables.get("tables").forEach(t -> names.add(t.get("name").asText()));
    assertThat(names).contains("fraud.features", "fraud.predictions").isSorted();
    JsonNode snapshots =
        json("/api/v1/snapshots", Map.of("table", "fraud.features", "page_size", "1"));
    assertThat(snapshots.get("snapshots")).hasSize(1);
    assertThat(snapshots.get("total").asInt()).isEqualTo(2);
    JsonNode older =
        json(
            "/api/v1/snapshots",
            Map.of(
                "table",
                "fraud.features",
                "page_size",
                "1",
                "page_token",
                snapshots.get("nextPageToken").asText()));
    assertThat(older.get("snapshots").get(0).get("snapshotId").asText())
        .isNotEqualTo(snapshots.get("snapshots").get(0).get("snapshotId").asText());
    assertThat(older.get("nextPageToken").isNull()).isTrue();
    JsonNode table =
        json(
            "/api/v1/table",
            Map.of(
                "table",
                "fraud.features",
                "version",
                older.get("snapshots").get(0).get("snapshotId").asText()));
    assertThat(table.get("columns").get(0).get("name").asText()).isEqualTo("entity");
    JsonNode run = json("/api/v1/run", Map.of("id", "scoring-run"));
    assertThat(run.get("status").asText()).isEqualTo("RUNNING");
    assertThat(run.get("timeline").get(1).get("table").asText()).isEqualTo("fraud.predictions");
    JsonNode runs = json("/api/v1/runs", Map.of("status", "running"));
    assertThat(runs.get("runs").get(0).get("runId").asText()).isEqualTo("scoring-run");
  }

  @Test
  void anExportedBundleDownloadsAndVerifiesThroughTheApi() throws Exception {
    HttpResponse<byte[]> bundle =
        http.send(
            HttpRequest.newBuilder(
                    uri("/api/v1/bundle", Map.of("table", "fraud.predictions", "id", prediction)))
                .header("Authorization", "Bearer " + console.key())
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(bundle.statusCode()).isEqualTo(200);
    assertThat(bundle.headers().firstValue("Content-Disposition").orElseThrow())
        .startsWith("attachment; filename=\"evidence-fraud.predictions-");
    JsonNode doc = JSON.readTree(bundle.body());
    assertThat(doc.get("evidence").get("exportedBy").asText()).isEqualTo("local");

    HttpResponse<String> report =
        http.send(
            HttpRequest.newBuilder(uri("/api/v1/verify", Map.of()))
                .header("Authorization", "Bearer " + console.key())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bundle.body()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(report.statusCode()).as(report.body()).isEqualTo(200);
    JsonNode r = JSON.readTree(report.body());
    assertThat(r.get("matches").asBoolean()).isTrue();
    assertThat(r.get("rowsChecked").asInt()).isEqualTo(4);

    HttpResponse<String> html =
        get(
            "/api/v1/bundle",
            Map.of("table", "fraud.predictions", "id", prediction, "format", "html"));
    assertThat(html.headers().firstValue("Content-Security-Policy").orElseThrow())
        .startsWith("default-src 'none'; style-src 'sha256-");
    assertThat(html.body()).contains("&lt;script&gt;").doesNotContain("<script");
  }

  @Test
  void theConsoleRefusesToBindAnAddressOtherThanLoopback() {
    assertThatThrownBy(
            () ->
                ConsoleServer.builder(lake, lineage, sql)
                    .address(new InetSocketAddress("0.0.0.0", 0))
                    .start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "The console binds only loopback addresses without access control; 0.0.0.0 is"
                + " not (turn access control on, or allow it explicitly to bind anyway,"
                + " insecurely)");
  }

  @Test
  void withTheServersAuthenticatorTheServerTokenSignsInAndTheCookieHoldsASession(
      @TempDir Path tokens) throws Exception {
    Path file = tokens.resolve(".tracelake").resolve(LocalCredential.FILE_NAME);
    try (ConsoleServer shared =
        ConsoleServer.builder(lake, lineage, sql)
            .address(new InetSocketAddress("127.0.0.1", 0))
            .authenticator(LocalCredential.fromFile(file))
            .start()) {
      String token = Files.readString(file).strip();
      URI base = URI.create("http://127.0.0.1:" + shared.port());
      assertThat(shared.signInUri()).isEqualTo(shared.uri());
      assertThatThrownBy(shared::key).isInstanceOf(IllegalStateException.class);

      HttpResponse<String> bearer =
          http.send(
              HttpRequest.newBuilder(base.resolve("/api/v1/tables"))
                  .header("Authorization", "Bearer " + token)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(bearer.statusCode()).isEqualTo(200);

      HttpResponse<String> wrong =
          http.send(
              HttpRequest.newBuilder(base.resolve("/api/v1/signin"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"token\": \"tl_not-the-token\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();

      HttpResponse<String> crossSite =
          http.send(
              HttpRequest.newBuilder(base.resolve("/api/v1/signin"))
                  .header("Content-Type", "application/json")
                  .header("Origin", "http://evil.example")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"token\": " + JSON.writeValueAsString(token) + "}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(crossSite.statusCode()).isEqualTo(403);

      HttpResponse<String> form =
          http.send(
              HttpRequest.newBuilder(base.resolve("/api/v1/signin"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"token\": " + JSON.writeValueAsString(token) + "}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(form.statusCode()).as(form.body()).isEqualTo(200);
      assertThat(JSON.readTree(form.body()).get("principal").asText()).isEqualTo("local");
      String cookie = form.headers().firstValue("Set-Cookie").orElseThrow();
      assertThat(cookie).doesNotContain(token).containsIgnoringCase("HttpOnly");
      String session = cookie.substring(ConsoleAuth.COOKIE.length() + 1, cookie.indexOf(';'));
      HttpResponse<String> withSession =
          http.send(
              HttpRequest.newBuilder(base.resolve("/api/v1/session"))
                  .header("Cookie", ConsoleAuth.COOKIE + "=" + session)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(JSON.readTree(withSession.body()).get("principal").asText()).isEqualTo("local");

      // the console's own sessions are not valid at another console
      HttpResponse<String> elsewhere =
          http.send(
              HttpRequest.newBuilder(uri("/api/v1/session", Map.of()))
                  .header("Cookie", ConsoleAuth.COOKIE + "=" + session)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(elsewhere.statusCode()).isEqualTo(401);
    }
  }

  @Test
  void aTableThePrincipalMayNotReadIsRefusedLeftOutAndItsValuesWithheld() throws Exception {
    try (ConsoleServer restricted =
        ConsoleServer.builder(lake, lineage, sql)
            .address(new InetSocketAddress("127.0.0.1", 0))
            .tableAccess((principal, table) -> !table.toString().equals("fraud.features"))
            .start()) {
      URI base = URI.create("http://127.0.0.1:" + restricted.port());
      java.util.function.Function<String, HttpResponse<String>> get =
          path -> {
            try {
              return http.send(
                  HttpRequest.newBuilder(base.resolve(path))
                      .header("Authorization", "Bearer " + restricted.key())
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
              throw new AssertionError(e);
            }
          };

      // held nothing on: the same answer as a missing table (HttpAuthMatrixTest has a table seen
      // through a lineage grant but not readable: 403 naming it)
      HttpResponse<String> table = get.apply("/api/v1/table?table=fraud.features");
      assertThat(table.statusCode()).isEqualTo(404);
      assertThat(error(table)).isEqualTo("Table fraud.features does not exist");
      assertThat(get.apply("/api/v1/rows?table=fraud.features").statusCode()).isEqualTo(404);
      assertThat(
              JSON.readTree(get.apply("/api/v1/tables").body())
                  .get("tables")
                  .findValuesAsText("name"))
          .contains("fraud.predictions")
          .doesNotContain("fraud.features");

      HttpResponse<String> explained =
          get.apply(
              "/api/v1/explain?table=fraud.predictions&id="
                  + URLEncoder.encode(prediction, StandardCharsets.UTF_8));
      assertThat(explained.statusCode()).as(explained.body()).isEqualTo(200);
      JsonNode nodes = JSON.readTree(explained.body()).get("nodes");
      assertThat(nodes.get(0).get("state").asText()).isEqualTo("PRESENT");
      int withheld = 0;
      for (int i = 1; i < nodes.size(); i++) {
        JsonNode n = nodes.get(i);
        assertThat(n.get("table").asText()).isEqualTo("fraud.features");
        assertThat(n.get("state").asText()).isNotEqualTo("PRESENT");
        assertThat(n.get("values")).isEmpty();
        withheld += n.get("state").asText().equals("WITHHELD") ? 1 : 0;
      }
      assertThat(withheld).isGreaterThanOrEqualTo(features.size());
    }
  }

  @Test
  void theReplayPageListsReplaysComparesOneAndHidesTablesThePrincipalMayNotRead() throws Exception {
    try (Replays replays = Replays.open(lake)) {
      replays.create(
          ReplaySpec.builder(
                  "console-r1",
                  ReplaySlice.of(TableName.parse("fraud.predictions")).withModel("fraud", "v3"))
              .candidate(Candidate.of("fraud", "v4", "c0ffee4"))
              .build());
      try (ConsoleServer withReplays =
              ConsoleServer.builder(lake, lineage, sql)
                  .address(new InetSocketAddress("127.0.0.1", 0))
                  .extension(new ReplayConsoleExtension(replays))
                  .start();
          ConsoleServer restricted =
              ConsoleServer.builder(lake, lineage, sql)
                  .address(new InetSocketAddress("127.0.0.1", 0))
                  .extension(new ReplayConsoleExtension(replays))
                  .tableAccess((principal, table) -> !table.toString().equals("fraud.predictions"))
                  .start()) {
        java.util.function.BiFunction<ConsoleServer, String, HttpResponse<String>> get =
            (server, pathAndQuery) -> {
              try {
                return http.send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + pathAndQuery))
                        .header("Authorization", "Bearer " + server.key())
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
              } catch (Exception e) {
                throw new AssertionError(e);
              }
            };

        JsonNode session = JSON.readTree(get.apply(withReplays, "/api/v1/session").body());
        assertThat(session.get("extensions").findValuesAsText("name")).containsExactly("replay");
        HttpResponse<String> listed = get.apply(withReplays, "/api/v1/ext/replay");
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        JsonNode line = JSON.readTree(listed.body()).get("replays").get(0);
        assertThat(line.get("replayId").asText()).isEqualTo("console-r1");
        assertThat(line.get("table").asText()).isEqualTo("fraud.predictions");
        assertThat(line.get("candidateVersion").asText()).isEqualTo("v4");
        assertThat(line.get("cases").asLong()).isEqualTo(1);

        // nothing run yet: the one v3 prediction is only in production, and named
        HttpResponse<String> compared = get.apply(withReplays, "/api/v1/ext/replay?id=console-r1");
        assertThat(compared.statusCode()).as(compared.body()).isEqualTo(200);
        JsonNode view = JSON.readTree(compared.body());
        assertThat(view.get("counts").get("productionOutputs").asLong()).isEqualTo(1);
        assertThat(view.get("counts").get("candidateOutputs").asLong()).isZero();
        assertThat(view.get("counts").get("onlyProduction").asLong()).isEqualTo(1);
        assertThat(view.get("onlyProductionExamples").get(0).asText()).isEqualTo(prediction);
        assertThat(view.get("branch").asText()).isEqualTo("replay/console-r1");

        HttpResponse<String> unknown = get.apply(withReplays, "/api/v1/ext/replay?id=nope");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(error(unknown)).isEqualTo("No replay you may read has the id 'nope'");
        for (String hostile :
            List.of("x".repeat(5_000), "a\u0000b", "<script>alert(1)</script>", "名前\u202e")) {
          HttpResponse<String> bad =
              get.apply(
                  withReplays,
                  "/api/v1/ext/replay?id=" + URLEncoder.encode(hostile, StandardCharsets.UTF_8));
          assertThat(bad.statusCode()).as("id of %d chars", hostile.length()).isEqualTo(400);
          assertThat(bad.body().length()).as("id of %d chars", hostile.length()).isLessThan(2_000);
        }
        // an address too long for the server is refused before anything reads it
        assertThat(
                get.apply(withReplays, "/api/v1/ext/replay?id=" + "x".repeat(100_000)).statusCode())
            .isEqualTo(414);
        HttpResponse<String> badGroup =
            get.apply(withReplays, "/api/v1/ext/replay?id=console-r1&group_by=%00");
        assertThat(badGroup.statusCode()).isEqualTo(400);

        // a replay of a table the principal may not read is neither listed nor shown
        assertThat(JSON.readTree(get.apply(restricted, "/api/v1/ext/replay").body()).get("replays"))
            .isEmpty();
        HttpResponse<String> hidden = get.apply(restricted, "/api/v1/ext/replay?id=console-r1");
        assertThat(hidden.statusCode()).isEqualTo(400);
        assertThat(error(hidden)).isEqualTo("No replay you may read has the id 'console-r1'");
      }
    }
  }
}
