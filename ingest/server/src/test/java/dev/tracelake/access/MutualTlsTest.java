package dev.tracelake.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.ingest.IngestConfig;
import dev.tracelake.ingest.TracelakeServer;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lineage.LineageOptions;
import dev.tracelake.proto.v1.AuthServiceGrpc;
import dev.tracelake.proto.v1.CreateTokenRequest;
import dev.tracelake.proto.v1.ExecuteRequest;
import dev.tracelake.proto.v1.ExecuteResponse;
import dev.tracelake.proto.v1.QueryServiceGrpc;
import dev.tracelake.proto.v1.WhoAmIRequest;
import dev.tracelake.proto.v1.WhoAmIResponse;
import dev.tracelake.tls.ClientAuth;
import dev.tracelake.tls.ServerTls;
import dev.tracelake.tls.TestPki;
import dev.tracelake.tls.TestPki.Issued;
import dev.tracelake.tls.TestPki.KeyFormat;
import dev.tracelake.tls.TlsSettings;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gRPC over real TLS on loopback: the server's certificate from PEM files, client certificates that
 * chain to the client CA naming their principal (CN), and every way a TLS connection can go wrong
 * ending in a clear failure while the server stays up.
 */
class MutualTlsTest {
  static final String ADMIN_TOKEN = "tl_test_admin_token_0123456789";
  static final Issued CA = TestPki.ca("Tracelake Test CA");
  static final Issued OTHER_CA = TestPki.ca("Somebody Else's CA");
  static final Issued SERVER = TestPki.server(CA, TestPki.ec());

  @TempDir Path dir;

  final RootAllocator allocator = new RootAllocator();
  final List<ManagedChannel> channels = new ArrayList<>();
  Lake lake;
  AccessStore store;
  AccessControl control;
  AuditLog audit;
  TracelakeServer server;
  Path caFile;

  void start(ClientAuth clientAuth) {
    lake = Lake.open(LakeConfig.embedded(dir.resolve("warehouse")));
    store =
        AccessStore.open(lake.config().effectiveCatalogUri(), new Properties(), Clock.systemUTC());
    control = new AccessControl(store, LocalCredential.of(ADMIN_TOKEN), Clock.systemUTC());
    audit = AuditLog.open(lake);
    TestPki.IdentityFiles files =
        TestPki.write(dir.resolve("server"), SERVER, CA, KeyFormat.TRADITIONAL);
    caFile = TestPki.writeCa(dir.resolve("ca.crt"), CA);
    ServerTls tls =
        ServerTls.load(
            TlsSettings.of(
                files.cert(),
                files.key(),
                clientAuth == ClientAuth.NONE ? null : caFile,
                clientAuth == ClientAuth.NONE ? null : clientAuth));
    server =
        TracelakeServer.onNetty(
                lake,
                IngestConfig.defaults().withPort(0).withCommitInterval(Duration.ofMillis(20)),
                LineageOptions.defaults().withManualRefresh(),
                new ServerAccess(control, audit),
                tls)
            .start();
    store.grant("fraud-reader", Privilege.READ, Scope.parse("fraud"));
    store.assign("fraud-reader", "reader");
    store.grant("lake-admin", Privilege.ADMIN, Scope.ALL);
    store.grant("auditor", Privilege.AUDIT, Scope.ALL);
    store.assign("lake-admin", "ops");
    store.assign("auditor", "ops");
  }

  @AfterEach
  void stop() throws Exception {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.stop();
    }
    if (lake != null) {
      lake.close();
    }
    allocator.close();
  }

  /** A TLS channel trusting {@code trusted}, presenting {@code client} (null: none). */
  ManagedChannel channel(Issued client, Issued clientIssuer) throws Exception {
    SslContextBuilder ssl = GrpcSslContexts.forClient().trustManager(caFile.toFile());
    if (client != null) {
      TestPki.IdentityFiles files =
          TestPki.write(
              dir.resolve("client-" + System.nanoTime()), client, clientIssuer, KeyFormat.PKCS8);
      ssl.keyManager(files.cert().toFile(), files.key().toFile());
    }
    ManagedChannel c =
        NettyChannelBuilder.forAddress("127.0.0.1", server.port()).sslContext(ssl.build()).build();
    channels.add(c);
    return c;
  }

  static <S extends AbstractStub<S>> S with(S stub, String token) {
    Metadata headers = new Metadata();
    if (token != null) {
      headers.put(AuthInterceptor.AUTHORIZATION, "Bearer " + token);
    }
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  WhoAmIResponse whoAmI(ManagedChannel channel, String token) {
    return with(AuthServiceGrpc.newBlockingStub(channel), token)
        .whoAmI(WhoAmIRequest.getDefaultInstance());
  }

  @Test
  void aTokenAuthenticatesOverTlsWithoutClientCertificates() throws Exception {
    start(ClientAuth.NONE);
    WhoAmIResponse me = whoAmI(channel(null, null), ADMIN_TOKEN);
    assertThat(me.getPrincipal()).isEqualTo("local");
    assertThat(me.getSuperuser()).isTrue();
    // without a token, and with no certificate asked for, nobody is let in
    assertThatThrownBy(() -> whoAmI(channel(null, null), null))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("UNAUTHENTICATED")
        .hasMessageContaining("bearer token");
  }

  @Test
  void aClientCertificateAuthenticatesItsCommonNameWithThatPrincipalsGrantsOnly() throws Exception {
    start(ClientAuth.OPTIONAL);
    ManagedChannel reader = channel(TestPki.client(CA, "reader"), CA);
    WhoAmIResponse me = whoAmI(reader, null);
    assertThat(me.getPrincipal()).isEqualTo("reader");
    assertThat(me.getSuperuser()).isFalse();
    assertThat(me.getRolesList()).containsExactly("fraud-reader");
    // and nothing more: issuing tokens takes admin
    assertThatThrownBy(
            () ->
                with(AuthServiceGrpc.newBlockingStub(reader), null)
                    .createToken(CreateTokenRequest.newBuilder().setPrincipal("x").build()))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("PERMISSION_DENIED")
        .hasMessageContaining("'reader' lacks privilege 'admin'");
    // a certificate of an unknown name authenticates but holds nothing
    WhoAmIResponse stranger = whoAmI(channel(TestPki.client(CA, "stranger"), CA), null);
    assertThat(stranger.getPrincipal()).isEqualTo("stranger");
    assertThat(stranger.getGrantsList()).isEmpty();
  }

  @Test
  void anExplicitBearerTokenWinsOverTheCertificateAndABadOneIsNotRescuedByIt() throws Exception {
    start(ClientAuth.OPTIONAL);
    ManagedChannel reader = channel(TestPki.client(CA, "reader"), CA);
    assertThat(whoAmI(reader, ADMIN_TOKEN).getPrincipal()).isEqualTo("local");
    assertThatThrownBy(() -> whoAmI(reader, "tl_not_a_real_token_at_all_0000"))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("UNAUTHENTICATED");
  }

  @Test
  void aCertificateNamedLocalIsRefusedAndNeverASuperuser() throws Exception {
    start(ClientAuth.OPTIONAL);
    for (String reserved : List.of("local", "LOCAL")) {
      assertThatThrownBy(() -> whoAmI(channel(TestPki.client(CA, reserved), CA), null))
          .isInstanceOf(StatusRuntimeException.class)
          .hasMessageContaining("UNAUTHENTICATED")
          .hasMessageContaining("CN=" + reserved)
          .hasMessageContaining("reserved");
    }
    // the second layer: a principal called 'local' from anything but the server's own token
    // holds nothing, whatever let it in
    for (Principal.Credential credential :
        List.of(
            Principal.Credential.CERTIFICATE,
            Principal.Credential.ISSUED_TOKEN,
            Principal.Credential.OIDC)) {
      Grants g =
          control.grants(new Principal("local", "x509:CN=local", credential, List.of("admin")));
      assertThat(g.superuser()).isFalse();
      assertThat(g.holdsAnywhere(Privilege.READ)).isFalse();
    }
    assertThat(control.grants(Principal.server("")).superuser()).isTrue();
  }

  @Test
  void certificatesWithoutAUsableNameAreRefusedWithTheSubjectNamed() throws Exception {
    start(ClientAuth.OPTIONAL);
    Issued noCn =
        TestPki.client(
            CA,
            "O=Tracelake Test,OU=machines",
            Instant.now().minusSeconds(60),
            Instant.now().plusSeconds(3600),
            List.of());
    assertThatThrownBy(() -> whoAmI(channel(noCn, CA), null))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("UNAUTHENTICATED")
        .hasMessageContaining("OU=machines")
        .hasMessageContaining("has no cn");
    Issued spaces = TestPki.client(CA, "Robert Tables; DROP");
    assertThatThrownBy(() -> whoAmI(channel(spaces, CA), null))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("UNAUTHENTICATED")
        .hasMessageContaining("is not valid");
  }

  @Test
  void badClientCertificatesFailTheHandshakeAndTheServerStaysUp() throws Exception {
    start(ClientAuth.OPTIONAL);
    Issued expired =
        TestPki.client(
            CA,
            "CN=reader,O=Tracelake Test",
            Instant.now().minus(Duration.ofDays(10)),
            Instant.now().minus(Duration.ofDays(1)),
            List.of());
    Issued foreign = TestPki.client(OTHER_CA, "reader");
    // a client that presents its certificate whatever the server asks for
    for (ManagedChannel bad : List.of(forcing(expired, CA), forcing(foreign, OTHER_CA))) {
      assertThatThrownBy(() -> whoAmI(bad, null))
          .isInstanceOf(StatusRuntimeException.class)
          .satisfies(
              e ->
                  assertThat(((StatusRuntimeException) e).getStatus().getCode())
                      .withFailMessage(e.getMessage())
                      .isEqualTo(Status.Code.UNAVAILABLE));
    }
    // a well-behaved client holds back a certificate of another CA: it is then a caller
    // without credentials
    assertThatThrownBy(() -> whoAmI(channel(foreign, OTHER_CA), null))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("UNAUTHENTICATED");
    assertThat(whoAmI(channel(TestPki.client(CA, "reader"), CA), null).getPrincipal())
        .isEqualTo("reader");
  }

  /** A TLS channel whose client presents {@code client}'s certificate to any server. */
  ManagedChannel forcing(Issued client, Issued issuer) throws Exception {
    java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry(
        "client",
        client.keys().getPrivate(),
        new char[0],
        new java.security.cert.X509Certificate[] {client.certificate(), issuer.certificate()});
    javax.net.ssl.KeyManagerFactory f = javax.net.ssl.KeyManagerFactory.getInstance("SunX509");
    f.init(keys, new char[0]);
    javax.net.ssl.X509ExtendedKeyManager real =
        (javax.net.ssl.X509ExtendedKeyManager) f.getKeyManagers()[0];
    javax.net.ssl.X509ExtendedKeyManager always =
        new javax.net.ssl.X509ExtendedKeyManager() {
          @Override
          public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
            return new String[] {"client"};
          }

          @Override
          public String chooseClientAlias(
              String[] keyType, java.security.Principal[] issuers, java.net.Socket socket) {
            return "client";
          }

          @Override
          public String chooseEngineClientAlias(
              String[] keyType, java.security.Principal[] issuers, javax.net.ssl.SSLEngine e) {
            return "client";
          }

          @Override
          public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
            return null;
          }

          @Override
          public String chooseServerAlias(
              String keyType, java.security.Principal[] issuers, java.net.Socket socket) {
            return null;
          }

          @Override
          public java.security.cert.X509Certificate[] getCertificateChain(String alias) {
            return real.getCertificateChain(alias);
          }

          @Override
          public java.security.PrivateKey getPrivateKey(String alias) {
            return real.getPrivateKey(alias);
          }
        };
    ManagedChannel c =
        NettyChannelBuilder.forAddress("127.0.0.1", server.port())
            .sslContext(
                GrpcSslContexts.forClient()
                    .trustManager(caFile.toFile())
                    .keyManager(always)
                    .build())
            .build();
    channels.add(c);
    return c;
  }

  @Test
  void requiredClientCertificatesRefuseClientsWithoutOneEvenWithAToken() throws Exception {
    start(ClientAuth.REQUIRE);
    assertThatThrownBy(() -> whoAmI(channel(null, null), ADMIN_TOKEN))
        .isInstanceOf(StatusRuntimeException.class)
        .satisfies(
            e ->
                assertThat(((StatusRuntimeException) e).getStatus().getCode())
                    .isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(whoAmI(channel(TestPki.client(CA, "reader"), CA), null).getPrincipal())
        .isEqualTo("reader");
  }

  @Test
  void plaintextAgainstTheTlsPortFailsClearlyAndTheServerStaysUp() throws Exception {
    start(ClientAuth.NONE);
    ManagedChannel plain =
        NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    channels.add(plain);
    assertThatThrownBy(() -> whoAmI(plain, ADMIN_TOKEN))
        .isInstanceOf(StatusRuntimeException.class)
        .satisfies(
            e ->
                assertThat(((StatusRuntimeException) e).getStatus().getCode())
                    .isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(whoAmI(channel(null, null), ADMIN_TOKEN).getPrincipal()).isEqualTo("local");
  }

  @Test
  void tlsAgainstAPlaintextPortFailsClearly() throws Exception {
    lake = Lake.open(LakeConfig.embedded(dir.resolve("warehouse")));
    server =
        TracelakeServer.onNetty(
                lake,
                IngestConfig.defaults().withPort(0),
                LineageOptions.defaults().withManualRefresh())
            .start();
    caFile = TestPki.writeCa(dir.resolve("ca.crt"), CA);
    assertThatThrownBy(() -> whoAmI(channel(null, null), ADMIN_TOKEN))
        .isInstanceOf(StatusRuntimeException.class)
        .satisfies(
            e ->
                assertThat(((StatusRuntimeException) e).getStatus().getCode())
                    .isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void theGrpcPortServesARenewedCertificateWithoutARestart() throws Exception {
    lake = Lake.open(LakeConfig.embedded(dir.resolve("warehouse")));
    store =
        AccessStore.open(lake.config().effectiveCatalogUri(), new Properties(), Clock.systemUTC());
    control = new AccessControl(store, LocalCredential.of(ADMIN_TOKEN), Clock.systemUTC());
    Issued first = TestPki.server(CA, TestPki.ec());
    TestPki.IdentityFiles files = TestPki.write(dir.resolve("server"), first, CA, KeyFormat.PKCS8);
    caFile = TestPki.writeCa(dir.resolve("ca.crt"), CA);
    ServerTls tls =
        ServerTls.load(TlsSettings.of(files.cert(), files.key(), null, null), Duration.ZERO);
    server =
        TracelakeServer.onNetty(
                lake,
                IngestConfig.defaults().withPort(0),
                LineageOptions.defaults().withManualRefresh(),
                new ServerAccess(control, null),
                tls)
            .start();
    ManagedChannel before = channel(null, null);
    assertThat(whoAmI(before, ADMIN_TOKEN).getPrincipal()).isEqualTo("local");
    assertThat(servedSerial()).isEqualTo(first.certificate().getSerialNumber());

    Issued renewed = TestPki.server(CA, TestPki.rsa());
    TestPki.write(dir.resolve("server"), renewed, CA, KeyFormat.TRADITIONAL);
    assertThat(servedSerial()).isEqualTo(renewed.certificate().getSerialNumber());
    // new connections and the one opened before both go on working
    assertThat(whoAmI(channel(null, null), ADMIN_TOKEN).getPrincipal()).isEqualTo("local");
    assertThat(whoAmI(before, ADMIN_TOKEN).getPrincipal()).isEqualTo("local");
  }

  /** The serial number of the certificate the gRPC port shows a new TLS connection. */
  java.math.BigInteger servedSerial() throws Exception {
    java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", CA.certificate());
    javax.net.ssl.TrustManagerFactory f = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
    f.init(trust);
    javax.net.ssl.SSLContext c = javax.net.ssl.SSLContext.getInstance("TLS");
    c.init(null, f.getTrustManagers(), null);
    try (javax.net.ssl.SSLSocket s =
        (javax.net.ssl.SSLSocket) c.getSocketFactory().createSocket("127.0.0.1", server.port())) {
      javax.net.ssl.SSLParameters p = s.getSSLParameters();
      p.setApplicationProtocols(new String[] {"h2"});
      s.setSSLParameters(p);
      s.startHandshake();
      return ((java.security.cert.X509Certificate) s.getSession().getPeerCertificates()[0])
          .getSerialNumber();
    }
  }

  @Test
  void auditRowsNameTheCertificatePrincipalAndItsSubject() throws Exception {
    start(ClientAuth.OPTIONAL);
    ManagedChannel ops = channel(TestPki.client(CA, "ops"), CA);
    with(AuthServiceGrpc.newBlockingStub(ops), null)
        .createToken(CreateTokenRequest.newBuilder().setPrincipal("made-by-cert").build());
    List<String> rows =
        sql(
            ops,
            "SELECT principal, client_user, action, outcome FROM tracelake.audit"
                + " WHERE action = 'AuthService/CreateToken'");
    assertThat(rows).containsExactly("ops|x509:O=Tracelake Test,CN=ops|AuthService/CreateToken|OK");
  }

  List<String> sql(ManagedChannel channel, String sql) {
    Iterator<ExecuteResponse> it =
        with(QueryServiceGrpc.newBlockingStub(channel), null)
            .execute(ExecuteRequest.newBuilder().setSql(sql).build());
    List<String> rows = new ArrayList<>();
    byte[] schema = null;
    while (it.hasNext()) {
      ExecuteResponse r = it.next();
      if (r.hasSchema()) {
        schema = r.getSchema().getArrowSchema().toByteArray();
      } else if (r.getPartCase() == ExecuteResponse.PartCase.ARROW_BATCH) {
        rows.addAll(AuthServerFixture.decode(schema, r.getArrowBatch().toByteArray(), allocator));
      }
    }
    return rows;
  }
}
