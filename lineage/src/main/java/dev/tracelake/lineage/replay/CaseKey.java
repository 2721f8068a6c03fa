package dev.tracelake.lineage.replay;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The inputs one output cites, as a set: sorted and without repeats. Outputs that cite the same set
 * (each input at the same snapshot) are outputs of one case, however their {@code _lineage} lists
 * were ordered.
 */
final class CaseKey {
  private final InputRef[] refs;
  private final int hash;

  private CaseKey(InputRef[] refs) {
    this.refs = refs;
    this.hash = Arrays.hashCode(refs);
  }

  /** Returns the key of {@code refs} (sorted and deduplicated here); null when there are none. */
  static CaseKey of(List<InputRef> refs) {
    if (refs.isEmpty()) {
      return null;
    }
    InputRef[] sorted = refs.toArray(new InputRef[0]);
    if (sorted.length > 1) {
      Arrays.sort(sorted);
      int kept = 1;
      for (int i = 1; i < sorted.length; i++) {
        if (!sorted[i].equals(sorted[kept - 1])) {
          sorted[kept++] = sorted[i];
        }
      }
      if (kept < sorted.length) {
        sorted = Arrays.copyOf(sorted, kept);
      }
    }
    return new CaseKey(sorted);
  }

  /** Returns the key of one input. */
  static CaseKey of(InputRef ref) {
    return new CaseKey(new InputRef[] {ref});
  }

  int size() {
    return refs.length;
  }

  InputRef ref(int i) {
    return refs[i];
  }

  List<InputRef> refs() {
    return List.of(refs);
  }

  /** Returns the inputs as {@code table/record_id@snapshot} texts. */
  List<String> describe() {
    List<String> out = new ArrayList<>(refs.length);
    for (InputRef r : refs) {
      out.add(r.toString());
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CaseKey k && hash == k.hash && Arrays.equals(refs, k.refs);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return Arrays.toString(refs);
  }
}
