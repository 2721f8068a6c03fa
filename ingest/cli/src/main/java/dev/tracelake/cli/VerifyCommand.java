package dev.tracelake.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lineage.Lineage;
import dev.tracelake.lineage.LineageOptions;
import dev.tracelake.lineage.evidence.Difference;
import dev.tracelake.lineage.evidence.EvidenceBundle;
import dev.tracelake.lineage.evidence.EvidenceVerifier;
import dev.tracelake.lineage.evidence.VerificationReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tracelake verify}: recomputes an evidence bundle from the lake and reports every
 * difference (a snapshot gone or changed, a data file changed, a row that reads differently, a run
 * that changed). Exits 0 when the evidence still matches, 1 when it does not.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Check an evidence bundle (from 'tracelake explain --bundle' or the console) against the"
          + " lake: every snapshot, data file SHA-256, row and run. Exit code 1 when anything"
          + " differs."
    })
final class VerifyCommand implements Callable<Integer> {
  @Mixin LakeLocation location;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<bundle.json>", description = "The evidence bundle.")
  Path bundle;

  @Option(
      names = "--format",
      paramLabel = "text|json",
      defaultValue = "text",
      description = "Output: text (default) or json.")
  String format;

  @Override
  public Integer call() throws IOException {
    if (!format.equals("text") && !format.equals("json")) {
      throw new ParameterException(
          spec.commandLine(), "--format must be text or json, got '" + format + "'");
    }
    EvidenceBundle evidence;
    try (InputStream in = Files.newInputStream(bundle)) {
      evidence = EvidenceBundle.parse(in);
    } catch (java.nio.file.NoSuchFileException e) {
      throw CliException.of("Evidence bundle %s does not exist", bundle);
    } catch (IllegalArgumentException e) {
      throw CliException.of("%s: %s", bundle, e.getMessage());
    }
    LakeConfig config;
    try {
      config = location.lakeConfig();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    location.requireExistingLake(config);
    VerificationReport report;
    location.refuseTokenForEmbedded(config);
    try (Lake lake = Lake.open(config);
        Lineage lineage = Lineage.open(lake, LineageOptions.defaults().withManualRefresh())) {
      // runs are known from the runs table and snapshot summaries, which the index reads; a data
      // file that cannot be read any more (the very thing verify is to report) must not stop it
      try {
        lineage.catchUp();
      } catch (RuntimeException e) {
        PrintWriter err = spec.commandLine().getErr();
        err.printf(
            "warning: the lineage index could not read the whole lake (%s); runs are checked"
                + " against what it could read%n",
            e.getMessage());
        err.flush();
      }
      try {
        report = EvidenceVerifier.of(lake, lineage).verify(evidence);
      } catch (IllegalArgumentException e) {
        throw CliException.of("%s: %s", bundle, e.getMessage());
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    if (format.equals("json")) {
      out.println(json(evidence, report));
    } else {
      text(evidence, report, out);
    }
    out.flush();
    return report.matches() ? 0 : TracelakeCli.EXIT_FAILURE;
  }

  private static void text(EvidenceBundle evidence, VerificationReport report, PrintWriter out) {
    out.printf(
        "Evidence about %s, exported %s by %s (content SHA-256 %s)%n",
        report.subject(),
        evidence.exportedAt() == null ? "(time not stated)" : evidence.exportedAt(),
        evidence.exportedBy(),
        report.stated());
    out.printf(
        "checked %d snapshots, %d data files, %d rows%n",
        report.snapshotsChecked(), report.filesChecked(), report.rowsChecked());
    for (Difference d : report.differences()) {
      out.printf("%s %s: %s%n", d.kind().isMismatch() ? "DIFFERS" : "note", d.kind(), d.message());
    }
    out.println(
        report.matches()
            ? "MATCHES: the evidence still matches the lake's history"
            : "DOES NOT MATCH: " + report.mismatches().size() + " difference(s)");
  }

  private static String json(EvidenceBundle evidence, VerificationReport report) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode o = mapper.createObjectNode();
    o.put("table", report.subject().table());
    o.put("recordId", report.subject().recordId());
    o.put("matches", report.matches());
    o.put("contentSha256", report.stated());
    o.put("exportedBy", evidence.exportedBy());
    o.put("exportedAt", evidence.exportedAt() == null ? null : evidence.exportedAt().toString());
    o.put("snapshotsChecked", report.snapshotsChecked());
    o.put("filesChecked", report.filesChecked());
    o.put("rowsChecked", report.rowsChecked());
    ArrayNode differences = o.putArray("differences");
    for (Difference d : report.differences()) {
      differences
          .addObject()
          .put("kind", d.kind().name())
          .put("mismatch", d.kind().isMismatch())
          .put("subject", d.subject())
          .put("message", d.message());
    }
    try {
      return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(o);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("Cannot write JSON", e);
    }
  }
}
