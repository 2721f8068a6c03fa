package dev.tracelake.lineage.replay;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.arrow.memory.BufferAllocator;

/**
 * A replay's cases in their order: each distinct set of inputs the slice's outputs cite, numbered
 * by the smallest record id among the outputs citing it (record ids are time-ordered, so cases come
 * in the order production first met them). The same slice at the same snapshot always gives the
 * same cases in the same order; the fingerprint proves it each time they are read again.
 */
final class CasePlan {
  private final List<CaseKey> cases;
  private final long productionOutputs;
  private final long outputsWithoutInputs;
  private final long inputRefs;
  private final List<String> inputTables;
  private final List<String> unpinnedTables;
  private final String fingerprint;

  private CasePlan(
      List<CaseKey> cases,
      long productionOutputs,
      long outputsWithoutInputs,
      long inputRefs,
      List<String> inputTables,
      List<String> unpinnedTables,
      String fingerprint) {
    this.cases = cases;
    this.productionOutputs = productionOutputs;
    this.outputsWithoutInputs = outputsWithoutInputs;
    this.inputRefs = inputRefs;
    this.inputTables = inputTables;
    this.unpinnedTables = unpinnedTables;
    this.fingerprint = fingerprint;
  }

  /** Reads the slice's outputs at {@code sourceSnapshotId} and orders their cases. */
  static CasePlan read(
      dev.tracelake.lake.Lake lake,
      ReplaySlice slice,
      long sourceSnapshotId,
      BufferAllocator allocator) {
    Map<CaseKey, String> first = new HashMap<>();
    long[] outputs = new long[2]; // all, without inputs
    new OutputRows()
        .read(
            OutputRows.production(lake, slice, sourceSnapshotId),
            List.of(),
            allocator,
            (root, row, recordId, key) -> {
              outputs[0]++;
              if (key == null) {
                outputs[1]++;
                return;
              }
              first.merge(key, recordId, (a, b) -> a.compareTo(b) <= 0 ? a : b);
            });
    List<Map.Entry<CaseKey, String>> ordered = new ArrayList<>(first.entrySet());
    ordered.sort(Map.Entry.comparingByValue());
    List<CaseKey> cases = new ArrayList<>(ordered.size());
    TreeSet<String> tables = new TreeSet<>();
    TreeSet<String> unpinned = new TreeSet<>();
    long refs = 0;
    for (Map.Entry<CaseKey, String> e : ordered) {
      CaseKey key = e.getKey();
      cases.add(key);
      refs += key.size();
      for (int i = 0; i < key.size(); i++) {
        InputRef ref = key.ref(i);
        tables.add(ref.table());
        if (!ref.hasSnapshot()) {
          unpinned.add(ref.table());
        }
      }
    }
    return new CasePlan(
        cases,
        outputs[0],
        outputs[1],
        refs,
        List.copyOf(tables),
        List.copyOf(unpinned),
        fingerprint(cases));
  }

  /** Returns a digest of the ordered cases. */
  static String fingerprint(List<CaseKey> cases) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    for (CaseKey key : cases) {
      for (int i = 0; i < key.size(); i++) {
        InputRef r = key.ref(i);
        digest.update(r.table().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(r.recordId().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        long s = r.snapshotId();
        for (int b = 0; b < 8; b++) {
          digest.update((byte) (s >>> (8 * b)));
        }
      }
      digest.update((byte) 1);
    }
    return "sha256:" + HexFormat.of().formatHex(digest.digest());
  }

  List<CaseKey> cases() {
    return cases;
  }

  long productionOutputs() {
    return productionOutputs;
  }

  long outputsWithoutInputs() {
    return outputsWithoutInputs;
  }

  long inputRefs() {
    return inputRefs;
  }

  List<String> inputTables() {
    return inputTables;
  }

  List<String> unpinnedTables() {
    return unpinnedTables;
  }

  String fingerprint() {
    return fingerprint;
  }
}
