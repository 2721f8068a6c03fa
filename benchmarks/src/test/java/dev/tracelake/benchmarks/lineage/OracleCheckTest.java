package dev.tracelake.benchmarks.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The oracle comparison of issue 16 at the scale of {@code mvn verify} (the full scale is {@link
 * OracleCheck#main}): four layers written through gRPC, inputs cited at their own or later
 * snapshots or at none, inputs never ingested, a cycle, a record staged on a branch; every answer
 * of the server, of a restarted server and after a reindex must match the oracle.
 */
class OracleCheckTest {
  @TempDir Path warehouse;

  @Test
  void everyAnswerMatchesTheOracleAcrossRestartAndReindex() throws Exception {
    OracleCheck.Report report =
        OracleCheck.run(
            warehouse, 20261207L, 120, 3, 1_000, new PrintStream(OutputStream.nullOutputStream()));

    assertThat(report.records()).isGreaterThan(450);
    assertThat(report.edges()).isGreaterThan(500);
    assertThat(report.mismatches()).isEmpty();
  }
}
