package dev.tracelake.tls;

import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's key manager: the certificate chain and key from PEM files, read again when the files
 * change, so a renewed certificate (cert-manager rewrites its Secret in place) is presented to new
 * connections without a restart. At most once per check interval, a handshake compares the files'
 * bytes with those loaded; a changed pair that parses and matches replaces the old one, a broken
 * one is logged and the old pair kept.
 *
 * <p>Each generation is a JDK key manager over its own key store, under an alias naming the
 * generation, so a handshake that chose an alias just before a reload still gets the chain and key
 * of that alias.
 */
final class ReloadingKeyManager extends X509ExtendedKeyManager {
  private static final Logger LOG = LoggerFactory.getLogger(ReloadingKeyManager.class);

  private final Path certFile;
  private final Path keyFile;
  private final long checkNanos;
  private final LongSupplier nanoTime;
  private final Object lock = new Object();
  // written under lock, read by every handshake
  private volatile Generation current;
  private volatile Generation previous;
  private volatile long nextCheck;
  // guarded by lock: the files last refused, so a broken pair is logged once, not every check
  private byte[] refusedCert;
  private byte[] refusedKey;

  private record Generation(
      int number,
      X509ExtendedKeyManager keys,
      byte[] certPem,
      byte[] keyPem,
      X509Certificate leaf) {}

  private ReloadingKeyManager(
      Path certFile, Path keyFile, Duration checkEvery, LongSupplier nanoTime, Generation first) {
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.checkNanos = checkEvery.toNanos();
    this.nanoTime = nanoTime;
    this.current = first;
    this.nextCheck = nanoTime.getAsLong() + checkNanos;
  }

  /**
   * Loads the pair, refusing bad files with a message naming the file.
   *
   * @throws IllegalArgumentException when a file is missing, not PEM, or the key does not match
   */
  static ReloadingKeyManager load(Path certFile, Path keyFile, Duration checkEvery) {
    return load(certFile, keyFile, checkEvery, System::nanoTime);
  }

  static ReloadingKeyManager load(
      Path certFile, Path keyFile, Duration checkEvery, LongSupplier nanoTime) {
    byte[] cert = PemFiles.read(certFile, "certificate");
    byte[] key = PemFiles.read(keyFile, "private key");
    Generation first = generation(1, cert, key, certFile, keyFile);
    warnIfNotValidNow(first.leaf(), certFile);
    return new ReloadingKeyManager(certFile, keyFile, checkEvery, nanoTime, first);
  }

  /** The certificate new connections are shown. */
  X509Certificate certificate() {
    return current.leaf();
  }

  private static Generation generation(
      int number, byte[] certPem, byte[] keyPem, Path certFile, Path keyFile) {
    List<X509Certificate> chain = PemFiles.certificates(certPem, certFile, "certificate");
    PrivateKey key = PemFiles.privateKey(keyPem, keyFile);
    PemFiles.checkPair(chain.get(0), key, certFile, keyFile);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] none = new char[0];
      store.setKeyEntry("tls-" + number, key, none, chain.toArray(new X509Certificate[0]));
      KeyManagerFactory factory = KeyManagerFactory.getInstance("SunX509");
      factory.init(store, none);
      for (KeyManager m : factory.getKeyManagers()) {
        if (m instanceof X509ExtendedKeyManager x) {
          return new Generation(number, x, certPem, keyPem, chain.get(0));
        }
      }
      throw new IllegalStateException("The JDK made no X.509 key manager");
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalArgumentException(
          "Cannot use the TLS key "
              + keyFile
              + " with the certificate "
              + certFile
              + ": "
              + PemFiles.shown(e.getMessage()),
          e);
    }
  }

  private static void warnIfNotValidNow(X509Certificate leaf, Path file) {
    try {
      leaf.checkValidity();
    } catch (CertificateExpiredException e) {
      LOG.warn(
          "The TLS certificate {} expired on {}: clients will refuse it until it is renewed",
          file,
          leaf.getNotAfter().toInstant());
    } catch (CertificateNotYetValidException e) {
      LOG.warn(
          "The TLS certificate {} is not valid before {}: clients will refuse it until then",
          file,
          leaf.getNotBefore().toInstant());
    }
  }

  /** Reads the files again if the check interval has passed, and loads them if they changed. */
  void reloadIfChanged() {
    long now = nanoTime.getAsLong();
    if (now - nextCheck < 0) {
      return;
    }
    synchronized (lock) {
      if (now - nextCheck < 0) {
        return;
      }
      nextCheck = now + checkNanos;
      Generation old = current;
      byte[] cert;
      byte[] key;
      try {
        cert = PemFiles.read(certFile, "certificate");
        key = PemFiles.read(keyFile, "private key");
      } catch (IllegalArgumentException e) {
        LOG.warn("Keeping the current TLS certificate: {}", e.getMessage());
        return;
      }
      if (Arrays.equals(cert, old.certPem()) && Arrays.equals(key, old.keyPem())) {
        return;
      }
      if (Arrays.equals(cert, refusedCert) && Arrays.equals(key, refusedKey)) {
        return; // already refused and logged
      }
      try {
        Generation next = generation(old.number() + 1, cert, key, certFile, keyFile);
        warnIfNotValidNow(next.leaf(), certFile);
        previous = old;
        current = next;
        LOG.info(
            "Loaded the renewed TLS certificate {} (subject {}, valid until {})",
            certFile,
            next.leaf().getSubjectX500Principal().getName(),
            next.leaf().getNotAfter().toInstant());
      } catch (IllegalArgumentException e) {
        // a half-written pair (the key renewed, the certificate not yet) lands here until both
        // files agree again
        refusedCert = cert;
        refusedKey = key;
        LOG.warn("Keeping the current TLS certificate: {}", e.getMessage());
      }
    }
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    reloadIfChanged();
    return current.keys().chooseServerAlias(keyType, issuers, socket);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    reloadIfChanged();
    return current.keys().chooseEngineServerAlias(keyType, issuers, engine);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return current.keys().getServerAliases(keyType, issuers);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    X509Certificate[] chain = current.keys().getCertificateChain(alias);
    Generation before = previous;
    if (chain == null && before != null) {
      chain = before.keys().getCertificateChain(alias);
    }
    return chain;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    PrivateKey key = current.keys().getPrivateKey(alias);
    Generation before = previous;
    if (key == null && before != null) {
      key = before.keys().getPrivateKey(alias);
    }
    return key;
  }

  // a server presents no client certificate

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return null;
  }
}
