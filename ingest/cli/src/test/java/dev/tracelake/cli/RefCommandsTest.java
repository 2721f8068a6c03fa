package dev.tracelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RefCommandsTest {
  private static final String TABLE = "demo.people";

  @TempDir Path dir;
  private CliHarness cli;

  @BeforeEach
  void setUp() {
    cli = new CliHarness(dir.resolve("warehouse"));
    cli.ok("load", TABLE, TestFiles.people(dir, FileFormat.CSV).toString(), "--create");
  }

  private String csv(String name, int from, int rows) {
    return TestFiles.text(dir, name, TestFiles.peopleCsv(from, rows)).toString();
  }

  /** Returns the refs of the table as name to "type@snapshot". */
  private Map<String, String> refs() {
    Map<String, String> refs = new HashMap<>();
    for (JsonNode ref : cli.json("refs", TABLE)) {
      refs.put(
          ref.get("name").asText(),
          ref.get("type").asText() + "@" + ref.get("snapshotId").asLong());
    }
    return refs;
  }

  @Test
  void tagDefaultsToTheHeadOfMain() {
    long head = cli.mainHead(TABLE);

    JsonNode tag = cli.json("tag", TABLE, "v1");

    assertThat(tag.get("name").asText()).isEqualTo("v1");
    assertThat(tag.get("type").asText()).isEqualTo("tag");
    assertThat(tag.get("snapshotId").asLong()).isEqualTo(head);
    assertThat(refs()).isEqualTo(Map.of("main", "branch@" + head, "v1", "tag@" + head));
    assertThat(cli.ok("refs", TABLE))
        .isEqualTo(
            String.format(
                "REF   TYPE    SNAPSHOT%nmain  branch  %d%nv1    tag     %d%n", head, head));
  }

  @Test
  void tagAtAnOlderSnapshotAndReadItsHistory() {
    long first = cli.mainHead(TABLE);
    cli.ok("load", TABLE, csv("more.csv", 10, 2));

    String out = cli.ok("tag", TABLE, "first", "--snapshot", Long.toString(first));

    assertThat(out).isEqualTo("Tagged snapshot " + first + " of demo.people as 'first'.\n");
    JsonNode history = cli.json("snapshots", TABLE, "--ref", "first");
    assertThat(history).hasSize(1);
    assertThat(history.get(0).get("snapshotId").asLong()).isEqualTo(first);
  }

  @Test
  void tagNamesAreNeverReused() {
    cli.ok("tag", TABLE, "v1");

    CliHarness.Result again = cli.run("tag", TABLE, "v1");

    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err())
        .isEqualTo(
            "error: Table demo.people already has a tag 'v1' (at snapshot "
                + cli.mainHead(TABLE)
                + "); tags are immutable\n");
  }

  @Test
  void tagOfATableWithoutSnapshotsFails() {
    cli.ok("load", "demo.empty", TestFiles.text(dir, "e.csv", "a,b\n").toString(), "--create");

    CliHarness.Result tag = cli.run("tag", "demo.empty", "v1");

    assertThat(tag.exitCode()).isEqualTo(1);
    assertThat(tag.err())
        .isEqualTo(
            "error: Table demo.empty has no snapshot on main yet; load data first or pass"
                + " --snapshot\n");
  }

  @Test
  void writeAuditPublish() {
    long before = cli.mainHead(TABLE);
    JsonNode branch = cli.json("branch", TABLE, "audit");
    assertThat(branch.get("type").asText()).isEqualTo("branch");
    assertThat(branch.get("snapshotId").asLong()).isEqualTo(before);

    JsonNode load = cli.json("load", TABLE, csv("audit.csv", 10, 2), "--branch", "audit");

    assertThat(load.get("branch").asText()).isEqualTo("audit");
    long audited = load.get("snapshotId").asLong();
    assertThat(cli.mainHead(TABLE)).isEqualTo(before);
    assertThat(cli.json("describe", TABLE).get("currentSnapshot").get("totalRows").asLong())
        .isEqualTo(3);
    assertThat(cli.json("snapshots", TABLE, "--ref", "audit").findValuesAsText("snapshotId"))
        .containsExactly(Long.toString(before), Long.toString(audited));

    String published = cli.ok("publish", TABLE, "audit");

    assertThat(published)
        .isEqualTo(
            "Published branch 'audit' of demo.people: main is now at snapshot " + audited + ".\n");
    assertThat(refs()).isEqualTo(Map.of("main", "branch@" + audited, "audit", "branch@" + audited));
    assertThat(cli.json("describe", TABLE).get("currentSnapshot").get("totalRows").asLong())
        .isEqualTo(5);
  }

  @Test
  void fastForwardOptionMovesTheTargetToTheSource() {
    cli.ok("branch", TABLE, "staging");
    long staged =
        cli.json("load", TABLE, csv("s.csv", 10, 2), "--branch", "staging")
            .get("snapshotId")
            .asLong();

    JsonNode moved = cli.json("branch", TABLE, "--fast-forward", "main", "--to", "staging");

    assertThat(moved.get("name").asText()).isEqualTo("main");
    assertThat(moved.get("snapshotId").asLong()).isEqualTo(staged);
    assertThat(cli.mainHead(TABLE)).isEqualTo(staged);
  }

  @Test
  void publishFailsWhenMainMovedOnSinceTheBranchWasMade() {
    cli.ok("branch", TABLE, "audit");
    cli.ok("load", TABLE, csv("audit.csv", 10, 2), "--branch", "audit");
    cli.ok("load", TABLE, csv("main.csv", 20, 2));
    long main = cli.mainHead(TABLE);

    CliHarness.Result publish = cli.run("publish", TABLE, "audit");

    assertThat(publish.exitCode()).isEqualTo(1);
    assertThat(publish.err())
        .startsWith("error: Table demo.people: cannot fast-forward 'main' to 'audit': ");
    assertThat(cli.mainHead(TABLE)).isEqualTo(main);
  }

  @Test
  void branchAtAnOlderSnapshot() {
    long first = cli.mainHead(TABLE);
    cli.ok("load", TABLE, csv("more.csv", 10, 2));

    String out = cli.ok("branch", TABLE, "replay", "--snapshot", Long.toString(first));

    assertThat(out)
        .isEqualTo("Created branch 'replay' of demo.people at snapshot " + first + ".\n");
    assertThat(refs()).containsEntry("replay", "branch@" + first);
  }

  @Test
  void branchNamesMustBeValid() {
    CliHarness.Result branch = cli.run("branch", TABLE, "12345");

    assertThat(branch.exitCode()).isEqualTo(1);
    assertThat(branch.err())
        .isEqualTo(
            "error: Invalid ref name '12345': a name made only of digits reads as a snapshot"
                + " id\n");
  }

  @Test
  void branchWithBothANameAndFastForwardIsAUsageError() {
    CliHarness.Result both =
        cli.run("branch", TABLE, "audit", "--fast-forward", "main", "--to", "x");

    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err())
        .startsWith("error: --fast-forward takes no branch name and no --snapshot\n")
        .contains("Run 'tracelake branch --help' for usage.");
  }

  @Test
  void branchWithoutANameIsAUsageError() {
    CliHarness.Result none = cli.run("branch", TABLE);

    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err()).startsWith("error: Missing the branch name: branch <table> <name>\n");
  }

  @Test
  void fastForwardWithoutToIsAUsageError() {
    CliHarness.Result half = cli.run("branch", TABLE, "--fast-forward", "main");

    assertThat(half.exitCode()).isEqualTo(2);
    assertThat(half.err()).startsWith("error: --fast-forward needs --to <source>\n");
  }
}
