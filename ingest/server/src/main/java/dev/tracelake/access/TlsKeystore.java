package dev.tracelake.access;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** A server's TLS identity from a PKCS#12 keystore (certificate chain and private key). */
public final class TlsKeystore {
  private TlsKeystore() {}

  /**
   * Loads {@code keystore} and returns a TLS context presenting its key.
   *
   * @throws IllegalArgumentException naming the file when it cannot be read or holds no usable key
   */
  public static SSLContext context(Path keystore, char[] password) {
    try (InputStream in = Files.newInputStream(keystore)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, password);
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "Cannot read the TLS keystore " + keystore + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "The TLS keystore " + keystore + " holds no usable key: " + e.getMessage(), e);
    }
  }
}
