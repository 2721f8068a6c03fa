package dev.tracelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code snapshots} pages, {@code compact} and {@code remove-orphans}, run as a user runs them. */
class HistoryCommandsTest {
  private static final String TABLE = "demo.people";

  @TempDir Path dir;
  private CliHarness cli;
  private final List<Long> loaded = new ArrayList<>();

  @BeforeEach
  void loadSeven() {
    cli = new CliHarness(dir.resolve("warehouse"));
    for (int i = 0; i < 7; i++) {
      Path csv = TestFiles.text(dir, "people-" + i + ".csv", TestFiles.peopleCsv(i * 10, 2));
      List<String> args = new ArrayList<>(List.of("load", TABLE, csv.toString()));
      if (i == 0) {
        args.add("--create");
      }
      args.add("--format");
      args.add("json");
      loaded.add(cli.run(args.toArray(String[]::new)).json().get("snapshotId").asLong());
    }
  }

  private static List<Long> ids(JsonNode snapshots) {
    List<Long> ids = new ArrayList<>();
    snapshots.forEach(s -> ids.add(s.get("snapshotId").asLong()));
    return ids;
  }

  @Test
  void snapshotsPrintTheNewestPageAndTheTokenForTheRest() {
    CliHarness.Result first = cli.run("snapshots", TABLE, "--limit", "3", "--format", "json");
    assertThat(first.exitCode()).isZero();
    assertThat(ids(first.json())).containsExactlyElementsOf(loaded.subList(4, 7));
    String token = first.err().replaceAll("(?s).*--page-token (\\S+).*", "$1").trim();
    assertThat(token).startsWith("before-seq-");

    CliHarness.Result second =
        cli.run("snapshots", TABLE, "--limit", "3", "--page-token", token, "--format", "json");
    assertThat(ids(second.json())).containsExactlyElementsOf(loaded.subList(1, 4));
    String text = cli.ok("snapshots", TABLE, "--limit", "3", "--page-token", token);
    assertThat(text).contains("Showing the newest 3; older ones: tracelake snapshots " + TABLE);

    assertThat(ids(cli.json("snapshots", TABLE, "--all"))).containsExactlyElementsOf(loaded);
    assertThat(ids(cli.json("snapshots", TABLE))).containsExactlyElementsOf(loaded);

    CliHarness.Result bad = cli.run("snapshots", TABLE, "--page-token", "nope");
    assertThat(bad.exitCode()).isEqualTo(TracelakeCli.EXIT_FAILURE);
    assertThat(bad.err()).contains("Invalid page token 'nope'");
    CliHarness.Result usage = cli.run("snapshots", TABLE, "--all", "--limit", "2");
    assertThat(usage.exitCode()).isEqualTo(TracelakeCli.EXIT_USAGE);
    assertThat(cli.run("snapshots", TABLE, "--limit", "0").exitCode())
        .isEqualTo(TracelakeCli.EXIT_USAGE);
  }

  @Test
  void compactArchivesHistoryAndCompactsTheHeadAndEverySnapshotStillLists() {
    JsonNode upkeep =
        cli.json(
            "compact", TABLE, "--live-snapshots", "2", "--archive-batch", "1", "--fan-in", "2");
    assertThat(upkeep.get("table").asText()).isEqualTo(TABLE);
    assertThat(upkeep.get("archive").get("expired").asInt()).isEqualTo(5);
    assertThat(upkeep.get("archive").get("liveAfter").asInt()).isEqualTo(2);
    assertThat(upkeep.get("headFilesBefore").asInt()).isEqualTo(7);
    assertThat(upkeep.get("headFilesAfter").asInt()).isEqualTo(1);
    assertThat(upkeep.get("compactions")).isNotEmpty();
    // archived snapshots list and read as before; the compaction is one more snapshot
    JsonNode all = cli.json("snapshots", TABLE, "--all");
    assertThat(ids(all).subList(0, 7)).containsExactlyElementsOf(loaded);
    assertThat(all.get(all.size() - 1).get("operation").asText()).isEqualTo("replace");
    assertThat(cli.json("describe", TABLE).get("snapshotCount").asInt()).isEqualTo(all.size());
    JsonNode first =
        cli.json(
            "sql",
            "-e",
            "SELECT count(*) AS n FROM demo.people FOR VERSION AS OF " + loaded.get(0));
    assertThat(first.get(0).get("n").asLong()).isEqualTo(2);
    String text = cli.ok("compact", TABLE);
    assertThat(text).contains(TABLE + ": compacted 0 small files");

    CliHarness.Result neither = cli.run("compact");
    assertThat(neither.exitCode()).isEqualTo(TracelakeCli.EXIT_USAGE);
    assertThat(neither.err()).contains("Name one table or pass --all-tables");
  }

  @Test
  void removeOrphansRefusesYoungCutOffsAndFindsNothingInAHealthyTable() {
    CliHarness.Result young = cli.run("remove-orphans", TABLE, "--older-than", "30m");
    assertThat(young.exitCode()).isEqualTo(TracelakeCli.EXIT_FAILURE);
    assertThat(young.err()).contains("--older-than must be at least 1h").contains("got 30m");
    CliHarness.Result garbage = cli.run("remove-orphans", TABLE, "--older-than", "soon\u0007");
    assertThat(garbage.err()).contains("'soon?' is not a duration");
    JsonNode report = cli.json("remove-orphans", TABLE, "--older-than", "2h", "--dry-run");
    assertThat(report.get("removed").asBoolean()).isFalse();
    assertThat(report.get("orphans")).isEmpty();
    assertThat(report.get("filesScanned").asLong()).isGreaterThan(7);
  }
}
