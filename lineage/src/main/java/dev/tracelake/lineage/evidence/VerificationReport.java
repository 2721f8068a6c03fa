package dev.tracelake.lineage.evidence;

import dev.tracelake.lineage.RecordKey;
import java.util.List;

/**
 * What {@link EvidenceVerifier} found when it recomputed an evidence bundle from the lake.
 *
 * @param subject the record the bundle is about
 * @param stated the digest the bundle states
 * @param snapshotsChecked how many snapshots were compared
 * @param filesChecked how many data files were re-hashed
 * @param rowsChecked how many rows were re-read
 * @param differences every difference found, mismatches and notes
 */
public record VerificationReport(
    RecordKey subject,
    String stated,
    int snapshotsChecked,
    int filesChecked,
    int rowsChecked,
    List<Difference> differences) {
  public VerificationReport {
    differences = List.copyOf(differences);
  }

  /** Returns whether the bundle still matches the lake: no difference but notes. */
  public boolean matches() {
    return mismatches().isEmpty();
  }

  /** Returns the differences that are mismatches. */
  public List<Difference> mismatches() {
    return differences.stream().filter(d -> d.kind().isMismatch()).toList();
  }

  /** Returns the differences of a kind. */
  public List<Difference> differences(Difference.Kind kind) {
    return differences.stream().filter(d -> d.kind() == kind).toList();
  }
}
