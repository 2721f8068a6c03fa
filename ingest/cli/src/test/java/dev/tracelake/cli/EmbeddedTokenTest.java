package dev.tracelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code --token} given to a command that reads the embedded lake is refused, not ignored: the
 * token's grants would not apply there, and the user would not know. Commands without a token still
 * read the embedded lake.
 */
class EmbeddedTokenTest {
  @TempDir Path warehouse;

  @Test
  void anExplicitTokenOnAnEmbeddedReadIsRefusedWithTheWayOn() {
    CliHarness cli = new CliHarness(warehouse);
    cli.json("demo", "--rows", "5");
    String table = cli.json("tables").get(0).get("table").asText();
    for (List<String> command :
        List.of(
            List.of("sql", "-e", "SELECT count(*) FROM " + table),
            List.of("tables"),
            List.of("snapshots", table))) {
      List<String> withToken = new java.util.ArrayList<>(command);
      withToken.addAll(List.of("--token", "tlk_someone"));
      CliHarness.Result refused = cli.run(withToken.toArray(String[]::new));
      assertThat(refused.exitCode()).as(String.join(" ", command)).isNotZero();
      assertThat(refused.err())
          .as(String.join(" ", command))
          .contains("--token is for a server")
          .contains("--server")
          .contains(warehouse.toString())
          .doesNotContain("tlk_someone");
      assertThat(refused.out()).isEmpty();
      // without the token the same command reads the embedded lake
      assertThat(cli.run(command.toArray(String[]::new)).exitCode())
          .as(String.join(" ", command))
          .isZero();
    }
  }
}
