package dev.tracelake.console;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.TableName;
import dev.tracelake.lineage.Lineage;
import dev.tracelake.lineage.evidence.EvidenceExporter;
import dev.tracelake.lineage.evidence.EvidenceVerifier;
import dev.tracelake.query.SqlEngine;
import java.time.Duration;

/** What the console's handlers answer from: the lake, lineage, SQL and evidence, and limits. */
record ConsoleContext(
    Lake lake,
    Lineage lineage,
    SqlEngine sql,
    EvidenceExporter exporter,
    EvidenceVerifier verifier,
    Duration queryTimeout) {

  /** Returns a table by the name a request gave, or 404. */
  LakeTable table(String name) {
    TableName parsed = TableName.parse(name);
    if (!lake.exists(parsed)) {
      throw ApiException.notFound("Table %s does not exist", Texts.cap(parsed.toString()));
    }
    return lake.table(parsed);
  }
}
