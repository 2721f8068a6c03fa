package dev.tracelake.cli;

import dev.tracelake.access.DoorBinding;
import dev.tracelake.access.LocalCredential;
import dev.tracelake.access.TableAccess;
import dev.tracelake.access.TlsKeystore;
import dev.tracelake.icebergrest.RestCatalogConfig;
import dev.tracelake.icebergrest.RestCatalogServer;
import dev.tracelake.ingest.TracelakeServer;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.pgwire.PgServer;
import dev.tracelake.pgwire.PgServerConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;

/**
 * The standard doors {@code serve} opens beside gRPC: SQL over the PostgreSQL protocol and the
 * Iceberg REST catalog. Under access control both take issued tokens and honour per-table grants;
 * without it ({@code --insecure-no-auth}) they take the server token, one {@link LocalCredential},
 * and listen on loopback only unless allowed explicitly.
 */
final class Doors implements AutoCloseable {
  private final PgServer pg;
  private final RestCatalogServer rest;
  private final Path tokenFile;

  private Doors(PgServer pg, RestCatalogServer rest, Path tokenFile) {
    this.pg = pg;
    this.rest = rest;
    this.tokenFile = tokenFile;
  }

  /** Settings of the doors, resolved by the serve command. */
  record Settings(
      String host,
      int pgPort,
      int pgMaxConnections,
      int restPort,
      Path tokenFile,
      String token,
      boolean allowRemote,
      Path pgTlsKeystore,
      char[] pgTlsKeystorePassword) {}

  /** Where the token file lives when none is given: beside the embedded catalog, or here. */
  static Path defaultTokenFile(LakeConfig lake) {
    return lake.isLocalWarehouse()
        ? lake.warehousePath().resolve(".tracelake").resolve(LocalCredential.FILE_NAME)
        : Path.of("tracelake-token");
  }

  /**
   * Opens the enabled doors; a port of -1 leaves a door closed.
   *
   * @param starter starts an optional endpoint the way serve starts the others (a busy default port
   *     only warns)
   */
  static Doors open(Settings s, TracelakeServer server, OptionalStarter starter) {
    return open(s, server, starter, null);
  }

  /**
   * Opens the enabled doors over {@code tls} when given: the REST catalog over HTTPS, the
   * PostgreSQL endpoint answering SSLRequest with it (unless a PKCS#12 keystore of its own is set).
   */
  static Doors open(
      Settings s,
      TracelakeServer server,
      OptionalStarter starter,
      dev.tracelake.tls.ServerTls serverTls) {
    if (s.pgPort() < 0 && s.restPort() < 0) {
      return new Doors(null, null, null);
    }
    checkBinding(s, server.access() != null);
    LocalCredential local =
        s.token() != null ? LocalCredential.of(s.token()) : LocalCredential.fromFile(s.tokenFile());
    // under access control both doors authenticate issued tokens too and honour per-table grants
    dev.tracelake.access.Authenticator credential =
        server.access() != null ? server.access().control() : local;
    TableAccess tableAccess =
        server.access() != null ? server.access().doorAccess() : TableAccess.ALL_AUTHENTICATED;
    SSLContext tls =
        s.pgTlsKeystore() != null
            ? TlsKeystore.context(s.pgTlsKeystore(), s.pgTlsKeystorePassword())
            : serverTls == null ? null : serverTls.sslContext();
    PgServer pg =
        starter.start(
            "PostgreSQL endpoint",
            s.pgPort(),
            "pg-port",
            () ->
                PgServer.start(
                    PgServerConfig.defaults()
                        .withHost(s.host())
                        .withPort(s.pgPort())
                        .withMaxConnections(s.pgMaxConnections())
                        .withTls(tls),
                    server.sqlEngine(),
                    server.lake(),
                    credential,
                    tableAccess));
    RestCatalogServer rest;
    try {
      rest =
          starter.start(
              "Iceberg REST catalog",
              s.restPort(),
              "rest-port",
              () ->
                  RestCatalogServer.start(
                      RestCatalogConfig.defaults().withHost(s.host()).withPort(s.restPort()),
                      server.lake(),
                      credential,
                      tableAccess,
                      serverTls));
    } catch (RuntimeException e) {
      if (pg != null) {
        pg.close();
      }
      throw e;
    }
    return new Doors(pg, rest, s.token() != null ? null : s.tokenFile());
  }

  /**
   * Checks, before anything listens, that the enabled doors may listen on the host: anywhere under
   * access control, on loopback only without it unless allowed explicitly.
   *
   * @throws IllegalArgumentException when the host is not loopback and remote doors are not allowed
   */
  static void checkBinding(Settings s, boolean accessControl) {
    boolean remote = s.allowRemote() || accessControl;
    if (s.pgPort() >= 0) {
      DoorBinding.check("PostgreSQL", s.host(), remote, "--doors-allow-remote");
    }
    if (s.restPort() >= 0) {
      DoorBinding.check("Iceberg REST", s.host(), remote, "--doors-allow-remote");
    }
  }

  /** Starts one optional endpoint; returns null when it is disabled or its default port is busy. */
  interface OptionalStarter {
    <T> T start(String what, int port, String key, java.util.function.Supplier<T> start);
  }

  /** One line for the startup banner, or empty when both doors are closed. */
  String describe() {
    StringBuilder sb = new StringBuilder();
    if (pg != null) {
      InetSocketAddress a = pg.address();
      sb.append("PostgreSQL on ").append(a.getHostString()).append(':').append(a.getPort());
    }
    if (rest != null) {
      sb.append(sb.isEmpty() ? "" : ", ").append("Iceberg REST catalog on ").append(rest.baseUri());
    }
    if (sb.isEmpty()) {
      return "";
    }
    sb.append(" (password / bearer token: ")
        .append(
            tokenFile != null ? "the token in " + tokenFile.toAbsolutePath() : "$TRACELAKE_TOKEN")
        .append(')');
    return sb.toString();
  }

  @Override
  public void close() {
    if (pg != null) {
      pg.close();
    }
    if (rest != null) {
      rest.close();
    }
  }
}
