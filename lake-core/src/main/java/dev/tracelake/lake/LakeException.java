package dev.tracelake.lake;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The one exception type lake-core throws for failures a caller can act on. Its message names the
 * table, snapshot, ref, column or value at fault; its {@link #kind()} tells a transport which
 * status to use.
 */
public class LakeException extends RuntimeException {
  private final ErrorKind kind;
  // what the error is about, for machine-readable error details; guarded by this
  private final Map<String, String> details = new LinkedHashMap<>();
  // a missing table's message without its hint, and the hint's tables; see tableNotFound
  private String missingTable;
  private List<TableName> existingTables = List.of();

  public LakeException(ErrorKind kind, String message) {
    super(message);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  public LakeException(ErrorKind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  /**
   * A missing table, with the tables that do exist as a hint. Under access control a caller must
   * not learn of tables it may not see, so the hint is kept apart: {@link #messageShowing} lists
   * only those a predicate allows, {@link #getMessage()} lists all (for callers without access
   * control, such as the CLI on the warehouse).
   */
  static LakeException tableNotFound(TableName name, List<TableName> existing) {
    LakeException e =
        new LakeException(
            ErrorKind.NOT_FOUND, "Table " + name + " does not exist; tables: " + shown(existing));
    e.missingTable = "Table " + name + " does not exist";
    e.existingTables = List.copyOf(existing);
    return e;
  }

  /**
   * Returns the message, with a missing table's hint reduced to the tables {@code visible} allows.
   */
  public String messageShowing(Predicate<TableName> visible) {
    if (missingTable == null) {
      return getMessage();
    }
    return missingTable + "; tables: " + shown(existingTables.stream().filter(visible).toList());
  }

  private static String shown(List<TableName> tables) {
    return tables.size() <= 20
        ? tables.toString()
        : tables.subList(0, 20) + " and " + (tables.size() - 20) + " more";
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
