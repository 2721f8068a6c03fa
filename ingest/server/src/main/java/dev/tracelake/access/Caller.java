package dev.tracelake.access;

import dev.tracelake.lake.TableName;
import dev.tracelake.lineage.ValueAccess;
import dev.tracelake.query.TableGate;
import io.grpc.Context;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Who made the current gRPC call and what it may do, put in the call's {@link Context} by {@link
 * AuthInterceptor}. Services read it for checks inside an operation (each table a SQL statement
 * reads, the values an explanation shows, the tables a listing names). Without access control there
 * is no caller and everything is allowed.
 *
 * @param principal who authenticated
 * @param grants what it may do
 */
public record Caller(Principal principal, Grants grants) {
  static final Context.Key<Caller> KEY = Context.key("tracelake-caller");

  public Caller {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(grants, "grants");
  }

  /** The caller of the current call, or empty on a server without access control. */
  public static Optional<Caller> current() {
    return Optional.ofNullable(KEY.get());
  }

  /** Returns whether the current caller (if any) may see {@code table} at all. */
  public static boolean currentSees(TableName table) {
    return current().map(c -> c.grants().sees(table)).orElse(true);
  }

  /** Returns whether the current caller (if any) holds {@code privilege} on {@code table}. */
  public static boolean currentHolds(Privilege privilege, TableName table) {
    return current().map(c -> c.grants().holds(privilege, table)).orElse(true);
  }

  /**
   * Which tables' row values an explanation may show the current caller: those it may read (all
   * without access control). Captured now, so it holds on any thread.
   */
  public static ValueAccess currentValueAccess() {
    Optional<Caller> caller = current();
    if (caller.isEmpty()) {
      return ValueAccess.all();
    }
    Grants grants = caller.get().grants();
    return ValueAccess.of(byName(t -> grants.holds(Privilege.READ, t)));
  }

  /** Which tables ({@code namespace.name}) the current caller may see lineage of. */
  public static Predicate<String> currentLineageTables() {
    return current()
        .map(c -> byName(t -> c.grants().holds(Privilege.LINEAGE, t)))
        .orElse(t -> true);
  }

  /**
   * Which tables ({@code namespace.name}) the current caller may know exist: any privilege on them.
   */
  public static Predicate<String> currentVisibleTables() {
    return current().map(c -> byName(c.grants()::sees)).orElse(t -> true);
  }

  /**
   * {@code test} over tables named as text ({@code namespace.name}); a text that is not a table
   * name passes nothing.
   */
  public static Predicate<String> byName(Predicate<TableName> test) {
    return text -> {
      try {
        return test.test(TableName.parse(text));
      } catch (RuntimeException notATableName) {
        return false;
      }
    };
  }

  /** The SQL gate for the current caller: {@link TableGate#OPEN} without access control. */
  public static TableGate currentGate() {
    return current().map(Caller::gate).orElse(TableGate.OPEN);
  }

  /**
   * The SQL gate of this caller: sees a table with any privilege on it, reads with {@code read}.
   */
  public TableGate gate() {
    return gate(principal, grants);
  }

  /** The SQL gate for a principal of another door (the PostgreSQL endpoint). */
  public static TableGate gate(Principal principal, Grants grants) {
    return new TableGate() {
      @Override
      public boolean sees(TableName table) {
        return grants.sees(table);
      }

      @Override
      public boolean mayRead(TableName table) {
        return grants.holds(Privilege.READ, table);
      }

      @Override
      public boolean seesNamespace(String namespace) {
        return grants.seesNamespace(namespace);
      }

      @Override
      public String asker() {
        return principal.name();
      }
    };
  }
}
