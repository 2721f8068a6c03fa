package dev.tracelake.pgwire;

import dev.tracelake.lake.ColumnInfo;
import dev.tracelake.lake.TableDescription;
import dev.tracelake.lake.TableName;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The relations of {@code pg_catalog} and {@code information_schema} that PostgreSQL clients read
 * on connect and for browsing, filled with the lake's namespaces, tables and columns. Each is sent
 * to the SQL engine as a common table expression of literal rows, so a client's catalog query runs
 * through the same engine, checks and sandbox as every other statement. Columns follow PostgreSQL
 * 15; relations clients rarely read are empty but have their columns, so queries that join them
 * still run.
 */
final class CatalogRelations {
  /** What the relations are built from: the tables the principal may read, described lazily. */
  interface Source {
    List<TableName> tables();

    TableDescription describe(TableName table);

    ObjectIds ids();

    Map<String, String> settings();

    String user();
  }

  /** One relation: its columns (name and DuckDB type) and how to produce its rows. */
  record Relation(String name, List<String[]> columns, Function<Source, List<Object[]>> rows) {}

  private static final Map<String, Relation> PG_CATALOG = new java.util.HashMap<>();
  private static final Map<String, Relation> INFORMATION_SCHEMA = new java.util.HashMap<>();

  /** Fixed OIDs of the emulated catalog relations, as in PostgreSQL. */
  static final Map<String, Integer> RELATION_OIDS =
      Map.ofEntries(
          Map.entry("pg_class", 1259),
          Map.entry("pg_namespace", 2615),
          Map.entry("pg_type", 1247),
          Map.entry("pg_attribute", 1249),
          Map.entry("pg_proc", 1255),
          Map.entry("pg_description", 2609),
          Map.entry("pg_constraint", 2606),
          Map.entry("pg_index", 2610),
          Map.entry("pg_database", 1262),
          Map.entry("pg_am", 2601),
          Map.entry("pg_attrdef", 2604),
          Map.entry("pg_inherits", 2611),
          Map.entry("pg_trigger", 2620),
          Map.entry("pg_roles", 1260));

  private CatalogRelations() {}

  static Relation pgCatalog(String name) {
    return PG_CATALOG.get(name);
  }

  static Relation informationSchema(String name) {
    return INFORMATION_SCHEMA.get(name);
  }

  static boolean isPgCatalogName(String name) {
    return PG_CATALOG.containsKey(name);
  }

  private static void pg(String name, String columns, Function<Source, List<Object[]>> rows) {
    PG_CATALOG.put(name, new Relation(name, parse(columns), rows));
  }

  private static void is(String name, String columns, Function<Source, List<Object[]>> rows) {
    INFORMATION_SCHEMA.put(name, new Relation(name, parse(columns), rows));
  }

  private static void pgEmpty(String name, String columns) {
    pg(name, columns, s -> List.of());
  }

  private static List<String[]> parse(String columns) {
    List<String[]> out = new ArrayList<>();
    for (String c : columns.split(",")) {
      String[] parts = c.strip().split("\\s+", 2);
      out.add(new String[] {parts[0], parts.length > 1 ? parts[1] : "VARCHAR"});
    }
    return out;
  }

  private static Object[] row(Object... values) {
    return values;
  }

  /** The lake's namespaces, {@code default} first even when empty. */
  static List<String> namespaces(Source s) {
    List<String> out = new ArrayList<>();
    out.add(TableName.DEFAULT_NAMESPACE);
    for (TableName t : s.tables()) {
      if (!out.contains(t.namespace())) {
        out.add(t.namespace());
      }
    }
    return out;
  }

  static {
    pg(
        "pg_namespace",
        "oid BIGINT, nspname, nspowner BIGINT, nspacl VARCHAR[]",
        s -> {
          List<Object[]> rows = new ArrayList<>();
          rows.add(row(ObjectIds.PG_CATALOG_NAMESPACE, "pg_catalog", ObjectIds.OWNER, null));
          rows.add(
              row(
                  ObjectIds.INFORMATION_SCHEMA_NAMESPACE,
                  "information_schema",
                  ObjectIds.OWNER,
                  null));
          for (String ns : namespaces(s)) {
            rows.add(row(s.ids().namespace(ns), ns, ObjectIds.OWNER, null));
          }
          return rows;
        });
    pg(
        "pg_class",
        "oid BIGINT, relname, relnamespace BIGINT, reltype BIGINT, reloftype BIGINT,"
            + " relowner BIGINT, relam BIGINT, relfilenode BIGINT, reltablespace BIGINT,"
            + " relpages INTEGER, reltuples FLOAT, relallvisible INTEGER, reltoastrelid BIGINT,"
            + " relhasindex BOOLEAN, relisshared BOOLEAN, relpersistence, relkind,"
            + " relnatts SMALLINT, relchecks SMALLINT, relhasrules BOOLEAN,"
            + " relhastriggers BOOLEAN, relhassubclass BOOLEAN, relrowsecurity BOOLEAN,"
            + " relforcerowsecurity BOOLEAN, relispopulated BOOLEAN, relreplident,"
            + " relispartition BOOLEAN, relrewrite BIGINT, relfrozenxid BIGINT,"
            + " relminmxid BIGINT, relacl VARCHAR[], reloptions VARCHAR[], relpartbound",
        s -> {
          List<Object[]> rows = new ArrayList<>();
          for (TableName t : s.tables()) {
            TableDescription d = s.describe(t);
            rows.add(
                row(
                    s.ids().table(t),
                    t.name(),
                    s.ids().namespace(t.namespace()),
                    s.ids().rowType(t),
                    0,
                    ObjectIds.OWNER,
                    2,
                    0,
                    0,
                    0,
                    d.currentSnapshot().map(x -> (double) x.totalRows()).orElse(0.0),
                    0,
                    0,
                    false,
                    false,
                    "p",
                    "r",
                    d.columns().size(),
                    0,
                    false,
                    false,
                    false,
                    false,
                    false,
                    true,
                    "d",
                    false,
                    0,
                    0,
                    0,
                    null,
                    null,
                    null));
          }
          return rows;
        });
    pg(
        "pg_attribute",
        "attrelid BIGINT, attname, atttypid BIGINT, attstattarget INTEGER, attlen SMALLINT,"
            + " attnum SMALLINT, attndims INTEGER, attcacheoff INTEGER, atttypmod INTEGER,"
            + " attbyval BOOLEAN, attalign, attstorage, attcompression, attnotnull BOOLEAN,"
            + " atthasdef BOOLEAN, atthasmissing BOOLEAN, attidentity, attgenerated,"
            + " attisdropped BOOLEAN, attislocal BOOLEAN, attinhcount INTEGER,"
            + " attcollation BIGINT, attacl VARCHAR[], attoptions VARCHAR[],"
            + " attfdwoptions VARCHAR[], attmissingval VARCHAR",
        s -> {
          List<Object[]> rows = new ArrayList<>();
          for (TableName t : s.tables()) {
            int attnum = 0;
            for (ColumnInfo c : s.describe(t).columns()) {
              attnum++;
              IcebergPgTypes.Mapped m = IcebergPgTypes.of(c.type());
              rows.add(
                  row(
                      s.ids().table(t),
                      c.name(),
                      m.type().oid(),
                      -1,
                      m.type().length(),
                      attnum,
                      m.type().isArray() ? 1 : 0,
                      -1,
                      m.typmod(),
                      m.type().length() > 0 && m.type().length() <= 8,
                      "d",
                      "x",
                      "",
                      c.required(),
                      false,
                      false,
                      "",
                      "",
                      false,
                      true,
                      0,
                      0,
                      null,
                      null,
                      null,
                      null));
            }
          }
          return rows;
        });
    pg(
        "pg_type",
        "oid BIGINT, typname, typnamespace BIGINT, typowner BIGINT, typlen SMALLINT,"
            + " typbyval BOOLEAN, typtype, typcategory, typispreferred BOOLEAN,"
            + " typisdefined BOOLEAN, typdelim, typrelid BIGINT, typsubscript, typelem BIGINT,"
            + " typarray BIGINT, typinput, typoutput, typreceive, typsend, typmodin, typmodout,"
            + " typanalyze, typalign, typstorage, typnotnull BOOLEAN, typbasetype BIGINT,"
            + " typtypmod INTEGER, typndims INTEGER, typcollation BIGINT, typdefaultbin,"
            + " typdefault, typacl VARCHAR[]",
        s -> {
          List<Object[]> rows = new ArrayList<>();
          for (PgType t : PgType.ALL) {
            String base = t.isArray() ? "array" : t.name();
            rows.add(
                row(
                    t.oid(),
                    t.name(),
                    ObjectIds.PG_CATALOG_NAMESPACE,
                    ObjectIds.OWNER,
                    t.length(),
                    t.length() > 0 && t.length() <= 8,
                    "b",
                    String.valueOf(t.category()),
                    false,
                    true,
                    ",",
                    0,
                    t.isArray() ? "array_subscript_handler" : "-",
                    t.elementOid(),
                    t.arrayOid(),
                    base + "_in",
                    base + "_out",
                    base + "_recv",
                    base + "_send",
                    "-",
                    "-",
                    "-",
                    "i",
                    "x",
                    false,
                    0,
                    -1,
                    0,
                    0,
                    null,
                    null,
                    null));
          }
          return rows;
        });
    pg(
        "pg_database",
        "oid BIGINT, datname, datdba BIGINT, encoding INTEGER, datlocprovider,"
            + " datistemplate BOOLEAN, datallowconn BOOLEAN, datconnlimit INTEGER,"
            + " datfrozenxid BIGINT, datminmxid BIGINT, dattablespace BIGINT, datcollate,"
            + " datctype, daticulocale, datcollversion, datacl VARCHAR[]",
        s ->
            List.<Object[]>of(
                row(
                    ObjectIds.DATABASE,
                    "tracelake",
                    ObjectIds.OWNER,
                    6,
                    "c",
                    false,
                    true,
                    -1,
                    0,
                    0,
                    1663,
                    "C",
                    "C",
                    null,
                    null,
                    null)));
    pg(
        "pg_roles",
        "oid BIGINT, rolname, rolsuper BOOLEAN, rolinherit BOOLEAN, rolcreaterole BOOLEAN,"
            + " rolcreatedb BOOLEAN, rolcanlogin BOOLEAN, rolreplication BOOLEAN,"
            + " rolconnlimit INTEGER, rolpassword, rolvaliduntil TIMESTAMPTZ,"
            + " rolbypassrls BOOLEAN, rolconfig VARCHAR[]",
        s ->
            List.<Object[]>of(
                row(
                    ObjectIds.OWNER,
                    s.user(),
                    false,
                    true,
                    false,
                    false,
                    true,
                    false,
                    -1,
                    "********",
                    null,
                    false,
                    null)));
    PG_CATALOG.put("pg_authid", PG_CATALOG.get("pg_roles"));
    pg(
        "pg_user",
        "usename, usesysid BIGINT, usecreatedb BOOLEAN, usesuper BOOLEAN, userepl BOOLEAN,"
            + " usebypassrls BOOLEAN, passwd, valuntil TIMESTAMPTZ, useconfig VARCHAR[]",
        s ->
            List.<Object[]>of(
                row(
                    s.user(),
                    ObjectIds.OWNER,
                    false,
                    false,
                    false,
                    false,
                    "********",
                    null,
                    null)));
    pg(
        "pg_settings",
        "name, setting, unit, category, short_desc, extra_desc, context, vartype, source,"
            + " min_val, max_val, enumvals VARCHAR[], boot_val, reset_val, sourcefile,"
            + " sourceline INTEGER, pending_restart BOOLEAN",
        s -> {
          List<Object[]> rows = new ArrayList<>();
          s.settings()
              .forEach(
                  (k, v) ->
                      rows.add(
                          row(
                              k,
                              v,
                              null,
                              "Tracelake",
                              "",
                              null,
                              "user",
                              "string",
                              "session",
                              null,
                              null,
                              null,
                              v,
                              v,
                              null,
                              null,
                              false)));
          return rows;
        });
    pg(
        "pg_description",
        "objoid BIGINT, classoid BIGINT, objsubid INTEGER, description",
        s -> {
          List<Object[]> rows = new ArrayList<>();
          for (TableName t : s.tables()) {
            TableDescription d = s.describe(t);
            rows.add(
                row(
                    s.ids().table(t),
                    1259,
                    0,
                    "Tracelake table, "
                        + d.snapshotCount()
                        + " snapshots, main at "
                        + d.currentSnapshot().map(x -> Long.toString(x.snapshotId())).orElse("none")
                        + "; read older versions with FOR VERSION AS OF"));
            int attnum = 0;
            for (ColumnInfo c : d.columns()) {
              attnum++;
              if (c.doc() != null && !c.doc().isBlank()) {
                rows.add(row(s.ids().table(t), 1259, attnum, c.doc()));
              }
            }
          }
          return rows;
        });
    pg(
        "pg_tables",
        "schemaname, tablename, tableowner, tablespace, hasindexes BOOLEAN, hasrules BOOLEAN,"
            + " hastriggers BOOLEAN, rowsecurity BOOLEAN",
        s -> {
          List<Object[]> rows = new ArrayList<>();
          for (TableName t : s.tables()) {
            rows.add(row(t.namespace(), t.name(), s.user(), null, false, false, false, false));
          }
          return rows;
        });
    pg(
        "pg_am",
        "oid BIGINT, amname, amhandler, amtype",
        s -> List.<Object[]>of(row(2, "heap", "heap_tableam_handler", "t")));
    pg(
        "pg_tablespace",
        "oid BIGINT, spcname, spcowner BIGINT, spcacl VARCHAR[], spcoptions VARCHAR[]",
        s -> List.<Object[]>of(row(1663, "pg_default", ObjectIds.OWNER, null, null)));
    pgEmpty(
        "pg_index",
        "indexrelid BIGINT, indrelid BIGINT, indnatts SMALLINT, indnkeyatts SMALLINT,"
            + " indisunique BOOLEAN, indnullsnotdistinct BOOLEAN, indisprimary BOOLEAN,"
            + " indisexclusion BOOLEAN, indimmediate BOOLEAN, indisclustered BOOLEAN,"
            + " indisvalid BOOLEAN, indcheckxmin BOOLEAN, indisready BOOLEAN, indislive BOOLEAN,"
            + " indisreplident BOOLEAN, indkey SMALLINT[], indcollation BIGINT[],"
            + " indclass BIGINT[], indoption SMALLINT[], indexprs, indpred");
    pgEmpty(
        "pg_constraint",
        "oid BIGINT, conname, connamespace BIGINT, contype, condeferrable BOOLEAN,"
            + " condeferred BOOLEAN, convalidated BOOLEAN, conrelid BIGINT, contypid BIGINT,"
            + " conindid BIGINT, conparentid BIGINT, confrelid BIGINT, confupdtype,"
            + " confdeltype, confmatchtype, conislocal BOOLEAN, coninhcount INTEGER,"
            + " connoinherit BOOLEAN, conkey SMALLINT[], confkey SMALLINT[], conpfeqop BIGINT[],"
            + " conppeqop BIGINT[], conffeqop BIGINT[], confdelsetcols SMALLINT[],"
            + " conexclop BIGINT[], conbin");
    pgEmpty("pg_attrdef", "oid BIGINT, adrelid BIGINT, adnum SMALLINT, adbin");
    pgEmpty(
        "pg_inherits",
        "inhrelid BIGINT, inhparent BIGINT, inhseqno INTEGER, inhdetachpending BOOLEAN");
    pgEmpty(
        "pg_trigger",
        "oid BIGINT, tgrelid BIGINT, tgparentid BIGINT, tgname, tgfoid BIGINT, tgtype SMALLINT,"
            + " tgenabled, tgisinternal BOOLEAN, tgconstrrelid BIGINT, tgconstrindid BIGINT,"
            + " tgconstraint BIGINT, tgdeferrable BOOLEAN, tginitdeferred BOOLEAN,"
            + " tgnargs SMALLINT, tgattr SMALLINT[], tgargs BLOB, tgqual, tgoldtable,"
            + " tgnewtable");
    pgEmpty(
        "pg_rewrite",
        "oid BIGINT, rulename, ev_class BIGINT, ev_type, ev_enabled, is_instead BOOLEAN,"
            + " ev_qual, ev_action");
    pgEmpty(
        "pg_policy",
        "oid BIGINT, polname, polrelid BIGINT, polcmd, polpermissive BOOLEAN,"
            + " polroles BIGINT[], polqual, polwithcheck");
    pgEmpty(
        "pg_statistic_ext",
        "oid BIGINT, stxrelid BIGINT, stxname, stxnamespace BIGINT, stxowner BIGINT,"
            + " stxstattarget INTEGER, stxkeys SMALLINT[], stxkind VARCHAR[], stxexprs");
    pgEmpty(
        "pg_publication",
        "oid BIGINT, pubname, pubowner BIGINT, puballtables BOOLEAN, pubinsert BOOLEAN,"
            + " pubupdate BOOLEAN, pubdelete BOOLEAN, pubtruncate BOOLEAN, pubviaroot BOOLEAN");
    pgEmpty(
        "pg_publication_rel",
        "oid BIGINT, prpubid BIGINT, prrelid BIGINT, prqual, prattrs SMALLINT[]");
    pgEmpty("pg_publication_namespace", "oid BIGINT, pnpubid BIGINT, pnnspid BIGINT");
    pgEmpty(
        "pg_partitioned_table",
        "partrelid BIGINT, partstrat, partnatts SMALLINT, partdefid BIGINT,"
            + " partattrs SMALLINT[], partclass BIGINT[], partcollation BIGINT[], partexprs");
    pgEmpty("pg_foreign_table", "ftrelid BIGINT, ftserver BIGINT, ftoptions VARCHAR[]");
    pgEmpty(
        "pg_proc",
        "oid BIGINT, proname, pronamespace BIGINT, proowner BIGINT, prolang BIGINT,"
            + " procost FLOAT, prorows FLOAT, provariadic BIGINT, prosupport, prokind,"
            + " prosecdef BOOLEAN, proleakproof BOOLEAN, proisstrict BOOLEAN, proretset BOOLEAN,"
            + " provolatile, proparallel, pronargs SMALLINT, pronargdefaults SMALLINT,"
            + " prorettype BIGINT, proargtypes BIGINT[], proallargtypes BIGINT[],"
            + " proargmodes VARCHAR[], proargnames VARCHAR[], proargdefaults, protrftypes"
            + " BIGINT[], prosrc, probin, prosqlbody, proconfig VARCHAR[], proacl VARCHAR[]");
    pgEmpty(
        "pg_collation",
        "oid BIGINT, collname, collnamespace BIGINT, collowner BIGINT,"
            + " collprovider, collisdeterministic BOOLEAN, collencoding INTEGER, collcollate,"
            + " collctype, colliculocale, collversion");
    pgEmpty(
        "pg_depend",
        "classid BIGINT, objid BIGINT, objsubid INTEGER, refclassid BIGINT, refobjid BIGINT,"
            + " refobjsubid INTEGER, deptype");
    pgEmpty("pg_enum", "oid BIGINT, enumtypid BIGINT, enumsortorder FLOAT, enumlabel");
    pgEmpty(
        "pg_sequence",
        "seqrelid BIGINT, seqtypid BIGINT, seqstart BIGINT, seqincrement BIGINT, seqmax BIGINT,"
            + " seqmin BIGINT, seqcache BIGINT, seqcycle BOOLEAN");
    pgEmpty(
        "pg_extension",
        "oid BIGINT, extname, extowner BIGINT, extnamespace BIGINT, extrelocatable BOOLEAN,"
            + " extversion, extconfig BIGINT[], extcondition VARCHAR[]");
    pgEmpty("pg_views", "schemaname, viewname, viewowner, definition");
    pgEmpty(
        "pg_matviews",
        "schemaname, matviewname, matviewowner, tablespace,"
            + " hasindexes BOOLEAN, ispopulated BOOLEAN, definition");
    pgEmpty("pg_shdescription", "objoid BIGINT, classoid BIGINT, description");
    pgEmpty(
        "pg_auth_members", "roleid BIGINT, member BIGINT, grantor BIGINT, admin_option BOOLEAN");
    pgEmpty(
        "pg_event_trigger",
        "oid BIGINT, evtname, evtevent, evtowner BIGINT, evtfoid BIGINT,"
            + " evtenabled, evttags VARCHAR[]");
    pgEmpty(
        "pg_language",
        "oid BIGINT, lanname, lanowner BIGINT, lanispl BOOLEAN,"
            + " lanpltrusted BOOLEAN, lanplcallfoid BIGINT, laninline BIGINT, lanvalidator BIGINT,"
            + " lanacl VARCHAR[]");
    pgEmpty(
        "pg_stat_activity",
        "datid BIGINT, datname, pid INTEGER, usename, application_name,"
            + " client_addr, backend_start TIMESTAMPTZ, state, query");
    pgEmpty(
        "pg_locks",
        "locktype, database BIGINT, relation BIGINT, pid INTEGER, mode," + " granted BOOLEAN");
    pgEmpty(
        "pg_foreign_server",
        "oid BIGINT, srvname, srvowner BIGINT, srvfdw BIGINT,"
            + " srvtype, srvversion, srvacl VARCHAR[], srvoptions VARCHAR[]");
    pgEmpty(
        "pg_foreign_data_wrapper",
        "oid BIGINT, fdwname, fdwowner BIGINT,"
            + " fdwhandler BIGINT, fdwvalidator BIGINT, fdwacl VARCHAR[], fdwoptions VARCHAR[]");
    pgEmpty(
        "pg_opclass",
        "oid BIGINT, opcmethod BIGINT, opcname, opcnamespace BIGINT,"
            + " opcowner BIGINT, opcfamily BIGINT, opcintype BIGINT, opcdefault BOOLEAN,"
            + " opckeytype BIGINT");
    pgEmpty(
        "pg_operator",
        "oid BIGINT, oprname, oprnamespace BIGINT, oprowner BIGINT,"
            + " oprkind, oprcanmerge BOOLEAN, oprcanhash BOOLEAN, oprleft BIGINT, oprright BIGINT,"
            + " oprresult BIGINT, oprcom BIGINT, oprnegate BIGINT, oprcode");
    pgEmpty(
        "pg_cast",
        "oid BIGINT, castsource BIGINT, casttarget BIGINT, castfunc BIGINT,"
            + " castcontext, castmethod");
    pgEmpty(
        "pg_range",
        "rngtypid BIGINT, rngsubtype BIGINT, rngmultitypid BIGINT,"
            + " rngcollation BIGINT, rngsubopc BIGINT, rngcanonical, rngsubdiff");

    is(
        "schemata",
        "catalog_name, schema_name, schema_owner, default_character_set_catalog,"
            + " default_character_set_schema, default_character_set_name, sql_path",
        s -> {
          List<Object[]> rows = new ArrayList<>();
          for (String ns : namespaces(s)) {
            rows.add(row("tracelake", ns, s.user(), null, null, null, null));
          }
          return rows;
        });
    is(
        "tables",
        "table_catalog, table_schema, table_name, table_type, self_referencing_column_name,"
            + " reference_generation, user_defined_type_catalog, user_defined_type_schema,"
            + " user_defined_type_name, is_insertable_into, is_typed, commit_action",
        s -> {
          List<Object[]> rows = new ArrayList<>();
          for (TableName t : s.tables()) {
            rows.add(
                row(
                    "tracelake",
                    t.namespace(),
                    t.name(),
                    "BASE TABLE",
                    null,
                    null,
                    null,
                    null,
                    null,
                    "NO",
                    "NO",
                    null));
          }
          return rows;
        });
    is(
        "columns",
        "table_catalog, table_schema, table_name, column_name, ordinal_position INTEGER,"
            + " column_default, is_nullable, data_type, character_maximum_length INTEGER,"
            + " character_octet_length INTEGER, numeric_precision INTEGER,"
            + " numeric_precision_radix INTEGER, numeric_scale INTEGER,"
            + " datetime_precision INTEGER, interval_type, interval_precision INTEGER,"
            + " character_set_catalog, character_set_schema, character_set_name,"
            + " collation_catalog, collation_schema, collation_name, domain_catalog,"
            + " domain_schema, domain_name, udt_catalog, udt_schema, udt_name, scope_catalog,"
            + " scope_schema, scope_name, maximum_cardinality INTEGER, dtd_identifier,"
            + " is_self_referencing, is_identity, identity_generation, identity_start,"
            + " identity_increment, identity_maximum, identity_minimum, identity_cycle,"
            + " is_generated, generation_expression, is_updatable",
        s -> {
          List<Object[]> rows = new ArrayList<>();
          for (TableName t : s.tables()) {
            int n = 0;
            for (ColumnInfo c : s.describe(t).columns()) {
              n++;
              IcebergPgTypes.Mapped m = IcebergPgTypes.of(c.type());
              Object[] r = new Object[44];
              Arrays.fill(r, null);
              r[0] = "tracelake";
              r[1] = t.namespace();
              r[2] = t.name();
              r[3] = c.name();
              r[4] = n;
              r[6] = c.required() ? "NO" : "YES";
              r[7] = m.type().isArray() ? "ARRAY" : m.type().displayName();
              if (m.type() == PgType.NUMERIC && m.typmod() > 0) {
                r[10] = (m.typmod() - 4) >> 16;
                r[11] = 10;
                r[12] = (m.typmod() - 4) & 0xffff;
              }
              r[25] = "tracelake";
              r[26] = "pg_catalog";
              r[27] = m.type().name();
              r[32] = Integer.toString(n);
              r[33] = "NO";
              r[34] = "NO";
              r[41] = "NEVER";
              r[43] = "NO";
              rows.add(r);
            }
          }
          return rows;
        });
    is(
        "views",
        "table_catalog, table_schema, table_name, view_definition, check_option,"
            + " is_updatable, is_insertable_into, is_trigger_updatable, is_trigger_deletable,"
            + " is_trigger_insertable_into",
        s -> List.of());
  }
}
