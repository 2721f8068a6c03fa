package dev.tracelake.lake;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Who wrote a batch: the code commit, the model, the run and the producing service. Every snapshot
 * carries its provenance in its summary and every record in its metadata columns. Any part may be
 * absent (null), but a production writer should give all of them.
 *
 * @param codeCommit the commit of the code that produced the rows, e.g. a git SHA
 * @param modelName the model that produced the rows, e.g. {@code fraud}
 * @param modelVersion the model version, e.g. {@code v3}
 * @param runId the run (one execution of a job) that produced the rows
 * @param producer the service or tool that wrote the rows, e.g. {@code scoring-service}
 */
public record Provenance(
    String codeCommit, String modelName, String modelVersion, String runId, String producer) {
  public static final String SUMMARY_CODE_COMMIT = "tracelake.code-commit";
  public static final String SUMMARY_MODEL_NAME = "tracelake.model-name";
  public static final String SUMMARY_MODEL_VERSION = "tracelake.model-version";
  public static final String SUMMARY_RUN_ID = "tracelake.run-id";
  public static final String SUMMARY_PRODUCER = "tracelake.producer";

  /** The longest producer name, in characters. */
  public static final int MAX_PRODUCER_CHARS = 1024;

  /**
   * The longest value of a part kept as a partition value (all but the producer), in bytes once
   * URL-encoded as UTF-8: Iceberg names each data file's directory {@code _run_id=<value>}, and a
   * path component of more than 255 bytes cannot be created on common file systems.
   */
  public static final int MAX_PARTITION_VALUE_BYTES = 200;

  /**
   * Builds a provenance; blank parts are absent (null), the others are stripped.
   *
   * @throws LakeException INVALID_ARGUMENT for a part with a control character or an unpaired
   *     surrogate, or one too long; the details' {@code field} names it ({@code provenance.run_id},
   *     ...)
   */
  public Provenance {
    codeCommit = clean("code_commit", codeCommit, true);
    modelName = clean("model_name", modelName, true);
    modelVersion = clean("model_version", modelVersion, true);
    runId = clean("run_id", runId, true);
    producer = clean("producer", producer, false);
  }

  /** Returns a provenance that names nobody; prefer {@link #builder()} for production writes. */
  public static Provenance none() {
    return new Provenance(null, null, null, null, null);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads a provenance back from a snapshot summary written by {@link #toSummary()}. Never throws
   * for what an older version let through (a control character, an over-long value): such a part is
   * read in a printable form (control characters as {@code \u0000}, cut to the limit), so a table
   * stays readable whatever was committed to it.
   */
  public static Provenance fromSummary(Map<String, String> summary) {
    return new Provenance(
        legible(summary.get(SUMMARY_CODE_COMMIT), true),
        legible(summary.get(SUMMARY_MODEL_NAME), true),
        legible(summary.get(SUMMARY_MODEL_VERSION), true),
        legible(summary.get(SUMMARY_RUN_ID), true),
        legible(summary.get(SUMMARY_PRODUCER), false));
  }

  /** Returns a stored value in a form the constructor accepts, unchanged when it is valid. */
  static String legible(String value, boolean partition) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      clean("value", value, partition);
      return value;
    } catch (LakeException e) {
      StringBuilder b = new StringBuilder();
      String stripped = value.strip();
      for (int i = 0; i < stripped.length(); i++) {
        char c = stripped.charAt(i);
        if (Character.isISOControl(c)) {
          b.append(String.format("\\u%04x", (int) c));
        } else if (Character.isSurrogate(c)) {
          boolean paired =
              Character.isHighSurrogate(c)
                  && i + 1 < stripped.length()
                  && Character.isLowSurrogate(stripped.charAt(i + 1));
          if (paired) {
            b.append(c).append(stripped.charAt(++i));
          } else {
            b.append('\uFFFD');
          }
        } else {
          b.append(c);
        }
      }
      String text = b.toString().strip();
      int limit = partition ? 1024 : MAX_PRODUCER_CHARS;
      while (text.length() > limit
          || partition
              && URLEncoder.encode(text, StandardCharsets.UTF_8).length()
                  > MAX_PARTITION_VALUE_BYTES) {
        text = text.substring(0, Math.min(limit, text.length()) * 3 / 4).strip();
        if (!text.isEmpty() && Character.isHighSurrogate(text.charAt(text.length() - 1))) {
          text = text.substring(0, text.length() - 1);
        }
      }
      return text.isEmpty() ? null : text;
    }
  }

  /** Returns the snapshot summary entries for the parts that are present. */
  public Map<String, String> toSummary() {
    Map<String, String> summary = new LinkedHashMap<>();
    Optional.ofNullable(codeCommit).ifPresent(v -> summary.put(SUMMARY_CODE_COMMIT, v));
    Optional.ofNullable(modelName).ifPresent(v -> summary.put(SUMMARY_MODEL_NAME, v));
    Optional.ofNullable(modelVersion).ifPresent(v -> summary.put(SUMMARY_MODEL_VERSION, v));
    Optional.ofNullable(runId).ifPresent(v -> summary.put(SUMMARY_RUN_ID, v));
    Optional.ofNullable(producer).ifPresent(v -> summary.put(SUMMARY_PRODUCER, v));
    return summary;
  }

  private static String clean(String part, String value, boolean partition) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String stripped = value.strip();
    String problem =
        InputText.problem("Provenance " + part, stripped, partition ? 1024 : MAX_PRODUCER_CHARS);
    if (problem == null && partition) {
      int encoded = URLEncoder.encode(stripped, StandardCharsets.UTF_8).length();
      if (encoded > MAX_PARTITION_VALUE_BYTES) {
        problem =
            String.format(
                "Provenance %s %s is %d bytes long URL-encoded; at most %d are allowed (it names"
                    + " a directory of the table's data files)",
                part, InputText.shown(stripped), encoded, MAX_PARTITION_VALUE_BYTES);
      }
    }
    if (problem != null) {
      throw LakeException.invalid("%s", problem).with("field", "provenance." + part);
    }
    return stripped;
  }

  /** Builds a {@link Provenance}; every part is optional. */
  public static final class Builder {
    private String codeCommit;
    private String modelName;
    private String modelVersion;
    private String runId;
    private String producer;

    private Builder() {}

    public Builder codeCommit(String value) {
      this.codeCommit = value;
      return this;
    }

    public Builder model(String name, String version) {
      this.modelName = name;
      this.modelVersion = version;
      return this;
    }

    public Builder runId(String value) {
      this.runId = value;
      return this;
    }

    public Builder producer(String value) {
      this.producer = value;
      return this;
    }

    public Provenance build() {
      return new Provenance(codeCommit, modelName, modelVersion, runId, producer);
    }
  }
}
