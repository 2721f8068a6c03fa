package dev.tracelake.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What an attacker or a broken client sends: bad lengths, truncated and unterminated messages,
 * unknown protocols and messages, values of the wrong type, statements that try to write. Each gets
 * a clear error, the server keeps serving, and the lake's files stay as they were.
 */
class HostileInputTest extends PgTestBase {
  private Map<String, Long> filesBefore;

  @Override
  PgServerConfig pgConfig() {
    return PgServerConfig.defaults()
        .withPort(0)
        .withMaxConnections(4)
        .withMaxMessageBytes(64 * 1024)
        .withAuthenticationTimeout(Duration.ofSeconds(2));
  }

  @BeforeEach
  void fill() throws IOException {
    appendEvents(events(), 0, 5);
    filesBefore = files();
  }

  @AfterEach
  void serverStillAnswersAndNothingChanged() throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*), sum(event_id) FROM events")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(5);
      assertThat(rs.getLong(2)).isEqualTo(10);
    }
    assertThat(files()).isEqualTo(filesBefore);
  }

  /** Every data and metadata file of the lake with its size (the token file aside). */
  private Map<String, Long> files() throws IOException {
    Map<String, Long> out = new TreeMap<>();
    try (Stream<Path> all = Files.walk(warehouse.resolve("default"))) {
      for (Path p : all.filter(Files::isRegularFile).toList()) {
        out.put(warehouse.relativize(p).toString(), Files.size(p));
      }
    }
    return out;
  }

  private static RawPgClient.Message onlyError(List<RawPgClient.Message> messages) {
    assertThat(messages).extracting(RawPgClient.Message::type).contains('E');
    return messages.stream().filter(m -> m.type() == 'E').findFirst().orElseThrow();
  }

  @ParameterizedTest
  @ValueSource(ints = {Integer.MAX_VALUE, 1 << 30, 10_001, 7, 0, -1})
  void startupPacketsWithImpossibleLengthsAreRefused(int length) throws Exception {
    try (RawPgClient raw = new RawPgClient(port())) {
      raw.sendInt(length);
      raw.sendInt(196_608);
      RawPgClient.Message error = onlyError(raw.readUntilReady());
      assertThat(error.fields()).containsEntry('S', "FATAL").containsEntry('C', "08P01");
      assertThat(error.fields().get('M')).contains("Invalid startup packet length " + length);
    }
  }

  @Test
  void wrongProtocolVersionsAreRefused() throws Exception {
    try (RawPgClient raw = new RawPgClient(port())) {
      raw.sendInt(8);
      raw.sendInt(2 << 16); // protocol 2.0
      RawPgClient.Message error = onlyError(raw.readUntilReady());
      assertThat(error.fields()).containsEntry('C', "0A000");
      assertThat(error.fields().get('M')).contains("unsupported frontend protocol 2.0");
    }
  }

  @Test
  void newerMinorVersionIsNegotiatedDown() throws Exception {
    try (RawPgClient raw = new RawPgClient(port())) {
      byte[] params =
          concat(
              RawPgClient.cstring("user"),
              RawPgClient.cstring("x"),
              RawPgClient.cstring("_pq_.future"),
              RawPgClient.cstring("1"),
              new byte[] {0});
      raw.sendInt(params.length + 8);
      raw.sendInt((3 << 16) | 2); // protocol 3.2
      raw.sendRaw(params);
      RawPgClient.Message negotiate = raw.read();
      assertThat(negotiate.type()).isEqualTo('v');
      assertThat(new String(negotiate.body(), java.nio.charset.StandardCharsets.UTF_8))
          .contains("_pq_.future");
      assertThat(raw.read().type()).isEqualTo('R'); // then authentication as usual
    }
  }

  @Test
  void startupParametersWithoutTerminatingNulAreRefused() throws Exception {
    try (RawPgClient raw = new RawPgClient(port())) {
      byte[] params = "user\0analyst\0database".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      raw.sendInt(params.length + 8);
      raw.sendInt(196_608);
      raw.sendRaw(params);
      RawPgClient.Message error = onlyError(raw.readUntilReady());
      assertThat(error.fields()).containsEntry('C', "08P01");
      assertThat(error.fields().get('M')).contains("has no terminating NUL");
    }
  }

  @Test
  void startupWithoutUserIsRefused() throws Exception {
    try (RawPgClient raw = new RawPgClient(port())) {
      raw.startup(Map.of("database", "tracelake"));
      RawPgClient.Message error = onlyError(raw.readUntilReady());
      assertThat(error.fields()).containsEntry('C', "28000");
    }
  }

  @Test
  void truncatedStartupAndSilentClientsAreDropped() throws Exception {
    try (RawPgClient raw = new RawPgClient(port())) {
      raw.sendInt(100);
      raw.sendInt(196_608); // then nothing more: the authentication timeout ends it
      RawPgClient.Message error = onlyError(raw.readUntilReady());
      assertThat(error.fields()).containsEntry('C', "08006");
      assertThat(error.fields().get('M')).contains("timeout while starting up");
    }
  }

  @Test
  void gigabyteMessageLengthIsRefusedWithoutReadingIt() throws Exception {
    try (RawPgClient raw = new RawPgClient(port())) {
      assertThat(raw.login("analyst", TOKEN)).extracting(RawPgClient.Message::type).endsWith('Z');
      raw.sendRaw(new byte[] {'Q', 0x40, 0, 0, 0}); // 1 GiB declared, nothing sent
      RawPgClient.Message error = onlyError(raw.readUntilReady());
      assertThat(error.fields()).containsEntry('S', "FATAL").containsEntry('C', "54000");
      assertThat(error.fields().get('M'))
          .contains("1073741824 bytes is larger than the limit of 65536 bytes");
    }
  }

  @Test
  void unterminatedQueryAndUnknownMessagesEndTheConnection() throws Exception {
    try (RawPgClient raw = new RawPgClient(port())) {
      raw.login("analyst", TOKEN);
      raw.send('Q', "SELECT 1".getBytes(java.nio.charset.StandardCharsets.UTF_8)); // no NUL
      assertThat(onlyError(raw.readUntilReady()).fields())
          .containsEntry('C', "08P01")
          .containsEntry('S', "FATAL");
    }
    try (RawPgClient raw = new RawPgClient(port())) {
      raw.login("analyst", TOKEN);
      raw.send('y', new byte[] {1, 2, 3});
      RawPgClient.Message error = onlyError(raw.readUntilReady());
      assertThat(error.fields().get('M')).contains("invalid frontend message type 'y'");
    }
  }

  @Test
  void truncatedFieldsInsideAMessageAreProtocolViolations() throws Exception {
    try (RawPgClient raw = new RawPgClient(port())) {
      raw.login("analyst", TOKEN);
      // Parse: name, query, then a parameter count of 5 but no type OIDs
      byte[] parse =
          concat(RawPgClient.cstring(""), RawPgClient.cstring("SELECT $1"), new byte[] {0, 5});
      raw.send('P', parse);
      raw.send('S', new byte[0]);
      RawPgClient.Message error = onlyError(raw.readUntilReady());
      assertThat(error.fields()).containsEntry('C', "08P01");
      assertThat(error.fields().get('M')).contains("expected an Int32");
    }
  }

  @Test
  void parametersOfTheWrongTypeAreRefusedBeforeTheEngine() throws Exception {
    try (RawPgClient raw = new RawPgClient(port())) {
      raw.login("analyst", TOKEN);
      // Parse "SELECT count(*) FROM events WHERE event_id > $1" with $1 declared int8
      raw.send(
          'P',
          concat(
              RawPgClient.cstring("s1"),
              RawPgClient.cstring("SELECT count(*) FROM events WHERE event_id > $1"),
              new byte[] {0, 1, 0, 0, 0, 20}));
      // Bind text "1; DROP TABLE events" as the int8
      raw.send('B', bind("s1", 0, "1; DROP TABLE events".getBytes()));
      raw.send('S', new byte[0]);
      List<RawPgClient.Message> first = raw.readUntilReady();
      RawPgClient.Message error = onlyError(first);
      assertThat(error.fields()).containsEntry('S', "ERROR").containsEntry('C', "22P02");
      assertThat(error.fields().get('M'))
          .contains("invalid input for parameter $1 of type int8: \"1; DROP TABLE events\"");
      // binary int8 of 3 bytes
      raw.send('B', bind("s1", 1, new byte[] {0, 0, 1}));
      raw.send('S', new byte[0]);
      assertThat(onlyError(raw.readUntilReady()).fields()).containsEntry('C', "22P02");
      // the connection is still usable: a correct value runs
      raw.send('B', bind("s1", 0, "2".getBytes()));
      raw.send('E', concat(RawPgClient.cstring(""), new byte[] {0, 0, 0, 0}));
      raw.send('S', new byte[0]);
      List<RawPgClient.Message> ok = raw.readUntilReady();
      assertThat(ok).extracting(RawPgClient.Message::type).containsExactly('2', 'S', 'D', 'C', 'Z');
    }
  }

  @Test
  void bindWithTheWrongNumberOfParametersIsAnError() throws Exception {
    try (Connection c = connect();
        java.sql.PreparedStatement ps = c.prepareStatement("SELECT ? + ?")) {
      ps.setInt(1, 1);
      assertThatThrownBy(ps::executeQuery).isInstanceOf(SQLException.class);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "INSERT INTO events VALUES (9, 'x', 1.0)",
        "UPDATE events SET amount = 0",
        "DELETE FROM events",
        "DROP TABLE events",
        "CREATE TABLE stolen AS SELECT * FROM events",
        "COPY (SELECT 1) TO '/tmp/tracelake-pg-hostile.csv'",
        "WITH c AS (COPY (SELECT 1) TO 'x.parquet' (FORMAT parquet)) SELECT 1",
        "ATTACH '/tmp/tracelake-pg-hostile.db' AS other",
        "INSTALL httpfs",
        "LOAD httpfs",
        "PRAGMA enable_external_access",
        "CALL duckdb_settings()",
        "EXPORT DATABASE '/tmp/tracelake-pg-hostile'",
        "CHECKPOINT",
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM events; DELETE FROM events"
      })
  void statementsThatTryToWriteAreRefusedByTheEngine(String sql) throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.execute(sql))
          .isInstanceOf(SQLException.class)
          .satisfies(
              e ->
                  assertThat(((SQLException) e).getSQLState())
                      .as(e.getMessage())
                      .isIn("42501", "42601", "0A000"));
    }
    assertThat(Path.of("/tmp/tracelake-pg-hostile.csv")).doesNotExist();
  }

  @Test
  void connectionsBeyondTheLimitAreRefused() throws Exception {
    try (Connection a = connect();
        Connection b = connect();
        Connection c = connect();
        Connection d = connect()) {
      assertThatThrownBy(this::connect)
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("too many clients already")
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("53300"));
      assertThat(a.isValid(5) && b.isValid(5) && c.isValid(5) && d.isValid(5)).isTrue();
    }
  }

  private static byte[] bind(String statement, int format, byte[] value) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.write(RawPgClient.cstring(""));
    d.write(RawPgClient.cstring(statement));
    d.writeShort(1);
    d.writeShort(format);
    d.writeShort(1);
    d.writeInt(value.length);
    d.write(value);
    d.writeShort(0);
    return b.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.writeBytes(p);
    }
    return b.toByteArray();
  }
}
