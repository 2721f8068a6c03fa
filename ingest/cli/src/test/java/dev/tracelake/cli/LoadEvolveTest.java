package dev.tracelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code load --evolve}: a file with new columns adds them instead of failing the load. */
class LoadEvolveTest {
  private static final String TABLE = "demo.people";

  @TempDir Path dir;
  private CliHarness cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliHarness(dir.resolve("warehouse"));
    Path first = dir.resolve("first.csv");
    Files.writeString(first, "id,name\n1,ann\n2,bob\n", StandardCharsets.UTF_8);
    cli.ok("load", TABLE, first.toString(), "--create");
  }

  private Path second() throws Exception {
    Path second = dir.resolve("second.jsonl");
    Files.writeString(
        second,
        "{\"id\": 3, \"name\": \"cy\", \"country\": \"NL\", \"age\": 41}\n"
            + "{\"id\": 4, \"name\": \"di\", \"country\": \"FR\", \"age\": 37}\n",
        StandardCharsets.UTF_8);
    return second;
  }

  @Test
  void withoutEvolveANewColumnFailsTheLoad() throws Exception {
    CliHarness.Result load = cli.run("load", TABLE, second().toString());
    assertThat(load.exitCode()).isEqualTo(1);
    assertThat(load.err()).contains("Column 'country'", "is not in table demo.people");
    assertThat(cli.snapshotCount(TABLE)).isEqualTo(1);
  }

  @Test
  void evolveAddsTheNewColumnsAndOlderRowsReadThemAsNull() throws Exception {
    CliHarness.Result load = cli.run("load", TABLE, second().toString(), "--evolve");
    assertThat(load.exitCode()).as(load.err()).isZero();
    assertThat(load.out()).contains("Loaded 2 rows");

    JsonNode columns = cli.json("describe", TABLE).get("columns");
    List<String> names =
        StreamSupport.stream(columns.spliterator(), false)
            .filter(c -> !c.get("metadata").asBoolean())
            .map(c -> c.get("name").asText() + ":" + c.get("type").asText())
            .toList();
    assertThat(names).containsExactly("id:long", "name:string", "country:string", "age:long");

    JsonNode rows = cli.json("sql", "-e", "SELECT id, country, age FROM demo.people ORDER BY id");
    assertThat(rows.toString())
        .isEqualTo(
            "[{\"id\":1,\"country\":null,\"age\":null},{\"id\":2,\"country\":null,\"age\":null},"
                + "{\"id\":3,\"country\":\"NL\",\"age\":41},{\"id\":4,\"country\":\"FR\",\"age\":37}]");
    // the first snapshot still reads with the columns it was written with
    long first = cli.json("snapshots", TABLE).get(0).get("snapshotId").asLong();
    JsonNode old =
        cli.json("sql", "-e", "SELECT * FROM demo.people FOR VERSION AS OF " + first + " LIMIT 1");
    assertThat(old.get(0).has("country")).isFalse();

    // a second --evolve load of the same file adds nothing more
    assertThat(cli.run("load", TABLE, second().toString(), "--evolve").exitCode()).isZero();
    assertThat(cli.json("describe", TABLE).get("columns")).hasSize(columns.size());
  }

  @Test
  void evolveRefusesAReservedColumnNameAndLoadsNothing() throws Exception {
    Path bad = dir.resolve("bad.csv");
    Files.writeString(bad, "id,name,_secret\n5,ed,x\n", StandardCharsets.UTF_8);
    CliHarness.Result load = cli.run("load", TABLE, bad.toString(), "--evolve");
    assertThat(load.exitCode()).isEqualTo(1);
    assertThat(load.err()).contains("'_secret'", "reserved");
    assertThat(cli.snapshotCount(TABLE)).isEqualTo(1);
  }
}
