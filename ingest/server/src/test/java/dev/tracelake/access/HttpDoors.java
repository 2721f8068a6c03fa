package dev.tracelake.access;

import dev.tracelake.console.ConsoleServer;
import dev.tracelake.icebergrest.RestCatalogConfig;
import dev.tracelake.icebergrest.RestCatalogServer;
import dev.tracelake.lineage.OpenLineageServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The HTTP doors of a {@link AuthServerFixture} server, as {@code serve} wires them under access
 * control: the Iceberg REST catalog, the console and the OpenLineage endpoint, each on a free
 * loopback port, checking the fixture's grants and recording in its audit log.
 */
record HttpDoors(RestCatalogServer rest, ConsoleServer console, OpenLineageServer openLineage)
    implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  static HttpDoors start(AuthServerFixture fx) {
    ServerAccess access = new ServerAccess(fx.control, fx.audit);
    TableAccess doors = access.doorAccess();
    RestCatalogServer rest =
        RestCatalogServer.start(
            RestCatalogConfig.defaults().withPort(0), fx.lake, fx.control, doors);
    ConsoleServer console =
        ConsoleServer.builder(fx.lake, fx.server.lineage(), fx.server.sqlEngine())
            .address(new InetSocketAddress("127.0.0.1", 0))
            .authenticator(fx.control)
            .tableAccess(doors)
            .start();
    OpenLineageServer openLineage =
        OpenLineageServer.start(
            fx.server.lineage().openLineageHandler(),
            new InetSocketAddress("127.0.0.1", 0),
            access.openLineageGate());
    return new HttpDoors(rest, console, openLineage);
  }

  String restBase() {
    return rest.baseUri().toString().replaceAll("/$", "");
  }

  String consoleBase() {
    return "http://127.0.0.1:" + console.port();
  }

  String openLineageBase() {
    return openLineage.baseUri().toString().replaceAll("/$", "");
  }

  /** GETs {@code path} of the REST catalog with a bearer token. */
  HttpResponse<String> restGet(String path, String token) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(restBase() + path)).GET(), token);
  }

  /** GETs {@code pathAndQuery} of the console API with a bearer token. */
  HttpResponse<String> consoleGet(String pathAndQuery, String token) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(consoleBase() + pathAndQuery)).GET(), token);
  }

  /** POSTs an OpenLineage event with a bearer token. */
  HttpResponse<String> openLineagePost(String body, String token) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(openLineageBase() + "/api/v1/lineage"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)),
        token);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request, String token)
      throws Exception {
    return HTTP.send(
        request.header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    openLineage.close();
    console.close();
    rest.close();
  }
}
