package dev.tracelake.cli;

import dev.tracelake.client.TracelakeClient;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Option;

/**
 * How a command reaches a server over TLS: {@code --tls-ca} (env {@code TRACELAKE_TLS_CA}) trusts a
 * CA bundle, {@code --tls-cert} and {@code --tls-key} ({@code TRACELAKE_TLS_CERT}, {@code
 * TRACELAKE_TLS_KEY}) present a client certificate. Either turns TLS on; without them the command
 * speaks plaintext, or TLS trusting the system's CAs with {@code --tls}. For {@code serve}, {@code
 * --tls-cert} and {@code --tls-key} are the server's own certificate and key.
 */
final class ClientTls {
  static final String CA_ENV = "TRACELAKE_TLS_CA";
  static final String CERT_ENV = "TRACELAKE_TLS_CERT";
  static final String KEY_ENV = "TRACELAKE_TLS_KEY";

  @Option(
      names = "--tls",
      description =
          "Reach the server over TLS, trusting the system's CAs (env TRACELAKE_TLS=true; implied"
              + " by --tls-ca and --tls-cert).")
  boolean tls;

  @Option(
      names = "--tls-ca",
      paramLabel = "<ca.crt>",
      description =
          "Trust the server certificates this PEM CA bundle signed (env TRACELAKE_TLS_CA).")
  Path ca;

  @Option(
      names = "--tls-cert",
      paramLabel = "<tls.crt>",
      description =
          "PEM certificate chain to present (env TRACELAKE_TLS_CERT); for serve, the server's own"
              + " certificate.")
  Path cert;

  @Option(
      names = "--tls-key",
      paramLabel = "<tls.key>",
      description =
          "PEM private key of --tls-cert (env TRACELAKE_TLS_KEY); for serve, the server's own key.")
  Path key;

  /** The files in force, each from its flag or else its environment variable. */
  record Resolved(boolean tls, Path ca, Path cert, Path key) {}

  Resolved resolve(UnaryOperator<String> environment) {
    Path c = ca != null ? ca : path(environment.apply(CA_ENV));
    Path crt = cert != null ? cert : path(environment.apply(CERT_ENV));
    Path k = key != null ? key : path(environment.apply(KEY_ENV));
    if ((crt == null) != (k == null)) {
      throw new CliException(
          "A client certificate needs both --tls-cert (TRACELAKE_TLS_CERT) and --tls-key"
              + " (TRACELAKE_TLS_KEY); only "
              + (crt == null ? "the key" : "the certificate")
              + " is set");
    }
    boolean on =
        tls
            || "true".equalsIgnoreCase(strip(environment.apply("TRACELAKE_TLS")))
            || c != null
            || crt != null;
    return new Resolved(on, c, crt, k);
  }

  /** Connects to {@code target} with these TLS settings and {@code token}. */
  TracelakeClient connect(String target, String token, UnaryOperator<String> environment) {
    Resolved f = resolve(environment);
    TracelakeClient.Builder b = TracelakeClient.builder(target).bearerToken(token);
    if (f.tls()) {
      if (f.ca() != null) {
        b.tls(f.ca());
      } else {
        b.tls();
      }
      if (f.cert() != null) {
        b.clientCertificate(f.cert(), f.key());
      }
    }
    try {
      return b.connect();
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
  }

  /** The gRPC credentials for a channel a command builds itself. */
  ChannelCredentials credentials(UnaryOperator<String> environment) {
    Resolved f = resolve(environment);
    if (!f.tls()) {
      return InsecureChannelCredentials.create();
    }
    TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
    Path reading = null;
    try {
      if (f.ca() != null) {
        reading = f.ca();
        b.trustManager(f.ca().toFile());
      }
      if (f.cert() != null) {
        reading = f.cert();
        requireReadable(f.key());
        b.keyManager(f.cert().toFile(), f.key().toFile());
      }
    } catch (IOException e) {
      throw new CliException("Cannot read the TLS file " + reading + ": " + e.getMessage());
    }
    return b.build();
  }

  private static void requireReadable(Path file) throws IOException {
    if (!Files.isReadable(file)) {
      throw new IOException(file + (Files.exists(file) ? " is not readable" : " does not exist"));
    }
  }

  private static Path path(String value) {
    String v = strip(value);
    return v == null || v.isEmpty() ? null : Path.of(v);
  }

  private static String strip(String value) {
    return value == null ? null : value.strip();
  }
}
