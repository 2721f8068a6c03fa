package dev.tracelake.icebergrest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.access.Principal;
import dev.tracelake.access.TableAccess;
import dev.tracelake.lake.TableName;
import dev.tracelake.query.TableGate;
import java.net.http.HttpResponse;
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
    HttpResponse<String> big = authed("POST", "/v1/namespaces/default/tables", "x".repeat(2 << 20));
    HttpResponse<String> traversal =
        authed("GET", "/v1/namespaces/..%2F..%2Fetc/tables/passwd", null);
    HttpResponse<String> control = authed("GET", "/v1/namespaces/default/tables/%00%01", null);
    HttpResponse<String> unknown = authed("GET", "/v2/anything", null);
    HttpResponse<String> method = authed("PUT", "/v1/namespaces/default/tables/events", "{}");
    HttpResponse<String> badMode =
        authed("GET", "/v1/namespaces/default/tables/events?snapshots=some", null);

    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(traversal.statusCode()).isIn(400, 404);
    assertThat(control.statusCode()).isIn(400, 404);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("No such endpoint: GET /v2/anything");
    assertThat(method.statusCode()).isEqualTo(405);
    assertThat(method.headers().firstValue("Allow")).hasValue("GET, HEAD");
    assertThat(badMode.statusCode()).isEqualTo(400);
    assertThat(badMode.body()).contains("Invalid snapshots mode 'some'");
    // still serving
    assertThat(authed("GET", "/v1/namespaces/default/tables/events", null).statusCode())
        .isEqualTo(200);
  }
}
