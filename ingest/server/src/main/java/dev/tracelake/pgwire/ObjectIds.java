package dev.tracelake.pgwire;

import dev.tracelake.lake.TableName;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The OIDs the emulated catalog gives the lake's namespaces and tables. Clients look an object's
 * OID up in one query and use it in the next ({@code psql \d t} does), so an object keeps its OID
 * for the life of the server, whatever is created in between.
 */
final class ObjectIds {
  /** PostgreSQL hands out user OIDs from 16384 (FirstNormalObjectId). */
  private static final int FIRST_USER_OID = 16_384;

  static final int PG_CATALOG_NAMESPACE = 11;
  static final int INFORMATION_SCHEMA_NAMESPACE = 13_000;
  static final int DATABASE = 16_383;
  static final int OWNER = 10;

  private final AtomicInteger next = new AtomicInteger(FIRST_USER_OID);
  private final ConcurrentMap<String, Integer> namespaces = new ConcurrentHashMap<>();
  private final ConcurrentMap<TableName, Integer> tables = new ConcurrentHashMap<>();

  int namespace(String name) {
    return namespaces.computeIfAbsent(name, n -> next.getAndIncrement());
  }

  int table(TableName name) {
    return tables.computeIfAbsent(name, n -> next.getAndIncrement());
  }

  /** The row type of a table; PostgreSQL gives every table one. */
  int rowType(TableName name) {
    return 1_000_000 + table(name);
  }
}
