package dev.tracelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracelake.proto.v1.ColumnList;
import dev.tracelake.proto.v1.ColumnSpec;
import dev.tracelake.proto.v1.CreateTableRequest;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile requests from a gRPC stack we did not write: Debian's python3-grpcio runs {@code
 * hostile_client.py} (test resources) against this server on a loopback port, with stubs protoc
 * generates here from the repository's protos. Every case must get its documented status, reason
 * and field in google.rpc details, a message under the bound, and leave the server serving and the
 * existing tables unchanged. Skipped, saying so, only when python3-grpcio (or protoc with its
 * Python gRPC plugin) is missing; CI installs them.
 */
class PythonHostileClientTest extends IngestServerTestBase {
  @TempDir Path stubs;

  /** The expected answer of each case the script runs: code, reason suffix, field prefix. */
  private static final Map<String, String[]> EXPECTED = new LinkedHashMap<>();

  static {
    expect("huge table name", "INVALID_ARGUMENT", "table");
    expect("NUL in a column name", "INVALID_ARGUMENT", "columns.columns[0]");
    expect("decimal(10,20)", "INVALID_ARGUMENT", "columns.columns[0]");
    expect("duplicate columns", "INVALID_ARGUMENT", "columns.columns[1]");
    expect("24-byte schema bomb", "INVALID_ARGUMENT", "arrow_schema");
    expect("missing branch offset", "NOT_FOUND", "branch");
    expect("case variant table", "ALREADY_EXISTS", "table");
    expect("NUL in run_id", "INVALID_ARGUMENT", "provenance.run_id");
    expect("huge writer id", "INVALID_ARGUMENT", "writer_id");
    expect("offset gap", "OUT_OF_RANGE", "offset");
    expect("rows bomb", "INVALID_ARGUMENT", "arrow_rows.ipc_stream");
    expect("decimal bomb", "INVALID_ARGUMENT", "json_rows.rows[0]");
    expect("JSON nested 10000 deep", "INVALID_ARGUMENT", "json_rows.rows[0]");
    expect("float overflow", "INVALID_ARGUMENT", "json_rows.rows[0]");
    expect("date out of range", "INVALID_ARGUMENT", "json_rows.rows[0]");
    expect("lineage blank table", "INVALID_ARGUMENT", "");
    expect("lineage unknown table", "INVALID_ARGUMENT", "");
    expect("zero rows", "INVALID_ARGUMENT", "rows");
    expect("no rows at all", "INVALID_ARGUMENT", "rows");
    expect("int64 as string", "OK", null);
  }

  private static void expect(String name, String code, String field) {
    EXPECTED.put(name, new String[] {code, field});
  }

  @Test
  void aPythonClientsHostileRequestsGetDocumentedStatuses() throws Exception {
    String python = pythonWithGrpc();
    Path protoc = onPath("protoc");
    Path plugin = onPath("grpc_python_plugin");
    Assumptions.assumeTrue(
        protoc != null && plugin != null,
        "protoc or grpc_python_plugin is missing: apt-get install protobuf-compiler-grpc");
    generateStubs(protoc, plugin);
    createEvents("events");
    stub()
        .createTable(
            CreateTableRequest.newBuilder()
                .setTable("typed")
                .setColumns(
                    ColumnList.newBuilder()
                        .addColumns(
                            ColumnSpec.newBuilder().setName("amount").setType("decimal(10, 2)"))
                        .addColumns(ColumnSpec.newBuilder().setName("ratio").setType("float"))
                        .addColumns(ColumnSpec.newBuilder().setName("day").setType("date")))
                .build());
    Path script = stubs.resolve("hostile_client.py");
    try (InputStream in = getClass().getResourceAsStream("/python/hostile_client.py")) {
      Files.copy(in, script);
    }

    List<String> lines =
        run(List.of(python, script.toString(), stubs.toString(), "127.0.0.1:" + server.port()));

    ObjectMapper json = new ObjectMapper();
    Map<String, JsonNode> answers = new LinkedHashMap<>();
    for (String line : lines) {
      JsonNode node = json.readTree(line);
      answers.put(node.get("case").asText(), node);
    }
    assertThat(answers.keySet()).containsExactlyElementsOf(EXPECTED.keySet());
    for (Map.Entry<String, String[]> e : EXPECTED.entrySet()) {
      JsonNode answer = answers.get(e.getKey());
      String code = e.getValue()[0];
      assertThat(answer.get("code").asText()).as(e.getKey() + ": " + answer).isEqualTo(code);
      if (code.equals("OK")) {
        continue;
      }
      assertThat(answer.get("message_length").asInt()).as(e.getKey()).isBetween(1, 1024);
      assertThat(answer.get("domain").asText()).as(e.getKey()).isEqualTo(GrpcErrors.DOMAIN);
      String reason = code.equals("OUT_OF_RANGE") ? "OFFSET_OUT_OF_RANGE" : code;
      assertThat(answer.get("reason").asText()).as(e.getKey()).isEqualTo("ERROR_REASON_" + reason);
      assertThat(answer.get("field").asText())
          .as(e.getKey() + ": " + answer)
          .startsWith(e.getValue()[1]);
      if (code.equals("INVALID_ARGUMENT")) {
        assertThat(answer.has("bad_request")).as(e.getKey()).isTrue();
      }
    }
    assertThat(
            HealthGrpc.newBlockingStub(channel)
                .check(HealthCheckRequest.newBuilder().setService("").build())
                .getStatus())
        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    // only the well-formed request wrote, and only its row
    assertThat(eventIds("events", null)).containsExactly(9007199254740993L);
    assertThat(snapshotCount("typed")).isZero();
    assertThat(lake.tables())
        .extracting(Object::toString)
        .containsExactly("default.events", "default.typed");
  }

  /** Debian's python3 (where python3-grpcio installs), else the python3 on the PATH. */
  private static String pythonWithGrpc() throws Exception {
    for (String candidate : List.of("/usr/bin/python3", "python3")) {
      try {
        Process p =
            new ProcessBuilder(candidate, "-c", "import grpc, google.protobuf")
                .redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return candidate;
        }
      } catch (IOException missing) {
        // try the next one
      }
    }
    Assumptions.abort(
        "python3-grpcio is missing (apt-get install python3-grpcio python3-protobuf"
            + " protobuf-compiler-grpc): the Python hostile-client test did not run");
    return null;
  }

  private static Path onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /** Generates the Python stubs of Tracelake's and google.rpc's protos into the temp dir. */
  private void generateStubs(Path protoc, Path plugin) throws Exception {
    Path protos = Path.of("../../proto/src/main/proto").toAbsolutePath().normalize();
    assertThat(protos.resolve("tracelake/v1/ingest.proto")).exists();
    Path google = stubs.resolve("protos");
    for (String name : List.of("google/rpc/status.proto", "google/rpc/error_details.proto")) {
      Path target = google.resolve(name);
      Files.createDirectories(target.getParent());
      try (InputStream in = getClass().getClassLoader().getResourceAsStream(name)) {
        assertThat(in).as(name + " on the classpath (proto-google-common-protos)").isNotNull();
        Files.copy(in, target);
      }
    }
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            protoc.toString(),
            "-I" + protos,
            "-I" + google,
            "--python_out=" + stubs,
            "--grpc_out=" + stubs,
            "--plugin=protoc-gen-grpc=" + plugin,
            "tracelake/v1/access.proto",
            "tracelake/v1/common.proto",
            "tracelake/v1/ingest.proto",
            "google/rpc/status.proto",
            "google/rpc/error_details.proto"));
    if (Files.isDirectory(Path.of("/usr/include/google/protobuf"))) {
      command.add(1, "-I/usr/include");
    }
    run(command);
  }

  private static List<String> run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
    byte[] err;
    String out;
    try (InputStream stdout = p.getInputStream();
        InputStream stderr = p.getErrorStream()) {
      var errBytes = new java.util.concurrent.CompletableFuture<byte[]>();
      Thread drain =
          new Thread(
              () -> {
                try {
                  errBytes.complete(stderr.readAllBytes());
                } catch (IOException e) {
                  errBytes.complete(new byte[0]);
                }
              });
      drain.start();
      out = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
      err = errBytes.get(300, TimeUnit.SECONDS);
    }
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue())
        .as(command.get(0) + " failed: " + new String(err, StandardCharsets.UTF_8))
        .isZero();
    return out.lines().filter(l -> !l.isBlank()).toList();
  }
}
