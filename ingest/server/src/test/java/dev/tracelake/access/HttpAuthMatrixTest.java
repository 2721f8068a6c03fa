package dev.tracelake.access;

import static dev.tracelake.access.AuthServerFixture.FEATURES;
import static dev.tracelake.access.AuthServerFixture.SALARIES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.lake.TableName;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every HTTP endpoint of the doors beside gRPC (the Iceberg REST catalog, the console's API, the
 * OpenLineage endpoint) x {no token, another scheme, unknown, empty, expired, revoked, hostile
 * headers, each role, the right and the wrong table}: the exact status of every refusal, and that
 * nothing changed. What each principal holds is {@link AuthMatrixTest#HOLDS}, stated independently
 * of the code under test. (The metrics endpoint is unauthenticated by design, on its own port.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpAuthMatrixTest {
  AuthServerFixture fx;
  HttpDoors doors;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

  enum Door {
    REST,
    CONSOLE,
    OPENLINEAGE
  }

  /** What an endpoint needs. */
  enum Need {
    /** only a valid token */
    AUTHENTICATED,
    /** any privilege on the table's namespace or inside it; else 404 as a missing namespace */
    SEE_NAMESPACE,
    /** read on the table; 403 when the table is seen, 404 (as missing) when it is not */
    READ,
    /** write on some table (sending lineage events) */
    WRITE_ANY,
    /** a write through a read-only door: 403 for everyone */
    REFUSED
  }

  record Case(
      String name,
      Door door,
      String method,
      Function<TableName, String> path,
      String body,
      Need need) {}

  static final String EVENT =
      """
      {"eventType": "COMPLETE", "eventTime": "2026-12-01T11:00:00Z",
       "run": {"runId": "0190a6f2-6c1b-7d7e-9a61-5d4f3c2b1a01"},
       "job": {"namespace": "airflow", "name": "etl.matrix"}, "inputs": [], "outputs": [],
       "producer": "https://github.com/apache/airflow",
       "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"}
      """;

  List<Case> cases() {
    Function<TableName, String> ns = t -> "/v1/namespaces/" + t.namespace();
    Function<TableName, String> table = t -> ns.apply(t) + "/tables/" + t.name();
    Function<TableName, String> q = t -> "table=" + enc(t.toString());
    List<Case> c = new ArrayList<>();
    c.add(new Case("REST config", Door.REST, "GET", t -> "/v1/config", null, Need.AUTHENTICATED));
    c.add(
        new Case(
            "REST list namespaces",
            Door.REST,
            "GET",
            t -> "/v1/namespaces",
            null,
            Need.AUTHENTICATED));
    c.add(
        new Case(
            "REST create namespace", Door.REST, "POST", t -> "/v1/namespaces", "{}", Need.REFUSED));
    c.add(new Case("REST load namespace", Door.REST, "GET", ns, null, Need.SEE_NAMESPACE));
    c.add(new Case("REST namespace exists", Door.REST, "HEAD", ns, null, Need.SEE_NAMESPACE));
    c.add(new Case("REST drop namespace", Door.REST, "DELETE", ns, null, Need.REFUSED));
    c.add(
        new Case(
            "REST list tables",
            Door.REST,
            "GET",
            t -> ns.apply(t) + "/tables",
            null,
            Need.SEE_NAMESPACE));
    c.add(
        new Case(
            "REST list views",
            Door.REST,
            "GET",
            t -> ns.apply(t) + "/views",
            null,
            Need.SEE_NAMESPACE));
    c.add(
        new Case(
            "REST create table",
            Door.REST,
            "POST",
            t -> ns.apply(t) + "/tables",
            "{}",
            Need.REFUSED));
    c.add(new Case("REST load table", Door.REST, "GET", table, null, Need.READ));
    c.add(new Case("REST table exists", Door.REST, "HEAD", table, null, Need.READ));
    c.add(
        new Case(
            "REST credentials",
            Door.REST,
            "GET",
            t -> table.apply(t) + "/credentials",
            null,
            Need.READ));
    c.add(new Case("REST commit", Door.REST, "POST", table, "{}", Need.REFUSED));
    c.add(new Case("REST drop table", Door.REST, "DELETE", table, null, Need.REFUSED));
    c.add(
        new Case(
            "REST scan report",
            Door.REST,
            "POST",
            t -> table.apply(t) + "/metrics",
            "{}",
            Need.AUTHENTICATED));
    c.add(
        new Case(
            "console session",
            Door.CONSOLE,
            "GET",
            t -> "/api/v1/session",
            null,
            Need.AUTHENTICATED));
    c.add(
        new Case(
            "console tables",
            Door.CONSOLE,
            "GET",
            t -> "/api/v1/tables",
            null,
            Need.AUTHENTICATED));
    c.add(
        new Case(
            "console table",
            Door.CONSOLE,
            "GET",
            t -> "/api/v1/table?" + q.apply(t),
            null,
            Need.READ));
    c.add(
        new Case(
            "console snapshots",
            Door.CONSOLE,
            "GET",
            t -> "/api/v1/snapshots?" + q.apply(t),
            null,
            Need.READ));
    c.add(
        new Case(
            "console rows",
            Door.CONSOLE,
            "GET",
            t -> "/api/v1/rows?" + q.apply(t),
            null,
            Need.READ));
    c.add(
        new Case(
            "console explain",
            Door.CONSOLE,
            "GET",
            t -> "/api/v1/explain?" + q.apply(t) + "&id=" + enc(fx.predictionRecord),
            null,
            Need.READ));
    c.add(
        new Case(
            "console row",
            Door.CONSOLE,
            "GET",
            t -> "/api/v1/row?" + q.apply(t) + "&id=" + enc(fx.predictionRecord),
            null,
            Need.READ));
    c.add(
        new Case(
            "console bundle",
            Door.CONSOLE,
            "GET",
            t -> "/api/v1/bundle?" + q.apply(t) + "&id=" + enc(fx.predictionRecord),
            null,
            Need.READ));
    c.add(
        new Case(
            "console locate",
            Door.CONSOLE,
            "GET",
            t -> "/api/v1/locate?id=" + enc(fx.predictionRecord),
            null,
            Need.AUTHENTICATED));
    c.add(
        new Case(
            "console impact",
            Door.CONSOLE,
            "GET",
            t -> "/api/v1/impact?" + q.apply(t) + "&id=" + enc(fx.predictionRecord),
            null,
            Need.READ));
    c.add(
        new Case(
            "console runs", Door.CONSOLE, "GET", t -> "/api/v1/runs", null, Need.AUTHENTICATED));
    c.add(
        new Case(
            "console run",
            Door.CONSOLE,
            "GET",
            t -> "/api/v1/run?id=nope",
            null,
            Need.AUTHENTICATED));
    c.add(
        new Case(
            "OpenLineage event",
            Door.OPENLINEAGE,
            "POST",
            t -> "/api/v1/lineage",
            EVENT,
            Need.WRITE_ANY));
    return c;
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @BeforeAll
  void start(@TempDir Path warehouse) {
    fx = new AuthServerFixture(warehouse);
    fx.expire();
    doors = HttpDoors.start(fx);
  }

  @AfterAll
  void stop() throws InterruptedException {
    doors.close();
    fx.close();
  }

  HttpResponse<String> call(Case c, TableName table, String authorization) {
    String base =
        switch (c.door()) {
          case REST -> doors.restBase();
          case CONSOLE -> doors.consoleBase();
          case OPENLINEAGE -> doors.openLineageBase();
        };
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + c.path().apply(table)))
            .timeout(Duration.ofSeconds(60))
            .method(
                c.method(),
                c.body() == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(c.body()));
    if (c.body() != null) {
      b.header("Content-Type", "application/json");
    }
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(c.name() + ": " + e, e);
    }
  }

  @TestFactory
  Stream<DynamicTest> withoutAValidTokenEveryEndpointIs401AndChangesNothing() {
    Map<String, String> credentials = new LinkedHashMap<>();
    credentials.put("no token", null);
    credentials.put("not a bearer header", "Basic " + AuthServerFixture.ADMIN_TOKEN);
    credentials.put("unknown token", "Bearer tlk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    credentials.put("empty bearer", "Bearer ");
    credentials.put("expired token", "Bearer " + fx.expiredToken);
    credentials.put("revoked token", "Bearer " + fx.revokedToken);
    // hostile: a 4 KB token, a JWT-shaped one with no issuer configured, another encoding, a
    // token glued to the scheme, the admin token with a byte flipped
    credentials.put("4 KB token", "Bearer tlk_" + "A".repeat(4096));
    credentials.put("JWT-shaped token", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJsb2NhbCJ9.");
    credentials.put("non-ASCII token", "Bearer t\u00f6k\u00e9n-\u00fc");
    credentials.put("no space after scheme", "Bearer" + AuthServerFixture.ADMIN_TOKEN);
    String admin = AuthServerFixture.ADMIN_TOKEN;
    credentials.put(
        "admin token, last byte changed",
        "Bearer " + admin.substring(0, admin.length() - 1) + (admin.endsWith("9") ? "8" : "9"));
    List<DynamicTest> tests = new ArrayList<>();
    for (Case c : cases()) {
      for (Map.Entry<String, String> cred : credentials.entrySet()) {
        tests.add(
            DynamicTest.dynamicTest(
                c.name() + " with " + cred.getKey(),
                () -> {
                  String before = fx.fingerprint();
                  HttpResponse<String> r = call(c, FEATURES, cred.getValue());
                  assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
                  // nothing about the lake in a refusal to someone unknown
                  assertThat(r.body()).doesNotContain("fraud", "features", "secret");
                  assertThat(fx.fingerprint()).isEqualTo(before);
                }));
      }
    }
    return tests.stream();
  }

  static boolean seesNamespace(String principal, String ns) {
    if (principal.equals("admin")) {
      return true;
    }
    Map<String, Set<String>> holds = AuthMatrixTest.HOLDS.get(principal);
    for (Map.Entry<String, Set<String>> e : holds.entrySet()) {
      boolean nonAudit = e.getValue().stream().anyMatch(p -> !p.equals("audit"));
      if (nonAudit && (e.getKey().equals("*") || e.getKey().equals(ns))) {
        return true;
      }
      if (e.getValue().contains("audit") && ns.equals("tracelake")) {
        return true;
      }
    }
    return false;
  }

  /** The status a refusal must have, or 0 when the call is allowed. */
  static int refusal(String principal, Need need, TableName t) {
    return switch (need) {
      case AUTHENTICATED -> 0;
      case SEE_NAMESPACE -> seesNamespace(principal, t.namespace()) ? 0 : 404;
      case READ ->
          AuthMatrixTest.holds(principal, "read", t)
              ? 0
              : AuthMatrixTest.sees(principal, t) ? 403 : 404;
      case WRITE_ANY -> AuthMatrixTest.holdsAnywhere(principal, "write") ? 0 : 403;
      case REFUSED -> 403;
    };
  }

  @TestFactory
  Stream<DynamicTest> eachRoleGetsExactlyWhatItsGrantsAllowOnTheRightAndTheWrongTable() {
    List<DynamicTest> tests = new ArrayList<>();
    List<String> principals = new ArrayList<>(AuthMatrixTest.HOLDS.keySet());
    principals.add("admin");
    for (Case c : cases()) {
      for (String principal : principals) {
        for (TableName table : List.of(FEATURES, SALARIES)) {
          tests.add(
              DynamicTest.dynamicTest(
                  c.name() + " by " + principal + " on " + table,
                  () -> check(c, principal, table)));
        }
      }
    }
    return tests.stream();
  }

  void check(Case c, String principal, TableName table) {
    String before = fx.fingerprint();
    String token = "Bearer " + fx.tokens.get(principal);
    HttpResponse<String> r = call(c, table, token);
    int expected = refusal(principal, c.need(), table);
    String what = c.name() + " by " + principal + " on " + table + ": " + r.body();
    if (expected == 0) {
      assertThat(r.statusCode()).as(what).isNotIn(401, 403, 500).isLessThan(500);
      return;
    }
    assertThat(r.statusCode()).as(what).isEqualTo(expected);
    if (expected == 404) {
      // the same answer, word for word, as for a table (or namespace) that does not exist
      TableName missing =
          c.need() == Need.SEE_NAMESPACE
              ? new TableName("no_such_ns", table.name())
              : new TableName(table.namespace(), "no_such_table");
      HttpResponse<String> ofMissing = call(c, missing, token);
      assertThat(ofMissing.statusCode()).as(c.name()).isEqualTo(404);
      String shown =
          c.need() == Need.SEE_NAMESPACE
              ? ofMissing.body().replace("no_such_ns", table.namespace())
              : ofMissing.body().replace("no_such_table", table.name());
      assertThat(r.body()).as(what).isEqualTo(shown);
    } else if (c.need() == Need.READ && !c.method().equals("HEAD")) { // HEAD: no body
      assertThat(r.body()).as(what).contains(table.toString()).contains("read");
    }
    assertThat(fx.fingerprint()).as("nothing changed").isEqualTo(before);
  }
}
