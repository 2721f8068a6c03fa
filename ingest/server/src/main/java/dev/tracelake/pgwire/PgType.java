package dev.tracelake.pgwire;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A PostgreSQL type the door speaks: its OID, name, length and array type, as in PostgreSQL's
 * {@code pg_type}, so clients that know PostgreSQL's built-in OIDs decode our values natively.
 *
 * @param oid the type's OID in PostgreSQL
 * @param name the type's name ({@code typname})
 * @param length {@code typlen}: bytes of a fixed-size value, -1 for variable size
 * @param arrayOid the OID of the array of this type, 0 when there is none
 * @param elementOid for an array type, the OID of its element; 0 otherwise
 * @param category {@code typcategory}
 */
record PgType(int oid, String name, int length, int arrayOid, int elementOid, char category) {
  static final PgType BOOL = new PgType(16, "bool", 1, 1000, 0, 'B');
  static final PgType BYTEA = new PgType(17, "bytea", -1, 1001, 0, 'U');
  static final PgType CHAR = new PgType(18, "char", 1, 1002, 0, 'S');
  static final PgType NAME = new PgType(19, "name", 64, 1003, 0, 'S');
  static final PgType INT8 = new PgType(20, "int8", 8, 1016, 0, 'N');
  static final PgType INT2 = new PgType(21, "int2", 2, 1005, 0, 'N');
  static final PgType INT4 = new PgType(23, "int4", 4, 1007, 0, 'N');
  static final PgType TEXT = new PgType(25, "text", -1, 1009, 0, 'S');
  static final PgType OID = new PgType(26, "oid", 4, 1028, 0, 'N');
  static final PgType JSON = new PgType(114, "json", -1, 199, 0, 'U');
  static final PgType FLOAT4 = new PgType(700, "float4", 4, 1021, 0, 'N');
  static final PgType FLOAT8 = new PgType(701, "float8", 8, 1022, 0, 'N');
  static final PgType UNKNOWN = new PgType(705, "unknown", -2, 0, 0, 'X');
  static final PgType VARCHAR = new PgType(1043, "varchar", -1, 1015, 0, 'S');
  static final PgType DATE = new PgType(1082, "date", 4, 1182, 0, 'D');
  static final PgType TIME = new PgType(1083, "time", 8, 1183, 0, 'D');
  static final PgType TIMESTAMP = new PgType(1114, "timestamp", 8, 1115, 0, 'D');
  static final PgType TIMESTAMPTZ = new PgType(1184, "timestamptz", 8, 1185, 0, 'D');
  static final PgType INTERVAL = new PgType(1186, "interval", 16, 1187, 0, 'T');
  static final PgType NUMERIC = new PgType(1700, "numeric", -1, 1231, 0, 'N');
  static final PgType UUID = new PgType(2950, "uuid", 16, 2951, 0, 'U');
  static final PgType JSONB = new PgType(3802, "jsonb", -1, 3807, 0, 'U');

  static final List<PgType> BASE_TYPES =
      List.of(
          BOOL,
          BYTEA,
          CHAR,
          NAME,
          INT8,
          INT2,
          INT4,
          TEXT,
          OID,
          JSON,
          FLOAT4,
          FLOAT8,
          UNKNOWN,
          VARCHAR,
          DATE,
          TIME,
          TIMESTAMP,
          TIMESTAMPTZ,
          INTERVAL,
          NUMERIC,
          UUID,
          JSONB);

  /** Every base type and the array type of each. */
  static final List<PgType> ALL = withArrays();

  private static final Map<Integer, PgType> BY_OID =
      ALL.stream().collect(Collectors.toMap(PgType::oid, Function.identity()));

  private static List<PgType> withArrays() {
    List<PgType> all = new java.util.ArrayList<>(BASE_TYPES);
    for (PgType t : BASE_TYPES) {
      if (t.arrayOid() != 0) {
        all.add(new PgType(t.arrayOid(), "_" + t.name(), -1, 0, t.oid(), 'A'));
      }
    }
    return List.copyOf(all);
  }

  /** Returns the type of {@code oid}, or null for an OID the door does not know. */
  static PgType byOid(int oid) {
    return BY_OID.get(oid);
  }

  /** Returns the array type whose elements are of this type. */
  PgType arrayType() {
    return BY_OID.get(arrayOid);
  }

  boolean isArray() {
    return elementOid != 0;
  }

  /** The name {@code format_type} shows, e.g. {@code bigint}, {@code text[]}. */
  String displayName() {
    if (isArray()) {
      return byOid(elementOid).displayName() + "[]";
    }
    return switch (name) {
      case "bool" -> "boolean";
      case "int8" -> "bigint";
      case "int2" -> "smallint";
      case "int4" -> "integer";
      case "float4" -> "real";
      case "float8" -> "double precision";
      case "varchar" -> "character varying";
      case "timestamp" -> "timestamp without time zone";
      case "timestamptz" -> "timestamp with time zone";
      case "time" -> "time without time zone";
      case "char" -> "\"char\"";
      default -> name;
    };
  }
}
