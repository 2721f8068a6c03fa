package dev.tracelake.cli;

import dev.tracelake.access.AccessControl;
import dev.tracelake.access.AccessStore;
import dev.tracelake.access.AuditLog;
import dev.tracelake.access.CertificatePrincipals;
import dev.tracelake.access.LocalCredential;
import dev.tracelake.access.OidcSettings;
import dev.tracelake.access.OidcVerifier;
import dev.tracelake.access.ServerAccess;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.tls.ServerTls;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access control {@code serve} runs with: on by default, with the server's own token (the local
 * admin token, written to the warehouse with mode 0600 and read by the CLI on this machine) and the
 * tokens and grants in the catalog database; off only when asked explicitly.
 */
final class ServeAccess {
  private static final Logger LOG = LoggerFactory.getLogger(ServeAccess.class);

  private ServeAccess() {}

  /**
   * Opens the access control and the audit log, or returns null under {@code --insecure-no-auth}.
   */
  static ServerAccess open(
      Lake lake, LakeConfig lakeConfig, Doors.Settings doors, boolean insecure, String host) {
    return open(lake, lakeConfig, doors, insecure, host, null, CertificatePrincipals.CN, null);
  }

  /**
   * Opens the access control as {@link #open(Lake, LakeConfig, Doors.Settings, boolean, String)}
   * does, for a server that serves over {@code tls} (null: plaintext): client certificates name
   * their principals by {@code certificateNames}, and a network address needs no warning.
   *
   * @param oidc the identity provider whose tokens are accepted too, or null for none
   */
  static ServerAccess open(
      Lake lake,
      LakeConfig lakeConfig,
      Doors.Settings doors,
      boolean insecure,
      String host,
      ServerTls tls,
      CertificatePrincipals certificateNames,
      OidcSettings oidc) {
    if (insecure && oidc != null) {
      throw new IllegalArgumentException(
          "--insecure-no-auth and --oidc-issuer contradict each other: without access control no"
              + " token is checked");
    }
    if (insecure) {
      LOG.warn(
          "Serving WITHOUT access control (--insecure-no-auth){}: anyone who reaches {} may write"
              + " and read every table",
          loopback(host) ? "" : " on a network address",
          host);
      return null;
    }
    LocalCredential local =
        doors.token() != null
            ? LocalCredential.of(doors.token())
            : LocalCredential.fromFile(doors.tokenFile());
    AccessControl control =
        new AccessControl(
                AccessStore.forLake(lakeConfig),
                local,
                oidc == null ? null : OidcVerifier.start(oidc),
                Clock.systemUTC())
            .certificatePrincipals(certificateNames);
    if (!loopback(host) && tls == null) {
      LOG.warn(
          "Listening on {} with bearer tokens over plaintext gRPC: serve TLS (--tls-cert and"
              + " --tls-key) or put it in front (a mesh or ingress) so tokens cannot be read on"
              + " the wire",
          host);
    }
    return new ServerAccess(control, AuditLog.open(lake));
  }

  /** The OpenLineage endpoint's gate: {@code write} somewhere, every request audited. */
  static dev.tracelake.lineage.OpenLineageServer.Gate openLineageGate(ServerAccess access) {
    return access == null ? null : access.openLineageGate();
  }

  static boolean loopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
