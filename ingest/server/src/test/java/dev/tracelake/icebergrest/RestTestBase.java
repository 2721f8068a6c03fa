package dev.tracelake.icebergrest;

import dev.tracelake.access.LocalCredential;
import dev.tracelake.access.TableAccess;
import dev.tracelake.lake.AppendResult;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.TableName;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real embedded lake with table {@code default.events} (three snapshots, tag {@code v1}, branch
 * {@code audit}) served by the Iceberg REST catalog on a loopback port.
 */
abstract class RestTestBase {
  static final String TOKEN = "tl_rest-test-token-0123456789";
  static final Schema EVENTS =
      new Schema(
          List.of(
              new Field("event_id", FieldType.notNullable(new ArrowType.Int(64, true)), null),
              new Field("user", FieldType.nullable(ArrowType.Utf8.INSTANCE), null)));

  @TempDir Path warehouse;
  RootAllocator allocator;
  Lake lake;
  RestCatalogServer rest;
  LakeTable events;
  AppendResult first;
  AppendResult second;
  AppendResult third;
  final HttpClient http = HttpClient.newHttpClient();

  TableAccess access() {
    return TableAccess.ALL_AUTHENTICATED;
  }

  @BeforeEach
  void start() {
    allocator = new RootAllocator();
    lake = Lake.open(LakeConfig.embedded(warehouse));
    events = lake.createTable(TableName.parse("events"), EVENTS);
    first = append(0, 3);
    events.createTag("v1", first.snapshotId());
    second = append(3, 2);
    events.createBranch("audit", second.snapshotId());
    third = append(5, 4);
    lake.createTable(TableName.parse("secret.salaries"), EVENTS);
    rest =
        RestCatalogServer.start(
            RestCatalogConfig.defaults().withPort(0), lake, LocalCredential.of(TOKEN), access());
  }

  @AfterEach
  void stop() {
    rest.close();
    lake.close();
    allocator.close();
  }

  AppendResult append(long from, int count) {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(EVENTS, allocator)) {
      root.allocateNew();
      for (int i = 0; i < count; i++) {
        ((BigIntVector) root.getVector("event_id")).setSafe(i, from + i);
        ((VarCharVector) root.getVector("user"))
            .setSafe(i, ("u" + i).getBytes(StandardCharsets.UTF_8));
      }
      root.setRowCount(count);
      return events.append(
          Provenance.builder().codeCommit("abc").runId("r" + from).producer("test").build(), root);
    }
  }

  String uri() {
    return rest.baseUri().toString();
  }

  HttpResponse<String> call(String method, String path, String body, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(uri() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> authed(String method, String path, String body) throws Exception {
    return call(
        method, path, body, "Authorization", "Bearer " + TOKEN, "Content-Type", "application/json");
  }
}
