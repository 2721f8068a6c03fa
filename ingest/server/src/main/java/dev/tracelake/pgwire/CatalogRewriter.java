package dev.tracelake.pgwire;

import dev.tracelake.lake.TableName;
import dev.tracelake.pgwire.SqlLexer.Kind;
import dev.tracelake.pgwire.SqlLexer.Token;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites the PostgreSQL-isms of client catalog queries into SQL the engine runs: references to
 * {@code pg_catalog} and {@code information_schema} relations become common table expressions of
 * the emulated catalog ({@link CatalogRelations}), {@code 'name'::regclass} becomes the OID, {@code
 * OPERATOR(pg_catalog.~)} the bare operator, and functions that ask about the server ({@code
 * version()}, {@code current_setting}, {@code format_type}, {@code pg_get_userbyid}, ...) their
 * answers. Statements without any of these come back unchanged.
 */
final class CatalogRewriter {
  private static final Set<String> NULL_TEXT_FUNCTIONS =
      Set.of(
          "pg_get_expr",
          "pg_get_indexdef",
          "pg_get_constraintdef",
          "pg_get_viewdef",
          "pg_get_triggerdef",
          "pg_get_partkeydef",
          "pg_get_function_arguments",
          "pg_get_function_result",
          "pg_get_function_identity_arguments",
          "pg_get_serial_sequence",
          "pg_get_statisticsobjdef_columns",
          "pg_get_statisticsobjdef_expressions",
          "pg_get_ruledef",
          "shobj_description",
          "pg_tablespace_location",
          "inet_server_addr",
          "inet_client_addr");
  private static final Set<String> FALSE_FUNCTIONS =
      Set.of("pg_relation_is_publishable", "pg_is_other_temp_schema", "pg_is_in_recovery");
  private static final Set<String> ZERO_FUNCTIONS =
      Set.of(
          "pg_relation_size",
          "pg_total_relation_size",
          "pg_table_size",
          "pg_indexes_size",
          "inet_server_port",
          "txid_current");
  private static final Set<String> ALIAS_STOP_WORDS =
      Set.of(
          "where",
          "on",
          "join",
          "left",
          "right",
          "inner",
          "outer",
          "full",
          "cross",
          "order",
          "group",
          "limit",
          "offset",
          "union",
          "except",
          "intersect",
          "having",
          "window",
          "using",
          "natural",
          "lateral",
          "for",
          "fetch",
          "returning");

  /** What a rewrite needs to know about the session. */
  interface Context {
    CatalogRelations.Source source();

    String setting(String name);

    int pid();

    /** Resolves a table name the way SQL does (case-insensitively), or returns null. */
    TableName findTable(String schema, String name);
  }

  private final Context context;
  private final Map<String, CatalogRelations.Relation> needed = new LinkedHashMap<>();
  private boolean needFormat;

  private CatalogRewriter(Context context) {
    this.context = context;
  }

  /** Returns the statement as the engine should run it. */
  static String rewrite(String sql, Context context) {
    CatalogRewriter r = new CatalogRewriter(context);
    String body = r.rewriteText(sql);
    if (r.needed.isEmpty() && !r.needFormat) {
      return body;
    }
    return r.withCtes(body);
  }

  private String rewriteText(String sql) {
    List<Token> t = SqlLexer.tokenize(sql);
    StringBuilder out = new StringBuilder(sql.length());
    int copied = 0;
    int i = 0;
    while (i < t.size()) {
      Token tok = t.get(i);
      Replacement r = replacementAt(sql, t, i);
      if (r != null) {
        out.append(sql, copied, tok.start()).append(r.text());
        copied = t.get(r.lastToken()).end();
        i = r.lastToken() + 1;
      } else {
        i++;
      }
    }
    return out.append(sql.substring(copied)).toString();
  }

  private record Replacement(String text, int lastToken) {}

  private Replacement replacementAt(String sql, List<Token> t, int i) {
    Token tok = t.get(i);
    if (tok.isWord("operator") && i + 1 < t.size() && t.get(i + 1).isSymbol("(")) {
      int close = closing(t, i + 1);
      StringBuilder op = new StringBuilder();
      for (int j = i + 2; j < close; j++) {
        Token x = t.get(j);
        if (x.kind() == Kind.SYMBOL && !x.text().equals(".")) {
          op.append(x.text());
        }
      }
      return new Replacement(" " + op + " ", close);
    }
    if (tok.kind() == Kind.WORD
        && i + 2 < t.size()
        && t.get(i + 1).isSymbol(".")
        && !(i > 0 && t.get(i - 1).isSymbol("."))) {
      String schema = tok.identifier();
      Token name = t.get(i + 2);
      boolean named = name.kind() == Kind.WORD || name.kind() == Kind.QUOTED_IDENT;
      if (named && schema.equals("pg_catalog") && i > 0 && t.get(i - 1).isSymbol("::")) {
        return new Replacement(name.text(), i + 2); // a type: pg_catalog.text is text
      }
      if (named && (schema.equals("pg_catalog") || schema.equals("information_schema"))) {
        boolean call = i + 3 < t.size() && t.get(i + 3).isSymbol("(");
        if (call) {
          Replacement f = function(sql, t, i + 2);
          return f != null
              ? new Replacement(f.text(), f.lastToken())
              : new Replacement(name.text(), i + 2);
        }
        return relation(schema, name.identifier(), t, i + 2);
      }
    }
    if (tok.kind() == Kind.WORD) {
      String word = tok.identifier();
      boolean afterDot = i > 0 && t.get(i - 1).isSymbol(".");
      boolean call = i + 1 < t.size() && t.get(i + 1).isSymbol("(");
      if (!afterDot && call) {
        return function(sql, t, i);
      }
      if (!afterDot && word.startsWith("pg_") && CatalogRelations.isPgCatalogName(word)) {
        needed.putIfAbsent(word, CatalogRelations.pgCatalog(word));
        return null;
      }
      if (!afterDot && (word.equals("current_user") || word.equals("session_user"))) {
        return new Replacement(SqlParameters.quote(context.source().user()), i);
      }
      if (!afterDot && (word.equals("current_schema") || word.equals("current_catalog"))) {
        return new Replacement(
            SqlParameters.quote(
                word.equals("current_schema") ? TableName.DEFAULT_NAMESPACE : "tracelake"),
            i);
      }
      if (word.equals("collate") && i + 1 < t.size()) {
        int last = i + 1;
        if (t.get(i + 1).identifier().equals("pg_catalog")
            && i + 3 < t.size()
            && t.get(i + 2).isSymbol(".")) {
          last = i + 3;
        }
        return new Replacement(" ", last);
      }
    }
    boolean literalCast =
        tok.kind() == Kind.STRING && i + 2 < t.size() && t.get(i + 1).isSymbol("::");
    if ((literalCast || tok.isSymbol("::")) && i + 1 < t.size()) {
      int colons = literalCast ? i + 1 : i;
      int typeAt = colons + 1;
      if (typeAt >= t.size()) {
        return null;
      }
      if (t.get(typeAt).identifier().equals("pg_catalog")
          && typeAt + 2 < t.size()
          && t.get(typeAt + 1).isSymbol(".")) {
        typeAt += 2;
      }
      Replacement r = cast(t, literalCast ? i : -1, typeAt);
      if (r != null || !literalCast) {
        return r;
      }
    }
    return null;
  }

  private Replacement relation(String schema, String name, List<Token> t, int nameAt) {
    CatalogRelations.Relation rel =
        schema.equals("pg_catalog")
            ? CatalogRelations.pgCatalog(name)
            : CatalogRelations.informationSchema(name);
    if (rel == null) {
      throw new PgException(
          "42P01",
          "relation \""
              + schema
              + "."
              + name
              + "\" is not available: Tracelake's PostgreSQL endpoint emulates the catalog"
              + " relations that psql, JDBC drivers and BI tools read on connect; query lake"
              + " tables and their \"t$snapshots\", \"t$refs\" and \"t$history\" instead");
    }
    if (schema.equals("pg_catalog")) {
      needed.putIfAbsent(name, rel);
      return new Replacement(name, nameAt);
    }
    String cte = "__tl_is_" + name;
    needed.putIfAbsent(cte, rel);
    boolean aliased = false;
    if (nameAt + 1 < t.size()) {
      Token next = t.get(nameAt + 1);
      aliased =
          next.isWord("as")
              || next.kind() == Kind.QUOTED_IDENT
              || (next.kind() == Kind.WORD && !ALIAS_STOP_WORDS.contains(next.identifier()));
    }
    return new Replacement(aliased ? cte : cte + " AS " + name, nameAt);
  }

  private Replacement function(String sql, List<Token> t, int at) {
    Replacement r = functionCall(sql, t, at);
    if (r == null) {
      return null;
    }
    // PostgreSQL names an unaliased `SELECT version()` column after the function; so do we
    int first = at >= 2 && t.get(at - 1).isSymbol(".") ? at - 2 : at;
    boolean selectItem =
        first > 0 && (t.get(first - 1).isWord("select") || t.get(first - 1).isSymbol(","));
    int after = r.lastToken() + 1;
    boolean itemEnds =
        after >= t.size()
            || t.get(after).isSymbol(",")
            || t.get(after).isWord("from")
            || t.get(after).kind() == Kind.SEMICOLON;
    if (selectItem && itemEnds) {
      return new Replacement(r.text() + " AS \"" + t.get(at).identifier() + "\"", r.lastToken());
    }
    return r;
  }

  private Replacement functionCall(String sql, List<Token> t, int at) {
    String name = t.get(at).identifier();
    int close = closing(t, at + 1);
    List<String> args = arguments(sql, t, at + 1, close);
    switch (name) {
      case "version":
        return new Replacement(
            SqlParameters.quote(
                "PostgreSQL " + SessionSettings.SERVER_VERSION + " (Tracelake; SQL by DuckDB)"),
            close);
      case "current_setting":
        {
          String setting = args.isEmpty() ? "" : unquote(args.get(0));
          String value = context.setting(setting);
          if (value == null && args.size() < 2) {
            throw new PgException(
                PgException.UNDEFINED_OBJECT,
                "unrecognized configuration parameter \"" + setting + "\"");
          }
          return new Replacement(
              value == null ? "CAST(NULL AS VARCHAR)" : SqlParameters.quote(value), close);
        }
      case "pg_get_userbyid":
        return new Replacement(SqlParameters.quote(context.source().user()), close);
      case "pg_encoding_to_char":
        return new Replacement("'UTF8'", close);
      case "current_schema":
        return new Replacement(SqlParameters.quote(TableName.DEFAULT_NAMESPACE), close);
      case "current_schemas":
        return new Replacement("['" + TableName.DEFAULT_NAMESPACE + "']", close);
      case "current_database":
        return new Replacement("'tracelake'", close);
      case "getpgusername":
        return new Replacement(SqlParameters.quote(context.source().user()), close);
      case "pg_backend_pid":
        return new Replacement(Integer.toString(context.pid()), close);
      case "pg_is_in_recovery":
        return new Replacement("FALSE", close);
      case "pg_postmaster_start_time":
        return new Replacement("CAST(NULL AS TIMESTAMPTZ)", close);
      case "array_upper":
        return args.isEmpty()
            ? null
            : new Replacement("len(" + rewriteText(args.get(0)) + ")", close);
      case "array_lower":
        return new Replacement("1", close);
      case "format_type":
        {
          if (args.size() != 2) {
            return null;
          }
          needFormat = true;
          String oid = rewriteText(args.get(0));
          String mod = rewriteText(args.get(1));
          return new Replacement(
              "(SELECT CASE WHEN __f.oid = 1700 AND ("
                  + mod
                  + ") > 4 THEN 'numeric(' || ((("
                  + mod
                  + ") - 4) // 65536) || ',' || ((("
                  + mod
                  + ") - 4) % 65536) || ')'"
                  + " ELSE __f.display END FROM __tl_format __f WHERE __f.oid = ("
                  + oid
                  + "))",
              close);
        }
      case "obj_description":
      case "col_description":
        {
          if (args.isEmpty()) {
            return null;
          }
          needed.putIfAbsent("pg_description", CatalogRelations.pgCatalog("pg_description"));
          String sub =
              name.equals("col_description") && args.size() > 1 ? rewriteText(args.get(1)) : "0";
          return new Replacement(
              "(SELECT __d.description FROM pg_description __d WHERE __d.objoid = ("
                  + rewriteText(args.get(0))
                  + ") AND __d.objsubid = ("
                  + sub
                  + ") LIMIT 1)",
              close);
        }
      default:
        if (NULL_TEXT_FUNCTIONS.contains(name)) {
          return new Replacement("CAST(NULL AS VARCHAR)", close);
        }
        if (FALSE_FUNCTIONS.contains(name)) {
          return new Replacement("FALSE", close);
        }
        if (ZERO_FUNCTIONS.contains(name)) {
          return new Replacement("CAST(0 AS BIGINT)", close);
        }
        return null;
    }
  }

  /**
   * Rewrites a cast to one of PostgreSQL's catalog types. {@code literal} is the string literal
   * being cast (its token index), or -1 when the cast applies to another expression, which then
   * keeps its value (an OID stays a number).
   */
  private Replacement cast(List<Token> t, int literal, int typeAt) {
    String type = t.get(typeAt).identifier();
    String text = literal >= 0 ? unquote(t.get(literal).text()) : null;
    String value;
    switch (type) {
      case "regclass" -> value = text == null ? "" : Long.toString(classOid(text));
      case "regtype" -> value = text == null ? "" : Integer.toString(typeOid(text));
      case "regnamespace" -> value = text == null ? "" : Integer.toString(namespaceOid(text));
      case "regrole" -> value = text == null ? "" : Integer.toString(ObjectIds.OWNER);
      case "regproc", "regprocedure" ->
          value =
              text == null
                  ? ""
                  : SqlParameters.quote(
                      text.startsWith("pg_catalog.")
                          ? text.substring("pg_catalog.".length())
                          : text);
      case "oid", "xid" -> {
        return literal >= 0 ? null : new Replacement("::BIGINT", typeAt);
      }
      case "name", "char", "bpchar" -> {
        return literal >= 0 ? null : new Replacement("::VARCHAR", typeAt);
      }
      case "int2vector", "oidvector" -> value = text == null ? "" : SqlParameters.quote(text);
      default -> {
        return null;
      }
    }
    return new Replacement(value, typeAt);
  }

  private long classOid(String name) {
    String n = name.replace("\"", "");
    String schema = "";
    int dot = n.indexOf('.');
    if (dot >= 0) {
      schema = n.substring(0, dot);
      n = n.substring(dot + 1);
    }
    Integer fixed = CatalogRelations.RELATION_OIDS.get(n.toLowerCase(Locale.ROOT));
    if (fixed != null && (schema.isEmpty() || schema.equalsIgnoreCase("pg_catalog"))) {
      return fixed;
    }
    TableName table = context.findTable(schema, n);
    if (table == null) {
      throw new PgException("42P01", "relation \"" + name + "\" does not exist");
    }
    return context.source().ids().table(table);
  }

  private static int typeOid(String name) {
    String n = name.toLowerCase(Locale.ROOT).replace("pg_catalog.", "").replace("\"", "");
    for (PgType t : PgType.ALL) {
      if (t.name().equals(n) || t.displayName().equals(n)) {
        return t.oid();
      }
    }
    throw new PgException(PgException.UNDEFINED_OBJECT, "type \"" + name + "\" does not exist");
  }

  private int namespaceOid(String name) {
    String n = name.replace("\"", "");
    if (n.equals("pg_catalog")) {
      return ObjectIds.PG_CATALOG_NAMESPACE;
    }
    if (n.equals("information_schema")) {
      return ObjectIds.INFORMATION_SCHEMA_NAMESPACE;
    }
    return context.source().ids().namespace(n);
  }

  /** Index of the token closing the parenthesis opened at {@code open}. */
  private static int closing(List<Token> t, int open) {
    int depth = 0;
    for (int j = open; j < t.size(); j++) {
      if (t.get(j).isSymbol("(") || t.get(j).isSymbol("[")) {
        depth++;
      } else if (t.get(j).isSymbol(")") || t.get(j).isSymbol("]")) {
        depth--;
        if (depth == 0) {
          return j;
        }
      }
    }
    throw new PgException(
        "42601", "syntax error: unbalanced parentheses", t.get(open).start() + 1, false);
  }

  private static List<String> arguments(String sql, List<Token> t, int open, int close) {
    List<String> args = new ArrayList<>();
    int depth = 0;
    int start = t.get(open).end();
    for (int j = open + 1; j < close; j++) {
      Token x = t.get(j);
      if (x.isSymbol("(") || x.isSymbol("[")) {
        depth++;
      } else if (x.isSymbol(")") || x.isSymbol("]")) {
        depth--;
      } else if (depth == 0 && x.isSymbol(",")) {
        args.add(sql.substring(start, x.start()));
        start = x.end();
      }
    }
    String last = sql.substring(start, t.get(close).start());
    if (!last.isBlank() || !args.isEmpty()) {
      args.add(last);
    }
    return args;
  }

  private static String unquote(String literal) {
    String s = literal.strip();
    if (s.startsWith("E'") || s.startsWith("e'")) {
      s = s.substring(1);
    }
    if (s.length() >= 2 && s.startsWith("'") && s.endsWith("'")) {
      return s.substring(1, s.length() - 1).replace("''", "'");
    }
    return s;
  }

  private String withCtes(String body) {
    StringBuilder ctes = new StringBuilder();
    for (Map.Entry<String, CatalogRelations.Relation> e : needed.entrySet()) {
      if (ctes.length() > 0) {
        ctes.append(", ");
      }
      ctes.append(cte(e.getKey(), e.getValue()));
    }
    if (needFormat) {
      if (ctes.length() > 0) {
        ctes.append(", ");
      }
      ctes.append("__tl_format AS (SELECT * FROM (VALUES ");
      boolean first = true;
      for (PgType type : PgType.ALL) {
        ctes.append(first ? "" : ", ")
            .append('(')
            .append(type.oid())
            .append(", ")
            .append(SqlParameters.quote(type.displayName()))
            .append(')');
        first = false;
      }
      ctes.append(") __v(oid, display))");
    }
    List<Token> t = SqlLexer.tokenize(body);
    if (!t.isEmpty() && t.get(0).isWord("with")) {
      int after = t.size() > 1 && t.get(1).isWord("recursive") ? 1 : 0;
      int at = t.get(after).end();
      return body.substring(0, at) + " " + ctes + ", " + body.substring(at);
    }
    return "WITH " + ctes + " " + body;
  }

  private String cte(String name, CatalogRelations.Relation rel) {
    List<Object[]> rows = rel.rows().apply(context.source());
    List<String[]> cols = rel.columns();
    StringBuilder sb = new StringBuilder(name).append(" AS (SELECT ");
    for (int c = 0; c < cols.size(); c++) {
      sb.append(c == 0 ? "" : ", ")
          .append("CAST(__v.c")
          .append(c)
          .append(" AS ")
          .append(cols.get(c)[1])
          .append(") AS ")
          .append(cols.get(c)[0]);
    }
    sb.append(" FROM (VALUES ");
    if (rows.isEmpty()) {
      sb.append('(');
      for (int c = 0; c < cols.size(); c++) {
        sb.append(c == 0 ? "NULL" : ", NULL");
      }
      sb.append(')');
    }
    for (int r = 0; r < rows.size(); r++) {
      sb.append(r == 0 ? "(" : ", (");
      Object[] row = rows.get(r);
      for (int c = 0; c < cols.size(); c++) {
        sb.append(c == 0 ? "" : ", ").append(literal(row[c]));
      }
      sb.append(')');
    }
    sb.append(") __v(");
    for (int c = 0; c < cols.size(); c++) {
      sb.append(c == 0 ? "c" : ", c").append(c);
    }
    sb.append(')');
    if (rows.isEmpty()) {
      sb.append(" WHERE FALSE");
    }
    return sb.append(')').toString();
  }

  private static String literal(Object v) {
    if (v == null) {
      return "NULL";
    }
    if (v instanceof Boolean b) {
      return b ? "TRUE" : "FALSE";
    }
    if (v instanceof Number n) {
      return n.toString();
    }
    return SqlParameters.quote(v.toString());
  }
}
