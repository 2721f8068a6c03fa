package dev.tracelake.pgwire;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every Iceberg type through pgjdbc, in the text and the binary format, and in the catalog. */
class JdbcTypesTest extends PgTestBase {

  @BeforeEach
  void createTable() {
    TypedTable.create(lake, allocator, PROV);
  }

  @Test
  void everyTypeHasItsPostgresTypeAndTextValue() throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM typed ORDER BY flag NULLS LAST")) {
      ResultSetMetaData md = rs.getMetaData();
      assertThat(rs.next()).isTrue();
      for (TypedTable.Column col : TypedTable.COLUMNS) {
        int i = rs.findColumn(col.name());
        assertThat(md.getColumnTypeName(i)).as(col.name()).isEqualTo(col.pgType());
        assertThat(rs.getString(i)).as(col.name()).isEqualTo(col.text());
      }
      assertThat(rs.next()).isTrue();
      for (TypedTable.Column col : TypedTable.COLUMNS) {
        assertThat(rs.getString(col.name())).as(col.name()).isNull();
      }
    }
  }

  @Test
  void binaryResultsDecodeToTheSameValues() throws Exception {
    Properties binary = new Properties();
    binary.setProperty("prepareThreshold", "-1"); // pgjdbc asks for binary from the first run
    binary.setProperty("binaryTransfer", "true");
    Map<String, Object> text = values(connect());
    Map<String, Object> bin = values(connect(binary));
    assertThat(bin).isEqualTo(text);
    assertThat(bin.get("small")).isEqualTo(-7);
    assertThat(bin.get("big")).isEqualTo(9007199254740993L);
    assertThat(bin.get("ratio")).isEqualTo(0.25f);
    assertThat(bin.get("measure")).isEqualTo(0.00001);
    assertThat(bin.get("price")).isEqualTo(new BigDecimal("-1234.56"));
    assertThat(bin.get("day")).isEqualTo(LocalDate.ofEpochDay(20_000));
    assertThat(bin.get("clock")).isEqualTo(LocalTime.of(13, 14, 15, 123_456_000));
    assertThat(bin.get("at"))
        .isEqualTo(OffsetDateTime.of(2023, 11, 14, 22, 13, 20, 123_456_000, ZoneOffset.UTC));
    assertThat(bin.get("local_at"))
        .isEqualTo(LocalDateTime.of(2023, 11, 14, 22, 13, 20, 500_000_000));
    assertThat(bin.get("tags")).isEqualTo(List.of("a", "b c", "null"));
    assertThat(bin.get("ids")).isEqualTo(List.of(1L, -2L));
  }

  /** Reads row 0 through a prepared statement, converting each column to a comparable value. */
  private static Map<String, Object> values(Connection c) throws Exception {
    try (c;
        PreparedStatement ps = c.prepareStatement("SELECT * FROM typed WHERE flag = ?")) {
      ps.setBoolean(1, true);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("flag", rs.getBoolean("flag"));
        out.put("small", rs.getInt("small"));
        out.put("big", rs.getLong("big"));
        out.put("ratio", rs.getFloat("ratio"));
        out.put("measure", rs.getDouble("measure"));
        out.put("price", rs.getBigDecimal("price"));
        out.put("label", rs.getString("label"));
        out.put("day", rs.getObject("day", LocalDate.class));
        out.put("clock", rs.getObject("clock", LocalTime.class));
        out.put("at", rs.getObject("at", OffsetDateTime.class));
        out.put("local_at", rs.getObject("local_at", LocalDateTime.class));
        out.put("blob", java.util.HexFormat.of().formatHex(rs.getBytes("blob")));
        out.put("fixed4", java.util.HexFormat.of().formatHex(rs.getBytes("fixed4")));
        List<String> tags = new ArrayList<>();
        for (Object o : (Object[]) rs.getArray("tags").getArray()) {
          tags.add(String.valueOf(o));
        }
        out.put("tags", tags);
        List<Long> ids = new ArrayList<>();
        for (Object o : (Object[]) rs.getArray("ids").getArray()) {
          ids.add((Long) o);
        }
        out.put("ids", ids);
        out.put("point", rs.getString("point"));
        out.put("attrs", rs.getString("attrs"));
        return out;
      }
    }
  }

  @Test
  void catalogReportsTheTypesQueriesReturn() throws Exception {
    try (Connection c = connect()) {
      DatabaseMetaData md = c.getMetaData();
      Map<String, String> catalog = new LinkedHashMap<>();
      try (ResultSet rs = md.getColumns(null, "default", "typed", "%")) {
        while (rs.next()) {
          catalog.put(rs.getString("COLUMN_NAME"), rs.getString("TYPE_NAME"));
        }
      }
      for (TypedTable.Column col : TypedTable.COLUMNS) {
        assertThat(catalog.get(col.name())).as(col.name()).isEqualTo(col.pgType());
      }
      assertThat(catalog)
          .containsEntry("_ingested_at", "timestamptz")
          .containsEntry("_lineage", "json");
    }
  }
}
