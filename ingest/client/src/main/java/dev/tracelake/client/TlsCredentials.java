package dev.tracelake.client;

import io.grpc.ChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** gRPC's TLS channel credentials from PEM files, a missing or unreadable file named. */
final class TlsCredentials {
  private TlsCredentials() {}

  /**
   * @param caPem the CAs to trust, or null for the system's
   * @param certPem the client certificate chain, or null to present none
   * @param keyPem its private key
   */
  static ChannelCredentials of(Path caPem, Path certPem, Path keyPem) {
    TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
    try {
      if (caPem != null) {
        b.trustManager(readable(caPem, "CA bundle").toFile());
      }
      if (certPem != null) {
        b.keyManager(
            readable(certPem, "client certificate").toFile(),
            readable(keyPem, "client key").toFile());
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Cannot use the TLS files "
              + (caPem == null ? "" : caPem + " ")
              + (certPem == null ? "" : certPem + " " + keyPem)
              + ": "
              + e.getMessage(),
          e);
    }
    return b.build();
  }

  private static Path readable(Path file, String what) {
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException(
          "The TLS "
              + what
              + " "
              + file
              + (Files.exists(file) ? " is not readable" : " does not exist"));
    }
    return file;
  }
}
