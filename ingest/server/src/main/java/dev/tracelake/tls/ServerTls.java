package dev.tracelake.tls;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * A server's TLS, loaded once from PEM files and shared by every listener: one key manager (which
 * picks up a renewed certificate and key without a restart) and one trust manager for client
 * certificates, used by the JDK's TLS (HTTP endpoints, the PostgreSQL endpoint) and by Netty (gRPC)
 * alike. TLS 1.2 and 1.3 only.
 */
public final class ServerTls {
  /** How often a handshake may look at the files for a renewed certificate. */
  public static final Duration DEFAULT_RELOAD_CHECK = Duration.ofSeconds(10);

  /** The protocols every listener offers. */
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private final TlsSettings settings;
  private final ReloadingKeyManager keys;
  private final X509TrustManager clientTrust;
  private final SSLContext context;

  private ServerTls(TlsSettings settings, ReloadingKeyManager keys, X509TrustManager clientTrust) {
    this.settings = settings;
    this.keys = keys;
    this.clientTrust = clientTrust;
    try {
      SSLContext c = SSLContext.getInstance("TLS");
      c.init(
          new javax.net.ssl.KeyManager[] {keys},
          clientTrust == null ? null : new TrustManager[] {clientTrust},
          null);
      this.context = c;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("The JDK cannot make a TLS context: " + e.getMessage(), e);
    }
  }

  /**
   * Loads the server's certificate and key, and the client CAs when given.
   *
   * @throws IllegalArgumentException naming the file when one is missing, not PEM, holds no
   *     certificate or key, or the key does not match the certificate (an expired certificate is
   *     only warned about: it may be about to be renewed)
   */
  public static ServerTls load(TlsSettings settings) {
    return load(settings, DEFAULT_RELOAD_CHECK);
  }

  /** Loads as {@link #load(TlsSettings)}, looking for renewed files at most every {@code check}. */
  public static ServerTls load(TlsSettings settings, Duration check) {
    Objects.requireNonNull(settings, "settings");
    ReloadingKeyManager keys =
        ReloadingKeyManager.load(settings.certificate(), settings.privateKey(), check);
    X509TrustManager trust =
        settings.clientCa() == null || settings.clientAuth() == ClientAuth.NONE
            ? null
            : trustManager(settings.clientCa());
    return new ServerTls(settings, keys, trust);
  }

  private static X509TrustManager trustManager(Path caFile) {
    byte[] pem = PemFiles.read(caFile, "client CA");
    List<X509Certificate> cas = PemFiles.certificates(pem, caFile, "client CA");
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        store.setCertificateEntry("client-ca-" + i, cas.get(i));
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(store);
      for (TrustManager m : factory.getTrustManagers()) {
        if (m instanceof X509TrustManager x) {
          return x;
        }
      }
      throw new IllegalStateException("The JDK made no X.509 trust manager");
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalArgumentException(
          "Cannot trust the client CAs in " + caFile + ": " + PemFiles.shown(e.getMessage()), e);
    }
  }

  /** The files this was loaded from. */
  public TlsSettings settings() {
    return settings;
  }

  /** Whether clients are asked for certificates. */
  public ClientAuth clientAuth() {
    return clientTrust == null ? ClientAuth.NONE : settings.clientAuth();
  }

  /** The certificate new connections are shown now (after any reload). */
  public X509Certificate certificate() {
    return keys.certificate();
  }

  /** Looks at the files now (within the check interval) and loads a renewed pair. */
  void reloadIfChanged() {
    keys.reloadIfChanged();
  }

  /**
   * The JDK TLS context: presents the (reloading) server certificate and checks client certificates
   * against the client CAs. Whether a client is asked for one is each listener's parameter: see
   * {@link #parameters()}.
   */
  public SSLContext sslContext() {
    return context;
  }

  /** The parameters a JDK listener applies: TLS 1.2+ and the client-certificate mode. */
  public SSLParameters parameters() {
    SSLParameters p = context.getDefaultSSLParameters();
    p.setProtocols(PROTOCOLS.toArray(new String[0]));
    switch (clientAuth()) {
      case REQUIRE -> p.setNeedClientAuth(true);
      case OPTIONAL -> p.setWantClientAuth(true);
      case NONE -> p.setWantClientAuth(false);
    }
    return p;
  }

  /** The gRPC server's TLS (Netty), over the same key and trust managers. */
  public SslContext nettyContext() {
    SslContextBuilder builder =
        GrpcSslContexts.configure(SslContextBuilder.forServer(keys))
            .protocols(PROTOCOLS.toArray(new String[0]));
    if (clientTrust != null) {
      builder.trustManager(clientTrust);
    }
    builder.clientAuth(
        switch (clientAuth()) {
          case REQUIRE -> io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth.REQUIRE;
          case OPTIONAL -> io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth.OPTIONAL;
          case NONE -> io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth.NONE;
        });
    try {
      return builder.build();
    } catch (SSLException e) {
      throw new IllegalArgumentException(
          "Cannot serve gRPC over TLS with "
              + settings.certificate()
              + ": "
              + PemFiles.shown(e.getMessage()),
          e);
    }
  }

  /** The JDK HTTP server's configuration (the OpenLineage endpoint). */
  public HttpsConfigurator httpsConfigurator() {
    return new HttpsConfigurator(context) {
      @Override
      public void configure(HttpsParameters params) {
        params.setSSLParameters(parameters());
      }
    };
  }

  /**
   * A Jetty connector serving HTTP/1.1 over this TLS (the Iceberg REST catalog, the console).
   *
   * @param http the HTTP configuration; a customizer is added that marks requests secure (without
   *     Jetty's SNI host check: clients reach the server by IP address as often as by name)
   */
  public ServerConnector jettyConnector(
      Server server, int acceptors, int selectors, HttpConfiguration http) {
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false);
    http.addCustomizer(secure);
    return new ServerConnector(
        server,
        acceptors,
        selectors,
        new SslConnectionFactory(jettyFactory(), HttpVersion.HTTP_1_1.asString()),
        new HttpConnectionFactory(http));
  }

  /** A Jetty TLS factory (the Iceberg REST catalog, the console) over the same context. */
  public SslContextFactory.Server jettyFactory() {
    SslContextFactory.Server factory = new SslContextFactory.Server();
    factory.setSslContext(context);
    factory.setIncludeProtocols(PROTOCOLS.toArray(new String[0]));
    factory.setNeedClientAuth(clientAuth() == ClientAuth.REQUIRE);
    factory.setWantClientAuth(clientAuth() == ClientAuth.OPTIONAL);
    return factory;
  }
}
