package dev.tracelake.pgwire;

import dev.tracelake.access.AccessDeniedException;
import dev.tracelake.access.AuditEvent;
import dev.tracelake.access.Principal;
import dev.tracelake.access.TableAccess;
import dev.tracelake.ingest.GrpcErrors;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.TableDescription;
import dev.tracelake.lake.TableName;
import dev.tracelake.pgwire.SqlLexer.Token;
import dev.tracelake.query.QueryCancellation;
import dev.tracelake.query.QueryException;
import dev.tracelake.query.QueryOptions;
import dev.tracelake.query.QueryResult;
import dev.tracelake.query.SqlEngine;
import dev.tracelake.query.TableReference;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One client's session: its settings, its transaction block (which only frames statements:
 * everything is read-only) and the execution of each statement. Statements the session answers
 * itself ({@code SET}, {@code SHOW}, {@code BEGIN}, ...) never reach the engine; every other
 * statement, including the catalog queries of clients after {@link CatalogRewriter}, runs through
 * {@link SqlEngine}, whose checks refuse anything but a read. Not thread-safe, except {@link
 * #cancel()}.
 */
final class PgSession {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PgSession.class);

  /** How long a statement without a statement_timeout waits for the engine to have a free slot. */
  static final java.time.Duration ADMISSION_WAIT = java.time.Duration.ofSeconds(60);

  /** The transaction status ReadyForQuery reports. */
  enum Transaction {
    IDLE('I'),
    IN_BLOCK('T'),
    FAILED('E');

    final char code;

    Transaction(char code) {
      this.code = code;
    }
  }

  private final SqlEngine engine;
  private final Lake lake;
  private final TableAccess access;
  private final Principal principal;
  private final ObjectIds ids;
  private final int pid;
  private final SessionSettings settings;
  private final Map<String, String> changedReported = new LinkedHashMap<>();
  private Transaction transaction = Transaction.IDLE;
  private volatile QueryCancellation running;

  PgSession(
      SqlEngine engine,
      Lake lake,
      TableAccess access,
      Principal principal,
      ObjectIds ids,
      int pid,
      SessionSettings settings) {
    this.engine = engine;
    this.lake = lake;
    this.access = access;
    this.principal = principal;
    this.ids = ids;
    this.pid = pid;
    this.settings = settings;
  }

  SessionSettings settings() {
    return settings;
  }

  Transaction transaction() {
    return transaction;
  }

  /** Returns and forgets the reported settings changed since the last call (ParameterStatus). */
  Map<String, String> drainChangedSettings() {
    Map<String, String> out = new LinkedHashMap<>(changedReported);
    changedReported.clear();
    return out;
  }

  /** Cancels the statement running now, if any (CancelRequest from another connection). */
  void cancel() {
    QueryCancellation c = running;
    if (c != null) {
      c.cancel();
    }
  }

  /** Marks the transaction block failed after an error, as PostgreSQL does. */
  void failed() {
    if (transaction == Transaction.IN_BLOCK) {
      transaction = Transaction.FAILED;
    }
  }

  /**
   * Runs one statement (parameters already bound).
   *
   * @throws PgException with the SQLSTATE of the failure
   */
  StatementResult execute(String sql) {
    List<Token> tokens = SqlLexer.tokenize(sql);
    if (tokens.isEmpty()) {
      return null;
    }
    String first = tokens.get(0).identifier();
    if (transaction == Transaction.FAILED
        && !(first.equals("rollback")
            || first.equals("abort")
            || first.equals("commit")
            || first.equals("end"))) {
      throw new PgException(
          PgException.IN_FAILED_TRANSACTION,
          "current transaction is aborted, commands ignored until end of transaction block");
    }
    switch (first) {
      case "begin", "start" -> {
        transaction = Transaction.IN_BLOCK;
        return StatementResult.command(first.equals("begin") ? "BEGIN" : "START TRANSACTION");
      }
      case "commit", "end" -> {
        boolean wasFailed = transaction == Transaction.FAILED;
        transaction = Transaction.IDLE;
        return StatementResult.command(wasFailed ? "ROLLBACK" : "COMMIT");
      }
      case "rollback", "abort" -> {
        transaction = Transaction.IDLE;
        return StatementResult.command("ROLLBACK");
      }
      case "savepoint" -> {
        return StatementResult.command("SAVEPOINT");
      }
      case "release" -> {
        return StatementResult.command("RELEASE");
      }
      case "set" -> {
        set(sql, tokens);
        return StatementResult.command("SET");
      }
      case "reset" -> {
        return StatementResult.command("RESET");
      }
      case "discard" -> {
        return StatementResult.command("DISCARD ALL");
      }
      case "show" -> {
        return show(tokens);
      }
      default -> {
        return query(sql);
      }
    }
  }

  private void set(String sql, List<Token> tokens) {
    int i = 1;
    if (i < tokens.size() && (tokens.get(i).isWord("session") || tokens.get(i).isWord("local"))) {
      if (i + 1 < tokens.size() && tokens.get(i + 1).isWord("characteristics")) {
        return; // SET SESSION CHARACTERISTICS AS TRANSACTION ...: every statement is read-only
      }
      i++;
    }
    if (i < tokens.size() && tokens.get(i).isWord("transaction")) {
      return; // SET TRANSACTION ISOLATION LEVEL / READ ONLY: statements are pinned reads anyway
    }
    if (i >= tokens.size()) {
      throw new PgException("42601", "syntax error at end of input", sql.length(), false);
    }
    String name;
    int valueAt;
    if (tokens.get(i).isWord("time") && i + 1 < tokens.size() && tokens.get(i + 1).isWord("zone")) {
      name = "TimeZone";
      valueAt = i + 2;
    } else if (tokens.get(i).isWord("names")) {
      name = "client_encoding";
      valueAt = i + 1;
    } else {
      StringBuilder n = new StringBuilder(tokens.get(i).identifier());
      i++;
      while (i + 1 < tokens.size() && tokens.get(i).isSymbol(".")) {
        n.append('.').append(tokens.get(i + 1).identifier());
        i += 2;
      }
      name = n.toString();
      if (i < tokens.size() && (tokens.get(i).isWord("to") || tokens.get(i).isSymbol("="))) {
        i++;
      }
      valueAt = i;
    }
    if (valueAt >= tokens.size()) {
      throw new PgException("42601", "SET " + name + " needs a value", sql.length(), false);
    }
    StringBuilder value = new StringBuilder();
    for (int j = valueAt; j < tokens.size(); j++) {
      Token t = tokens.get(j);
      if (t.kind() == SqlLexer.Kind.STRING) {
        String s = t.text();
        value.append(s, 1, s.length() - 1);
      } else if (t.isWord("default") || t.isWord("local")) {
        String initial = new SessionSettings(principal.user()).get(name);
        value.append(initial == null ? "" : initial);
      } else {
        value.append(t.text());
      }
    }
    String canonical = settings.canonical(name);
    if (settings.set(name, value.toString()) && SessionSettings.REPORTED.contains(canonical)) {
      changedReported.put(canonical, settings.get(name));
    }
  }

  private StatementResult show(List<Token> tokens) {
    if (tokens.size() < 2) {
      throw new PgException("42601", "syntax error: SHOW needs a setting name");
    }
    if (tokens.get(1).isWord("all")) {
      List<String[]> rows = new ArrayList<>();
      settings.all().forEach((k, v) -> rows.add(new String[] {k, v, ""}));
      return StatementResult.text(List.of("name", "setting", "description"), rows);
    }
    String name;
    if (tokens.get(1).isWord("transaction") && tokens.size() > 3) {
      name = "transaction_isolation";
    } else if (tokens.get(1).isWord("time") && tokens.size() > 2) {
      name = "TimeZone";
    } else {
      StringBuilder n = new StringBuilder(tokens.get(1).identifier());
      for (int i = 2; i + 1 < tokens.size() && tokens.get(i).isSymbol("."); i += 2) {
        n.append('.').append(tokens.get(i + 1).identifier());
      }
      name = n.toString();
    }
    String value = settings.get(name);
    if (value == null) {
      throw new PgException(
          PgException.UNDEFINED_OBJECT, "unrecognized configuration parameter \"" + name + "\"");
    }
    return StatementResult.text(
        List.of(name.toLowerCase(Locale.ROOT)), List.<String[]>of(new String[] {value}));
  }

  private StatementResult query(String sql) {
    String rewritten = CatalogRewriter.rewrite(sql, catalogContext());
    if (LOG.isDebugEnabled() && !rewritten.equals(sql)) {
      LOG.debug("Connection {}: {} runs as: {}", pid, sql, rewritten);
    }
    QueryCancellation cancellation = QueryCancellation.create();
    // a PostgreSQL client (a pool, a BI tool) expects a busy server to queue its statement, not
    // to refuse it: wait for a slot as long as the statement may run (statement_timeout), or
    // ADMISSION_WAIT; connections are capped, so the queue is too
    QueryOptions options =
        QueryOptions.defaults()
            .withCancellation(cancellation)
            .withAdmissionWait(ADMISSION_WAIT)
            .withGate(access.gate(principal));
    if (settings.statementTimeout() != null) {
      options =
          options
              .withTimeout(settings.statementTimeout())
              .withAdmissionWait(settings.statementTimeout());
    }
    running = cancellation;
    QueryResult result;
    try {
      result = engine.execute(rewritten, options);
    } catch (QueryException e) {
      audit(sql, List.of(), 0, GrpcErrors.toStatus(e).getStatus().getCode().name(), e);
      throw PgErrors.translate(e, sql);
    } finally {
      running = null;
    }
    try {
      // the engine pinned every table before running; nothing has left the server yet
      for (TableReference ref : result.references()) {
        access.checkRead(principal, ref.table());
      }
    } catch (AccessDeniedException e) {
      result.close();
      audit(sql, result.references(), 0, "PERMISSION_DENIED", e);
      throw new PgException(PgException.INSUFFICIENT_PRIVILEGE, e.getMessage());
    }
    settings.snapshots(snapshotsJson(result.references()));
    changedReported.put("tracelake.snapshots", settings.get("tracelake.snapshots"));
    List<TableReference> read = result.references();
    // recorded when the result closes: only then is it known how many rows left the server
    return new StatementResult.Query(
        result,
        (rows, complete) ->
            audit(
                sql,
                read,
                rows,
                "OK",
                complete
                    ? null
                    // a portal closed early, an error while sending, or a Describe (which runs
                    // the statement for its row shape and sends no row)
                    : new IllegalStateException("result closed after " + rows + " rows")));
  }

  /** Records one statement in the audit log: who ran what, what it read, how it ended. */
  private void audit(
      String sql, List<TableReference> read, long rows, String outcome, Exception error) {
    List<String> tables = new ArrayList<>();
    List<Long> snapshots = new ArrayList<>();
    for (TableReference r : read) {
      if (!tables.contains(r.table().toString())) {
        tables.add(r.table().toString());
      }
      r.snapshotId().ifPresent(snapshots::add);
    }
    access.audit(
        new AuditEvent(
            Instant.now(),
            principal.name(),
            principal.user(),
            "pg/query",
            "read",
            tables,
            sql,
            snapshots,
            rows,
            outcome,
            error == null ? "" : error.getMessage()));
  }

  /** The snapshots a statement read, as JSON a notebook can record next to its results. */
  static String snapshotsJson(List<TableReference> references) {
    StringBuilder sb = new StringBuilder("[");
    for (TableReference r : references) {
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append("{\"table\":\"")
          .append(r.table())
          .append("\",\"version\":")
          .append(jsonString(r.version()))
          .append(",\"snapshot_id\":")
          .append(r.snapshotId().isPresent() ? Long.toString(r.snapshotId().getAsLong()) : "null")
          .append('}');
    }
    return sb.append(']').toString();
  }

  private static String jsonString(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  /**
   * What the catalog rewrite may show this principal, listed lazily: most statements name no
   * catalog relation, and they should not pay for listing the lake.
   */
  private CatalogRewriter.Context catalogContext() {
    Map<TableName, TableDescription> described = new HashMap<>();
    List<TableName> listed = new ArrayList<>();
    boolean[] listedOnce = {false};
    java.util.function.Supplier<List<TableName>> readable =
        () -> {
          if (!listedOnce[0]) {
            listedOnce[0] = true;
            for (TableName t : lake.tables()) {
              if (access.canRead(principal, t)) {
                listed.add(t);
              }
            }
          }
          return listed;
        };
    CatalogRelations.Source source =
        new CatalogRelations.Source() {
          @Override
          public List<TableName> tables() {
            return readable.get();
          }

          @Override
          public TableDescription describe(TableName table) {
            return described.computeIfAbsent(table, t -> lake.table(t).describe());
          }

          @Override
          public ObjectIds ids() {
            return ids;
          }

          @Override
          public Map<String, String> settings() {
            return settings.all();
          }

          @Override
          public String user() {
            return principal.user();
          }
        };
    return new CatalogRewriter.Context() {
      @Override
      public CatalogRelations.Source source() {
        return source;
      }

      @Override
      public String setting(String name) {
        return settings.get(name);
      }

      @Override
      public int pid() {
        return pid;
      }

      @Override
      public TableName findTable(String schema, String name) {
        String ns = schema.isEmpty() ? TableName.DEFAULT_NAMESPACE : schema;
        for (TableName t : readable.get()) {
          if (t.namespace().equalsIgnoreCase(ns) && t.name().equalsIgnoreCase(name)) {
            return t;
          }
        }
        return null;
      }
    };
  }
}
