package dev.tracelake.pgwire;

import dev.tracelake.access.LocalCredential;
import dev.tracelake.access.TableAccess;
import dev.tracelake.lake.AppendResult;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.TableName;
import dev.tracelake.query.SqlEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real embedded lake in a temp dir, a real SQL engine and the PostgreSQL endpoint on a loopback
 * port, authenticating with a known token.
 */
abstract class PgTestBase {
  static final String TOKEN = "tl_test-token-0123456789abcdef";

  static final Provenance PROV =
      Provenance.builder()
          .codeCommit("abc123")
          .model("fraud", "v3")
          .runId("run-1")
          .producer("test")
          .build();

  static final Schema EVENTS =
      new Schema(
          List.of(
              new Field("event_id", FieldType.notNullable(new ArrowType.Int(64, true)), null),
              new Field("user", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
              new Field(
                  "amount",
                  FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
                  null)));

  @TempDir Path warehouse;
  RootAllocator allocator;
  Lake lake;
  SqlEngine engine;
  PgServer pg;

  PgServerConfig pgConfig() {
    return PgServerConfig.defaults().withPort(0);
  }

  @BeforeEach
  void startEndpoint() {
    allocator = new RootAllocator();
    lake = Lake.open(LakeConfig.embedded(warehouse));
    engine = SqlEngine.create(lake);
    pg =
        PgServer.start(
            pgConfig(), engine, lake, LocalCredential.of(TOKEN), TableAccess.ALL_AUTHENTICATED);
  }

  @AfterEach
  void stopEndpoint() {
    pg.close();
    engine.close();
    lake.close();
    allocator.close();
  }

  int port() {
    return pg.address().getPort();
  }

  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port() + "/tracelake";
  }

  Connection connect() throws SQLException {
    return connect(new Properties());
  }

  Connection connect(Properties extra) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", "analyst");
    props.setProperty("password", TOKEN);
    props.putAll(extra);
    return DriverManager.getConnection(jdbcUrl(), props);
  }

  LakeTable events() {
    return lake.createTable(TableName.parse("events"), EVENTS);
  }

  /** Appends ids [from, from + count): user "u{id % 3}", amount id * 1.5. */
  AppendResult appendEvents(LakeTable table, long from, int count) {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(EVENTS, allocator)) {
      root.allocateNew();
      for (int i = 0; i < count; i++) {
        long v = from + i;
        ((BigIntVector) root.getVector("event_id")).setSafe(i, v);
        ((VarCharVector) root.getVector("user"))
            .setSafe(i, ("u" + (v % 3)).getBytes(StandardCharsets.UTF_8));
        ((Float8Vector) root.getVector("amount")).setSafe(i, v * 1.5);
      }
      root.setRowCount(count);
      return table.append(PROV, root);
    }
  }
}
