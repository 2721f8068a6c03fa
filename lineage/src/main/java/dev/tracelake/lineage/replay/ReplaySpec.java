package dev.tracelake.lineage.replay;

import java.util.Objects;

/**
 * What a replay is: its id, the production outputs it re-runs, the candidate that re-runs them, the
 * branch the candidate writes to and how many cases make a batch. Two creations of one id with
 * equal specs are the same replay. Build one with {@link #builder(String, ReplaySlice)}.
 *
 * @param replayId 1 to 100 of letters, digits, '.', '_', '-', starting with a letter or digit
 * @param slice the production outputs
 * @param candidate the candidate, its run id filled in ({@code replay-<id>} by default)
 * @param branch the branch of the output table the candidate writes to ({@code replay/<id>} by
 *     default)
 * @param batchCases cases per batch, 1 to {@value #MAX_BATCH_CASES}
 */
public record ReplaySpec(
    String replayId, ReplaySlice slice, Candidate candidate, String branch, int batchCases) {
  /** Cases per batch unless the spec says otherwise. */
  public static final int DEFAULT_BATCH_CASES = 1_000;

  /** The most cases a batch may hold. */
  public static final int MAX_BATCH_CASES = 100_000;

  /** Where replay branches live unless a spec names its own: {@code replay/<id>}. */
  public static final String BRANCH_PREFIX = "replay/";

  /**
   * Checks the spec.
   *
   * @throws dev.tracelake.lineage.LineageException INVALID_ARGUMENT for a malformed id or branch,
   *     or a batch size out of range
   */
  public ReplaySpec {
    ReplayText.replayId(replayId);
    Objects.requireNonNull(slice, "slice");
    Objects.requireNonNull(candidate, "candidate");
    Objects.requireNonNull(branch, "branch");
    if (candidate.runId() == null) {
      throw ReplayText.invalid("Replay %s: the candidate needs a run id", replayId);
    }
    branch = ReplayText.value("Replay branch", branch);
    if (branch == null) {
      throw ReplayText.invalid("Replay %s needs a branch name", replayId);
    }
    if (!ReplayText.REF_NAME.matcher(branch).matches()
        || branch.chars().allMatch(Character::isDigit)) {
      throw ReplayText.invalid(
          "Replay %s: invalid branch name '%s': use letters, digits, '.', '_', '-' and '/',"
              + " starting with a letter or digit, not only digits, at most 255",
          replayId, ReplayText.shown(branch));
    }
    if ("main".equals(branch)) {
      throw ReplayText.invalid(
          "Replay %s cannot write to main: a replay writes to a branch and main moves only when"
              + " the replay is published",
          replayId);
    }
    if (batchCases < 1 || batchCases > MAX_BATCH_CASES) {
      throw ReplayText.invalid(
          "Replay %s: cases per batch must be 1 to %d, got %d",
          replayId, MAX_BATCH_CASES, batchCases);
    }
  }

  /** Returns a builder with the defaults: no candidate identity, branch {@code replay/<id>}. */
  public static Builder builder(String replayId, ReplaySlice slice) {
    return new Builder(replayId, slice);
  }

  /** The writer id the candidate writes with: batch N is its offset N. */
  public String writerId() {
    return writerId(replayId);
  }

  /** Returns the writer id of replay {@code replayId}. */
  public static String writerId(String replayId) {
    return "replay." + replayId;
  }

  /** Builds a {@link ReplaySpec}. */
  public static final class Builder {
    private final String replayId;
    private final ReplaySlice slice;
    private Candidate candidate = new Candidate(null, null, null, null, null);
    private String branch;
    private int batchCases = DEFAULT_BATCH_CASES;

    private Builder(String replayId, ReplaySlice slice) {
      this.replayId = replayId;
      this.slice = slice;
    }

    /** Sets the candidate; without a run id it runs as {@code replay-<id>}. */
    public Builder candidate(Candidate value) {
      this.candidate = Objects.requireNonNull(value, "candidate");
      return this;
    }

    /** Sets the branch; null or blank for {@code replay/<id>}. */
    public Builder branch(String value) {
      this.branch = value;
      return this;
    }

    /** Sets the cases per batch. */
    public Builder batchCases(int value) {
      this.batchCases = value;
      return this;
    }

    /**
     * Returns the spec.
     *
     * @throws dev.tracelake.lineage.LineageException INVALID_ARGUMENT for a bad value
     */
    public ReplaySpec build() {
      ReplayText.replayId(replayId);
      Candidate c =
          candidate.runId() == null ? candidate.withRunId("replay-" + replayId) : candidate;
      String b = branch == null || branch.isBlank() ? BRANCH_PREFIX + replayId : branch;
      return new ReplaySpec(replayId, slice, c, b, batchCases);
    }
  }
}
