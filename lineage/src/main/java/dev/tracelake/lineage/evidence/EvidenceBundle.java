package dev.tracelake.lineage.evidence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracelake.lineage.RecordKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * A self-contained evidence file about one record: the record, every input row transitively as read
 * at its snapshot, the snapshots, runs, models and code commits, each data file's location and
 * SHA-256, when and by whom it was exported. {@link EvidenceVerifier} recomputes it from the lake.
 *
 * <p>The JSON document is {@code {"format": "tracelake-evidence", "formatVersion": 1,
 * "contentSha256": ..., "evidence": {...}}}; the digest is the SHA-256 of the canonical text of
 * {@code evidence} (keys sorted, compact), so the file may be re-indented but not edited.
 */
public final class EvidenceBundle {
  /** The value of the document's {@code format} field. */
  public static final String FORMAT = "tracelake-evidence";

  /** The version of the format this code writes and reads. */
  public static final int FORMAT_VERSION = 1;

  /** The largest bundle {@link #parse} reads: 512 MiB. */
  public static final long MAX_BYTES = 512L << 20;

  private final ObjectNode document;

  private EvidenceBundle(ObjectNode document) {
    this.document = document;
  }

  /** Wraps a freshly built evidence object, sealing it with its digest. */
  static EvidenceBundle seal(ObjectNode evidence) {
    ObjectNode document = EvidenceJson.nodes().objectNode();
    document.put("format", FORMAT);
    document.put("formatVersion", FORMAT_VERSION);
    document.put("contentSha256", EvidenceJson.sha256(evidence));
    document.set("evidence", evidence);
    return new EvidenceBundle(document);
  }

  /**
   * Reads a bundle written by {@link #toJson()}.
   *
   * @throws IllegalArgumentException when the text is not JSON, not an evidence bundle, of a format
   *     version this code does not read, or lacks a part every bundle has
   */
  public static EvidenceBundle parse(byte[] json) {
    Objects.requireNonNull(json, "json");
    if (json.length > MAX_BYTES) {
      throw new IllegalArgumentException(
          "Evidence bundle is " + json.length + " bytes; at most " + MAX_BYTES + " are read");
    }
    JsonNode node;
    try {
      node = EvidenceJson.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "Not an evidence bundle: the file is not valid JSON ("
              + EvidenceJson.cap(e.getOriginalMessage())
              + ")",
          e);
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read evidence bundle: " + e.getMessage(), e);
    }
    if (node == null || !node.isObject() || !FORMAT.equals(EvidenceJson.text(node, "format"))) {
      throw new IllegalArgumentException(
          "Not an evidence bundle: the JSON has no \"format\": \"" + FORMAT + "\"");
    }
    JsonNode version = node.get("formatVersion");
    if (version == null || !version.canConvertToInt() || version.asInt() != FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "Evidence bundle format version "
              + (version == null ? "(none)" : EvidenceJson.cap(version.toString()))
              + " is not supported; this Tracelake reads version "
              + FORMAT_VERSION);
    }
    JsonNode evidence = node.get("evidence");
    if (evidence == null || !evidence.isObject()) {
      throw new IllegalArgumentException("Evidence bundle has no \"evidence\" object");
    }
    for (String part :
        new String[] {"subject", "records", "rows", "files", "snapshots", "runs", "schemas"}) {
      if (evidence.get(part) == null) {
        throw new IllegalArgumentException("Evidence bundle has no \"" + part + "\" part");
      }
    }
    if (EvidenceJson.text(node, "contentSha256") == null) {
      throw new IllegalArgumentException("Evidence bundle has no \"contentSha256\"");
    }
    return new EvidenceBundle((ObjectNode) node);
  }

  /** Reads a bundle from a stream of at most {@link #MAX_BYTES}. */
  public static EvidenceBundle parse(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, MAX_BYTES + 1));
    return parse(bytes);
  }

  /** Returns the bundle as indented JSON. */
  public String toJson() {
    return EvidenceJson.pretty(document);
  }

  /** Returns the bundle as UTF-8 JSON bytes. */
  public byte[] toJsonBytes() {
    return toJson().getBytes(StandardCharsets.UTF_8);
  }

  /** Returns the whole document (a copy). */
  public JsonNode document() {
    return document.deepCopy();
  }

  JsonNode evidence() {
    return document.get("evidence");
  }

  /** Returns the digest the bundle states for its content. */
  public String contentSha256() {
    return EvidenceJson.text(document, "contentSha256");
  }

  /** Returns the digest of the content as it is now; differs from the stated one when edited. */
  public String computedSha256() {
    return EvidenceJson.sha256(evidence());
  }

  /** Returns the record the evidence is about. */
  public RecordKey subject() {
    JsonNode s = evidence().get("subject");
    return RecordKey.of(EvidenceJson.text(s, "table"), EvidenceJson.text(s, "recordId"));
  }

  /** Returns who exported it ("local" until access control names principals). */
  public String exportedBy() {
    return EvidenceJson.text(evidence(), "exportedBy");
  }

  /** Returns when it was exported, or null when the bundle does not say (or says garbage). */
  public Instant exportedAt() {
    String text = EvidenceJson.text(evidence(), "exportedAt");
    try {
      return text == null ? null : Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** Returns how many records (nodes of the explanation tree) the bundle holds. */
  public int recordCount() {
    return evidence().get("records").size();
  }

  /** Returns how many distinct data files the bundle names. */
  public int fileCount() {
    return evidence().get("files").size();
  }
}
