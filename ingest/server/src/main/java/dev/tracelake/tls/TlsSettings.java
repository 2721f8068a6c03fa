package dev.tracelake.tls;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a server's TLS identity and its clients' trust come from: PEM files, as cert-manager writes
 * them into a Kubernetes Secret ({@code tls.crt}, {@code tls.key}, {@code ca.crt}).
 *
 * @param certificate the server's certificate chain (PEM, leaf first)
 * @param privateKey the server's private key (PEM: PKCS#8, PKCS#1 RSA or SEC1 EC; unencrypted)
 * @param clientCa the CAs client certificates must chain to (PEM bundle), or null to ask for none
 * @param clientAuth whether clients are asked for a certificate; {@link ClientAuth#NONE} without a
 *     client CA
 */
public record TlsSettings(Path certificate, Path privateKey, Path clientCa, ClientAuth clientAuth) {
  public TlsSettings {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(clientAuth, "clientAuth");
    if (clientCa == null && clientAuth != ClientAuth.NONE) {
      throw new IllegalArgumentException(
          "Setting tls-client-auth="
              + clientAuth.label()
              + " needs tls-client-ca: the CAs client certificates must chain to");
    }
  }

  /**
   * Returns settings for a server certificate and key, with client certificates checked against
   * {@code clientCa} when given: {@code clientAuth} null means {@link ClientAuth#OPTIONAL} with a
   * client CA and {@link ClientAuth#NONE} without.
   */
  public static TlsSettings of(Path certificate, Path privateKey, Path clientCa, ClientAuth auth) {
    ClientAuth mode =
        auth != null ? auth : clientCa == null ? ClientAuth.NONE : ClientAuth.OPTIONAL;
    return new TlsSettings(certificate, privateKey, clientCa, mode);
  }
}
