package dev.tracelake.lake;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The one exception type lake-core throws for failures a caller can act on. Its message names the
 * table, snapshot, ref, column or value at fault; its {@link #kind()} tells a transport which
 * status to use.
 */
public class LakeException extends RuntimeException {
  private final ErrorKind kind;
  // what the error is about, for machine-readable error details; guarded by this
  private final Map<String, String> details = new LinkedHashMap<>();

  public LakeException(ErrorKind kind, String message) {
    super(message);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  public LakeException(ErrorKind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  /** Returns what kind of failure this is. */
  public ErrorKind kind() {
    return kind;
  }

  /**
   * Adds a detail a client can act on without parsing the message: what is at fault ({@code table},
   * {@code column}, {@code row}, {@code field} naming the request field, {@code expected_offset},
   * ...). Values are capped at {@link InputText#SHOWN_CHARS} characters.
   *
   * @return this exception
   */
  public synchronized LakeException with(String key, Object value) {
    if (value != null) {
      String text = value.toString();
      details.put(
          key,
          text.length() <= InputText.SHOWN_CHARS ? text : text.substring(0, InputText.SHOWN_CHARS));
    }
    return this;
  }

  /** Returns the details added with {@link #with}, in the order they were added. */
  public synchronized Map<String, String> details() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  static LakeException notFound(String format, Object... args) {
    return new LakeException(ErrorKind.NOT_FOUND, String.format(format, args));
  }

  static LakeException invalid(String format, Object... args) {
    return new LakeException(ErrorKind.INVALID_ARGUMENT, String.format(format, args));
  }

  static LakeException precondition(String format, Object... args) {
    return new LakeException(ErrorKind.FAILED_PRECONDITION, String.format(format, args));
  }
}
