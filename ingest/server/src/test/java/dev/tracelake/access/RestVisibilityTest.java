package dev.tracelake.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracelake.icebergrest.RestCatalogConfig;
import dev.tracelake.icebergrest.RestCatalogServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Iceberg REST catalog under real grants: a namespace or table the caller holds nothing on
 * answers exactly as a missing one (status and body), and listings leave it out; something seen but
 * not readable answers 403.
 */
class RestVisibilityTest {
  @TempDir Path warehouse;
  AuthServerFixture fx;
  RestCatalogServer rest;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    fx = new AuthServerFixture(warehouse);
    rest =
        RestCatalogServer.start(
            RestCatalogConfig.defaults().withPort(0),
            fx.lake,
            fx.control,
            new ServerAccess(fx.control, fx.audit).doorAccess());
  }

  @AfterEach
  void stop() throws InterruptedException {
    rest.close();
    fx.close();
  }

  @Test
  void namespaceListingsShowWhatTheCallerHoldsSomethingOn() throws Exception {
    assertThat(namespaces("reader")).containsExactly("fraud");
    assertThat(namespaces("lineage-only")).containsExactly("fraud");
    // audit shows the audit log's namespace and nothing else it does not hold
    assertThat(namespaces("auditor")).containsExactlyInAnyOrder("fraud", "tracelake");
    assertThat(namespaces("nobody")).isEmpty();
    // the server's own token sees everything that exists, which the others' lists are cut from
    assertThat(namespaces("admin")).contains("fraud", "secret", "tracelake");
    assertThat(namespaces("lake-admin")).contains("fraud", "secret", "tracelake");
  }

  @Test
  void aHiddenNamespaceAnswersExactlyAsAMissingOne() throws Exception {
    String reader = fx.tokens.get("reader");
    for (String suffix : List.of("", "/tables", "/views", "/functions", "/tables/salaries")) {
      HttpResponse<String> hidden = get("/v1/namespaces/secret" + suffix, reader);
      HttpResponse<String> missing = get("/v1/namespaces/nosuch" + suffix, reader);
      assertThat(hidden.statusCode()).as(suffix).isEqualTo(404).isEqualTo(missing.statusCode());
      assertThat(hidden.body())
          .as(suffix)
          .isEqualTo(missing.body().replace("nosuch", "secret"))
          .doesNotContain("may not");
    }
    // HEAD too
    assertThat(head("/v1/namespaces/secret", reader)).isEqualTo(404);
    assertThat(head("/v1/namespaces/fraud", reader)).isEqualTo(204);
    // visible: the namespace answers and lists the tables the reader may read
    HttpResponse<String> tables = get("/v1/namespaces/fraud/tables", reader);
    assertThat(tables.statusCode()).isEqualTo(200);
    assertThat(tables.body()).contains("features").contains("predictions");
  }

  @Test
  void grantsOnOneTableShowItsNamespaceButNotItsSiblings() throws Exception {
    fx.store.grant("salary-reader", Privilege.READ, Scope.parse("secret.salaries"));
    fx.store.assign("salary-reader", "nobody");
    fx.control.changed();
    assertThat(namespaces("nobody")).containsExactly("secret");
    assertThat(get("/v1/namespaces/secret/tables/salaries", fx.tokens.get("nobody")).statusCode())
        .isEqualTo(200);
  }

  List<String> namespaces(String who) throws Exception {
    HttpResponse<String> r = get("/v1/namespaces", fx.tokens.get(who));
    assertThat(r.statusCode()).as(who).isEqualTo(200);
    List<String> names = new ArrayList<>();
    for (JsonNode n : AuthServerFixture.JSON.readTree(r.body()).get("namespaces")) {
      names.add(n.get(0).asText());
    }
    return names;
  }

  HttpResponse<String> get(String path, String token) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  int head(String path, String token) throws Exception {
    return http.send(
            HttpRequest.newBuilder(uri(path))
                .header("Authorization", "Bearer " + token)
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  URI uri(String path) {
    return URI.create(rest.baseUri().toString().replaceAll("/$", "") + path);
  }
}
