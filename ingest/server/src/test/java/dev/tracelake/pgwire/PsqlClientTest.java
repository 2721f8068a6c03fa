package dev.tracelake.pgwire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.lake.AppendResult;
import dev.tracelake.lake.LakeTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** psql 15 from Debian's postgresql-client, as a person types into it. */
class PsqlClientTest extends PgTestBase {

  private ExternalClient.Result psql(String password, String conninfoExtra, String... commands)
      throws Exception {
    List<String> cmd =
        ExternalClient.command(
            ExternalClient.require("psql", "postgresql-client"),
            "-X",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-v",
            "VERBOSITY=verbose",
            "host=127.0.0.1 port=" + port() + " user=analyst dbname=tracelake " + conninfoExtra);
    for (String c : commands) {
      cmd.add("-c");
      cmd.add(c);
    }
    return ExternalClient.run(
        cmd, Map.of("PGPASSWORD", password, "PGCONNECT_TIMEOUT", "10"), warehouse);
  }

  private static List<String> lines(String out) {
    List<String> lines = new ArrayList<>();
    for (String l : out.split("\n")) {
      if (!l.isBlank()) {
        lines.add(l.strip());
      }
    }
    return lines;
  }

  @Test
  void queriesReadTheHeadAndOlderSnapshots() throws Exception {
    LakeTable table = events();
    AppendResult first = appendEvents(table, 0, 3);
    appendEvents(table, 3, 5);
    table.createTag("v1", first.snapshotId());

    ExternalClient.Result r =
        psql(
            TOKEN,
            "",
            "SELECT count(*) FROM events",
            "SELECT count(*) FROM events FOR VERSION AS OF " + first.snapshotId(),
            "SELECT count(*) FROM events FOR VERSION AS OF 'v1'",
            "SELECT \"user\", amount FROM events WHERE event_id = 4",
            "SHOW tracelake.snapshots");

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(lines(r.stdout()))
        .containsExactly(
            "8",
            "3",
            "3",
            "u1|6",
            "[{\"table\":\"default.events\",\"version\":\"main\",\"snapshot_id\":"
                + table.describe().currentSnapshot().orElseThrow().snapshotId()
                + "}]");
  }

  @Test
  void describeCommandsListTablesAndColumns() throws Exception {
    appendEvents(events(), 0, 3);
    TypedTable.create(lake, allocator, PROV);

    ExternalClient.Result r = psql(TOKEN, "", "\\dt", "\\d typed", "\\dn", "\\l");

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout())
        .contains("default|events|table|analyst")
        .contains("default|typed|table|analyst")
        .contains("price|numeric(10,2)||")
        .contains("at|timestamp with time zone||")
        .contains("tags|text[]||")
        .contains("_record_id|text||not null|")
        .contains("_lineage|json||")
        .contains("tracelake|analyst|UTF8");
  }

  @Test
  void errorsCarrySqlstateAndPosition() throws Exception {
    appendEvents(events(), 0, 3);

    ExternalClient.Result unknown = psql(TOKEN, "", "SELECT nope FROM events");
    ExternalClient.Result write = psql(TOKEN, "", "DELETE FROM events");
    ExternalClient.Result after = psql(TOKEN, "", "SELECT count(*) FROM events");

    assertThat(unknown.exitCode()).isNotZero();
    assertThat(unknown.stderr()).contains("ERROR:  42703:").contains("nope");
    assertThat(unknown.stderr()).contains("LINE 1: SELECT nope FROM events");
    assertThat(write.exitCode()).isNotZero();
    assertThat(write.stderr()).contains("ERROR:  42501:").contains("DELETE");
    assertThat(lines(after.stdout())).containsExactly("3");
  }

  @Test
  void wrongTokenIsRefusedAndSslIsNegotiatedDown() throws Exception {
    ExternalClient.Result wrong = psql("not-the-token-at-all", "", "SELECT 1");
    ExternalClient.Result requireSsl = psql(TOKEN, "sslmode=require", "SELECT 1");
    ExternalClient.Result preferSsl = psql(TOKEN, "sslmode=prefer", "SELECT 1");

    assertThat(wrong.exitCode()).isNotZero();
    assertThat(wrong.stderr()).contains("password authentication failed for user \"analyst\"");
    assertThat(requireSsl.exitCode()).isNotZero();
    assertThat(requireSsl.stderr()).contains("server does not support SSL");
    assertThat(preferSsl.exitCode()).as(preferSsl.stderr()).isZero();
    assertThat(lines(preferSsl.stdout())).containsExactly("1");
  }
}
