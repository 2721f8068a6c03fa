package dev.tracelake.access;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracelake.ingest.IngestConfig;
import dev.tracelake.ingest.TracelakeServer;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.TableName;
import dev.tracelake.lineage.LineageOptions;
import dev.tracelake.proto.v1.ExecuteRequest;
import dev.tracelake.proto.v1.ExecuteResponse;
import dev.tracelake.proto.v1.QueryServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A real server under access control on a loopback port, over an embedded lake in a temp dir, with
 * principals whose grants the tests state here: fraud.* is the namespace most hold something on,
 * secret.salaries the table they should not reach.
 */
final class AuthServerFixture implements AutoCloseable {
  static final String ADMIN_TOKEN = "tl_test_admin_token_0123456789";
  static final TableName FEATURES = TableName.parse("fraud.features");
  static final TableName PREDICTIONS = TableName.parse("fraud.predictions");
  static final TableName SALARIES = TableName.parse("secret.salaries");
  static final Provenance PROV = Provenance.builder().producer("auth-test").build();
  static final ObjectMapper JSON = new ObjectMapper();

  static final Schema FEATURE_SCHEMA =
      new Schema(
          List.of(
              new Field("entity", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
              new Field("amount", FieldType.nullable(new ArrowType.Int(64, true)), null)));

  final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
  final RootAllocator allocator = new RootAllocator();
  final Lake lake;
  final AccessStore store;
  final AccessControl control;
  final AuditLog audit;
  final TracelakeServer server;
  final ManagedChannel channel;

  /** Each principal's token. */
  final java.util.Map<String, String> tokens = new TreeMap<>();

  String expiredToken;
  String revokedToken;
  String salaryRecord;
  String featureRecord;
  String predictionRecord;

  AuthServerFixture(Path warehouse) {
    this(warehouse, null);
  }

  /** A server that also accepts the tokens of an OIDC issuer ({@code oidc}: null for none). */
  AuthServerFixture(Path warehouse, OidcSettings oidc) {
    lake = Lake.open(LakeConfig.embedded(warehouse));
    store = AccessStore.open(lake.config().effectiveCatalogUri(), new Properties(), movableClock());
    control =
        new AccessControl(
            store,
            LocalCredential.of(ADMIN_TOKEN),
            oidc == null ? null : OidcVerifier.start(oidc, movableClock()),
            movableClock());
    audit = AuditLog.open(lake);
    server =
        TracelakeServer.onNetty(
                lake,
                IngestConfig.defaults().withPort(0).withCommitInterval(Duration.ofMillis(20)),
                LineageOptions.defaults().withManualRefresh(),
                new ServerAccess(control, audit))
            .start();
    channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.port())
            .usePlaintext()
            .maxInboundMessageSize(64 << 20)
            .build();
    grantRoles();
    writeData();
  }

  Clock movableClock() {
    return new Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now.get();
      }
    };
  }

  private void grantRoles() {
    store.grant("fraud-reader", Privilege.READ, Scope.parse("fraud"));
    store.grant("fraud-reader", Privilege.LINEAGE, Scope.parse("fraud"));
    store.grant("fraud-writer", Privilege.WRITE, Scope.parse("fraud"));
    store.grant("fraud-lineage", Privilege.LINEAGE, Scope.parse("fraud"));
    store.grant("fraud-admin", Privilege.ADMIN, Scope.parse("fraud"));
    store.grant("lake-admin", Privilege.ADMIN, Scope.ALL);
    store.grant("auditor", Privilege.AUDIT, Scope.ALL);
    store.grant("auditor", Privilege.READ, Scope.parse("fraud"));
    for (String[] p :
        new String[][] {
          {"reader", "fraud-reader"},
          {"writer", "fraud-writer"},
          {"lineage-only", "fraud-lineage"},
          {"fraud-admin", "fraud-admin"},
          {"lake-admin", "lake-admin"},
          {"auditor", "auditor"}
        }) {
      store.assign(p[1], p[0]);
      tokens.put(p[0], store.issue(p[0], PrincipalKind.SERVICE, null, "").secret());
    }
    tokens.put("nobody", store.issue("nobody", PrincipalKind.PERSON, null, "").secret());
    tokens.put("admin", ADMIN_TOKEN);
    store.assign("fraud-reader", "expiring");
    expiredToken =
        store.issue("expiring", PrincipalKind.SERVICE, Duration.ofMinutes(1), "").secret();
    store.assign("fraud-reader", "revoked");
    IssuedToken r = store.issue("revoked", PrincipalKind.SERVICE, null, "");
    revokedToken = r.secret();
    store.revoke(r.info().id());
  }

  /** Lets the expiring token expire (the server's clock moves on two minutes). */
  void expire() {
    now.set(now.get().plus(Duration.ofMinutes(2)));
    control.changed();
  }

  private void writeData() {
    LakeTable salaries = lake.createTable(SALARIES, FEATURE_SCHEMA);
    salaryRecord = append(salaries, "{\"entity\": \"ceo\", \"amount\": 987654}", null);
    LakeTable features = lake.createTable(FEATURES, FEATURE_SCHEMA);
    featureRecord = append(features, "{\"entity\": \"acct-1\", \"amount\": 42}", null);
    LakeTable predictions = lake.createTable(PREDICTIONS, FEATURE_SCHEMA);
    predictionRecord =
        append(
            predictions,
            "{\"entity\": \"acct-1\", \"amount\": 1}",
            List.of(FEATURES + ":" + featureRecord, SALARIES + ":" + salaryRecord));
  }

  /** Appends one JSON row citing {@code inputs} ("table:record"); returns its record id. */
  String append(LakeTable table, String row, List<String> inputs) {
    return append(table, PROV, row, inputs);
  }

  /** As {@link #append(LakeTable, String, List)}, written with {@code provenance}. */
  String append(LakeTable table, Provenance provenance, String row, List<String> inputs) {
    try {
      ObjectNode o = (ObjectNode) JSON.readTree(row);
      if (inputs != null) {
        ArrayNode lineage = o.putArray("_lineage");
        for (String in : inputs) {
          int colon = in.indexOf(':');
          ObjectNode ref = lineage.addObject();
          ref.put("table", in.substring(0, colon));
          ref.put("record_id", in.substring(colon + 1));
        }
      }
      try (VectorSchemaRoot batch =
              table.batchChecker().fromJson(List.of(o.toString()), allocator);
          PendingAppend append = table.newAppend(provenance)) {
        List<String> ids = append.write(batch);
        append.commit();
        return ids.get(0);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A stub sending {@code authorization} as given (null: no header). */
  <S extends AbstractStub<S>> S with(S stub, String authorization) {
    Metadata headers = new Metadata();
    if (authorization != null) {
      headers.put(AuthInterceptor.AUTHORIZATION, authorization);
    }
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  /** What access control guards, without the audit log (which every call appends to). */
  String fingerprint() {
    List<String> parts = new ArrayList<>();
    for (TableName t : lake.tables()) {
      if (t.sameTable(Grants.AUDIT_TABLE)) {
        continue;
      }
      LakeTable table = lake.table(t);
      parts.add(
          t
              + " snapshots="
              + table.snapshots().size()
              + " refs="
              + table.refs()
              + " columns="
              + table.describe().columns().size());
    }
    parts.add("tokens=" + store.tokens(""));
    parts.add("grants=" + store.roleGrants());
    parts.add("members=" + store.members());
    return String.join("\n", parts);
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.stop();
    lake.close();
    allocator.close();
  }

  /** Runs SQL as {@code principal}; returns the rows as text, one string per row. */
  List<String> sql(String principal, String sql) {
    Iterator<ExecuteResponse> it =
        with(QueryServiceGrpc.newBlockingStub(channel), "Bearer " + tokens.get(principal))
            .execute(ExecuteRequest.newBuilder().setSql(sql).build());
    List<String> rows = new ArrayList<>();
    byte[] schema = null;
    while (it.hasNext()) {
      ExecuteResponse r = it.next();
      if (r.hasSchema()) {
        schema = r.getSchema().getArrowSchema().toByteArray();
      } else if (r.getPartCase() == ExecuteResponse.PartCase.ARROW_BATCH) {
        rows.addAll(decode(schema, r.getArrowBatch().toByteArray()));
      }
    }
    return rows;
  }

  List<String> decode(byte[] schema, byte[] batch) {
    return decode(schema, batch, allocator);
  }

  /** One Arrow IPC batch of a QueryService answer as text rows, values joined by '|'. */
  static List<String> decode(
      byte[] schema, byte[] batch, org.apache.arrow.memory.BufferAllocator allocator) {
    byte[] stream = new byte[schema.length + batch.length];
    System.arraycopy(schema, 0, stream, 0, schema.length);
    System.arraycopy(batch, 0, stream, schema.length, batch.length);
    List<String> rows = new ArrayList<>();
    try (ArrowStreamReader reader =
        new ArrowStreamReader(new ByteArrayInputStream(stream), allocator)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      while (reader.loadNextBatch()) {
        for (int i = 0; i < root.getRowCount(); i++) {
          StringBuilder sb = new StringBuilder();
          for (var v : root.getFieldVectors()) {
            sb.append(sb.isEmpty() ? "" : "|").append(v.getObject(i));
          }
          rows.add(sb.toString());
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return rows;
  }
}
