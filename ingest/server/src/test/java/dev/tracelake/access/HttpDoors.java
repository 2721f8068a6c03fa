package dev.tracelake.access;

import dev.tracelake.console.ConsoleServer;
import dev.tracelake.icebergrest.RestCatalogConfig;
import dev.tracelake.icebergrest.RestCatalogServer;
import dev.tracelake.lineage.OpenLineageServer;
import java.net.InetSocketAddress;

/**
 * The HTTP doors of a {@link AuthServerFixture} server, as {@code serve} wires them under access
 * control: the Iceberg REST catalog, the console and the OpenLineage endpoint, each on a free
 * loopback port, checking the fixture's grants and recording in its audit log.
 */
record HttpDoors(RestCatalogServer rest, ConsoleServer console, OpenLineageServer openLineage)
    implements AutoCloseable {

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

  @Override
  public void close() {
    openLineage.close();
    console.close();
    rest.close();
  }
}
