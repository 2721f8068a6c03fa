package dev.tracelake.icebergrest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracelake.access.Principal;
import dev.tracelake.access.TableAccess;
import dev.tracelake.lake.TableName;
import dev.tracelake.query.TableGate;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.ForbiddenException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.NotAuthorizedException;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/** Iceberg's own REST client (iceberg-core's RESTCatalog) against the catalog. */
class RestCatalogTest extends RestTestBase {

  @Override
  TableAccess access() {
    // a stand-in for grants: nobody reads namespaces "secret" and "hidden"; "secret" is seen (as
    // with a lineage grant), "hidden" is not (nothing held on it)
    return new TableAccess() {
      @Override
      public boolean canRead(Principal principal, TableName table) {
        return !table.namespace().equals("secret") && !table.namespace().equals("hidden");
      }

      @Override
      public TableGate gate(Principal principal) {
        return new TableGate() {
          @Override
          public boolean sees(TableName table) {
            return !table.namespace().equals("hidden");
          }

          @Override
          public boolean mayRead(TableName table) {
            return canRead(principal, table);
          }

          @Override
          public String asker() {
            return principal.name();
          }
        };
      }
    };
  }

  private RESTCatalog client(Map<String, String> auth) {
    RESTCatalog catalog = new RESTCatalog();
    Map<String, String> props = new java.util.HashMap<>(auth);
    props.put("uri", uri());
    catalog.initialize("tracelake", props);
    return catalog;
  }

  @Test
  void loadTableHasEverySnapshotAndRef() throws Exception {
    try (RESTCatalog catalog = client(Map.of("token", TOKEN))) {
      assertThat(catalog.listNamespaces())
          .containsExactlyInAnyOrder(Namespace.of("default"), Namespace.of("secret"));
      assertThat(catalog.listTables(Namespace.of("default")))
          .containsExactly(TableIdentifier.of("default", "events"));
      Table table = catalog.loadTable(TableIdentifier.of("default", "events"));
      List<Long> snapshots =
          java.util.stream.StreamSupport.stream(table.snapshots().spliterator(), false)
              .map(Snapshot::snapshotId)
              .toList();
      assertThat(snapshots)
          .containsExactly(first.snapshotId(), second.snapshotId(), third.snapshotId());
      Map<String, Long> refs =
          table.refs().entrySet().stream()
              .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().snapshotId()));
      assertThat(refs)
          .containsEntry("main", third.snapshotId())
          .containsEntry("v1", first.snapshotId())
          .containsEntry("audit", second.snapshotId());
      assertThat(table.refs().get("v1").isTag()).isTrue();
      assertThat(table.currentSnapshot().summary()).containsEntry("total-records", "9");
      assertThat(table.schema().findField("_record_id")).isNotNull();
    }
  }

  @Test
  void writesAreRefusedWithTheReason() throws Exception {
    try (RESTCatalog catalog = client(Map.of("token", TOKEN))) {
      Schema schema = new Schema(Types.NestedField.required(1, "id", Types.LongType.get()));
      assertThatThrownBy(() -> catalog.createTable(TableIdentifier.of("default", "x"), schema))
          .isInstanceOf(ForbiddenException.class)
          .hasMessageContaining("read-only")
          .hasMessageContaining("ingest API");
      assertThatThrownBy(() -> catalog.dropTable(TableIdentifier.of("default", "events")))
          .isInstanceOf(ForbiddenException.class);
      assertThatThrownBy(
              () ->
                  catalog.renameTable(
                      TableIdentifier.of("default", "events"), TableIdentifier.of("default", "y")))
          .isInstanceOf(ForbiddenException.class);
      assertThatThrownBy(() -> catalog.createNamespace(Namespace.of("fresh")))
          .isInstanceOf(ForbiddenException.class);
      Table table = catalog.loadTable(TableIdentifier.of("default", "events"));
      assertThatThrownBy(() -> table.manageSnapshots().removeTag("v1").commit())
          .isInstanceOf(ForbiddenException.class);
    }
    assertThat(events.refs()).extracting(r -> r.name()).contains("v1");
    assertThat(lake.tables()).hasSize(2);
  }

  @Test
  void oauth2ClientCredentialsAreExchangedForAnAccessToken() throws Exception {
    try (RESTCatalog catalog =
        client(
            Map.of(
                "credential", "spark:" + TOKEN, "oauth2-server-uri", uri() + "/v1/oauth/tokens"))) {
      assertThat(catalog.tableExists(TableIdentifier.of("default", "events"))).isTrue();
    }
    assertThatThrownBy(
            () ->
                client(
                    Map.of(
                        "credential",
                        "spark:tl_wrong-0123456789abcdef",
                        "oauth2-server-uri",
                        uri() + "/v1/oauth/tokens")))
        .isInstanceOf(NotAuthorizedException.class)
        .hasMessageContaining("invalid_client")
        .hasMessageContaining("Invalid client credentials for 'spark'");
  }

  @Test
  void requestsWithoutAValidTokenGet401() throws Exception {
    HttpResponse<String> none = call("GET", "/v1/config", null);
    HttpResponse<String> wrong =
        call("GET", "/v1/namespaces", null, "Authorization", "Bearer tl_wrong-0123456789abcdef");
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate"))
        .hasValue("Bearer realm=\"tracelake\"");
    assertThat(none.body())
        .contains("\"type\":\"NotAuthorizedException\"")
        .contains("Bearer <token>");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).contains("Invalid or expired bearer token");
  }

  @Test
  void tablesWithoutReadAreNeitherListedNorLoaded() throws Exception {
    try (RESTCatalog catalog = client(Map.of("token", TOKEN))) {
      assertThat(catalog.listTables(Namespace.of("secret"))).isEmpty();
      assertThatThrownBy(() -> catalog.loadTable(TableIdentifier.of("secret", "salaries")))
          .isInstanceOf(ForbiddenException.class)
          .hasMessageContaining("may not read table secret.salaries");
      assertThatThrownBy(() -> catalog.loadTable(TableIdentifier.of("default", "nope")))
          .isInstanceOf(NoSuchTableException.class);
    }
  }

  @Test
  void aTableOneHoldsNothingOnAnswersExactlyAsAMissingOne() throws Exception {
    lake.createTable(TableName.parse("hidden.things"), EVENTS);
    HttpResponse<String> hidden = authed("GET", "/v1/namespaces/hidden/tables/things", null);
    HttpResponse<String> missing = authed("GET", "/v1/namespaces/hidden/tables/nothing", null);
    assertThat(hidden.statusCode()).isEqualTo(404).isEqualTo(missing.statusCode());
    assertThat(hidden.body())
        .isEqualTo(missing.body().replace("hidden.nothing", "hidden.things"))
        .contains("NoSuchTableException");
    try (RESTCatalog catalog = client(Map.of("token", TOKEN))) {
      assertThatThrownBy(() -> catalog.loadTable(TableIdentifier.of("hidden", "things")))
          .isInstanceOf(NoSuchTableException.class)
          .hasMessageContaining("Table does not exist: hidden.things");
    }
  }

  @Test
  void unchangedTableAnswers304AndRefsModeOmitsUnreferencedSnapshots() throws Exception {
    HttpResponse<String> full = authed("GET", "/v1/namespaces/default/tables/events", null);
    String etag = full.headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> again =
        call(
            "GET",
            "/v1/namespaces/default/tables/events",
            null,
            "Authorization",
            "Bearer " + TOKEN,
            "If-None-Match",
            etag);
    append(9, 1);
    HttpResponse<String> changed =
        call(
            "GET",
            "/v1/namespaces/default/tables/events",
            null,
            "Authorization",
            "Bearer " + TOKEN,
            "If-None-Match",
            etag);
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(changed.statusCode()).isEqualTo(200);

    try (RESTCatalog catalog = client(Map.of("token", TOKEN, "snapshot-loading-mode", "refs"))) {
      Table table = catalog.loadTable(TableIdentifier.of("default", "events"));
      // refs mode loads the referenced snapshots first; the rest come when asked for
      assertThat(table.refs().keySet()).containsExactlyInAnyOrder("main", "v1", "audit");
      SnapshotRef v1 = table.refs().get("v1");
      assertThat(table.snapshot(v1.snapshotId())).isNotNull();
    }
  }

  @Test
  void hostileRequestsGetClearErrors() throws Exception {
    String twoMegabytes = "x".repeat(2 << 20);
    // A client that announces its body (Expect: 100-continue, as curl does past 1 MB) is told 413,
    // in Iceberg's error JSON, before it sends a byte of it.
    String announced = announceBody("/v1/namespaces/default/tables", 2 << 20);
    // A client that sends blindly is answered 413 and the connection closed; the close can reset
    // the socket before the client reads the answer (TCP discards it), so either outcome is fine,
    // as long as it is not a hang and nothing else.
    try {
      HttpResponse<String> blind =
          http.send(
              HttpRequest.newBuilder(URI.create(uri() + "/v1/namespaces/default/tables"))
                  .version(HttpClient.Version.HTTP_1_1)
                  .timeout(Duration.ofSeconds(30))
                  .header("Authorization", "Bearer " + TOKEN)
                  .POST(HttpRequest.BodyPublishers.ofString(twoMegabytes))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(blind.statusCode()).isEqualTo(413);
    } catch (IOException closedMidSend) {
      assertThat(closedMidSend).isNotInstanceOf(HttpTimeoutException.class);
    }
    HttpResponse<String> traversal =
        authed("GET", "/v1/namespaces/..%2F..%2Fetc/tables/passwd", null);
    HttpResponse<String> control = authed("GET", "/v1/namespaces/default/tables/%00%01", null);
    HttpResponse<String> unknown = authed("GET", "/v2/anything", null);
    HttpResponse<String> method = authed("PUT", "/v1/namespaces/default/tables/events", "{}");
    HttpResponse<String> badMode =
        authed("GET", "/v1/namespaces/default/tables/events?snapshots=some", null);

    assertThat(announced).startsWith("HTTP/1.1 413 ");
    assertThat(announced).containsIgnoringCase("Content-Type: application/json");
    JsonNode error =
        new ObjectMapper().readTree(announced.substring(announced.indexOf("\r\n\r\n")));
    assertThat(error.path("error").path("code").asInt()).isEqualTo(413);
    assertThat(error.path("error").path("message").asText()).contains("2097152", "1048576");
    assertThat(traversal.statusCode()).isIn(400, 404);
    assertThat(control.statusCode()).isIn(400, 404);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("No such endpoint: GET /v2/anything");
    assertThat(method.statusCode()).isEqualTo(405);
    assertThat(method.headers().firstValue("Allow")).hasValue("GET, HEAD");
    assertThat(badMode.statusCode()).isEqualTo(400);
    assertThat(badMode.body()).contains("Invalid snapshots mode 'some'");
    // errors Jetty raises before the catalog runs still answer in Iceberg's error JSON
    String badUri =
        raw("GET /v1/namespaces/%zz/tables HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    String hugeHeader =
        raw(
            "GET /v1/config HTTP/1.1\r\nHost: x\r\nX-Pad: "
                + "p".repeat(64 * 1024)
                + "\r\nConnection: close\r\n\r\n");
    assertThat(badUri).startsWith("HTTP/1.1 400 ");
    assertThat(errorOf(badUri).path("error").path("code").asInt()).isEqualTo(400);
    assertThat(hugeHeader).startsWith("HTTP/1.1 431 ");
    assertThat(errorOf(hugeHeader).path("error").path("code").asInt()).isEqualTo(431);
    // still serving
    assertThat(authed("GET", "/v1/namespaces/default/tables/events", null).statusCode())
        .isEqualTo(200);
  }

  /**
   * Sends only the head of a POST that announces {@code length} body bytes and waits for the
   * server's final answer, as a client using {@code Expect: 100-continue} does; returns the answer.
   */
  private String announceBody(String path, int length) throws IOException {
    return raw(
        "POST "
            + path
            + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
            + TOKEN
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + length
            + "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n");
  }

  /**
   * Writes {@code head} as is on a fresh connection and reads the answer until the server closes.
   */
  private String raw(String head) throws IOException {
    try (Socket socket = new Socket(rest.baseUri().getHost(), rest.baseUri().getPort())) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static JsonNode errorOf(String answer) throws IOException {
    return new ObjectMapper().readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
  }
}
