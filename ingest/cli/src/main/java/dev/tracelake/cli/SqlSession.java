package dev.tracelake.cli;

import dev.tracelake.client.SqlRows;
import dev.tracelake.client.TracelakeClient;
import dev.tracelake.client.TracelakeException;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.query.QueryErrorKind;
import dev.tracelake.query.QueryException;
import dev.tracelake.query.QueryOptions;
import dev.tracelake.query.QueryResult;
import dev.tracelake.query.SqlEngine;
import dev.tracelake.query.SqlEngineConfig;
import io.grpc.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Where {@code tracelake sql} runs its statements: an embedded engine or a running server. */
abstract class SqlSession implements AutoCloseable {
  /**
   * Runs one statement.
   *
   * @throws CliException with the engine's message when the query fails
   */
  abstract SqlBatches execute(String sql);

  /** Returns what the session queries, for the REPL's banner. */
  abstract String describe();

  @Override
  public abstract void close();

  /** Opens the lake and an engine over it, in this process. */
  static SqlSession embedded(LakeConfig config) {
    Lake lake = Lake.open(config);
    try {
      return new Embedded(lake, SqlEngine.create(lake, SqlEngineConfig.fromEnvironment()));
    } catch (RuntimeException e) {
      lake.close();
      throw e;
    }
  }

  /** Connects to a server at {@code host:port}; a server that is down fails the first query. */
  static SqlSession remote(String target, String token) {
    return remote(target, TracelakeClient.connect(target, token));
  }

  /** Queries a server through {@code client} (connected with the command's token and TLS). */
  static SqlSession remote(String target, TracelakeClient client) {
    return new Remote(target, client, new RootAllocator());
  }

  private static final class Embedded extends SqlSession {
    private final Lake lake;
    private final SqlEngine engine;

    Embedded(Lake lake, SqlEngine engine) {
      this.lake = lake;
      this.engine = engine;
    }

    @Override
    SqlBatches execute(String sql) {
      QueryResult result;
      try {
        result = engine.execute(sql, QueryOptions.defaults());
      } catch (QueryException e) {
        throw failure(e);
      }
      return new SqlBatches() {
        @Override
        public VectorSchemaRoot root() {
          try {
            return result.reader().getVectorSchemaRoot();
          } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the query result", e);
          }
        }

        @Override
        public boolean loadNextBatch() {
          try {
            return result.reader().loadNextBatch();
          } catch (QueryException e) {
            throw failure(e);
          } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the query result", e);
          }
        }

        @Override
        public List<String> pins() {
          Set<String> pins = new LinkedHashSet<>();
          result
              .references()
              .forEach(
                  r -> pins.add(SqlBatches.pin(r.table().toString(), r.version(), r.snapshotId())));
          return List.copyOf(pins);
        }

        @Override
        public void close() {
          result.close();
        }
      };
    }

    /** The engine's message; an internal failure points at --verbose, there is no server log. */
    private static CliException failure(QueryException e) {
      if (e.kind() == QueryErrorKind.INTERNAL) {
        return new CliException(
            "internal error in the SQL engine (run with --verbose to see its cause)", e);
      }
      return new CliException(e.getMessage(), e);
    }

    @Override
    String describe() {
      LakeConfig config = lake.config();
      return "the lake at "
          + (config.isLocalWarehouse() ? config.warehousePath().toString() : config.warehouse());
    }

    @Override
    public void close() {
      try {
        engine.close();
      } finally {
        lake.close();
      }
    }
  }

  private static final class Remote extends SqlSession {
    private final String target;
    private final TracelakeClient client;
    private final BufferAllocator allocator;

    Remote(String target, TracelakeClient client, BufferAllocator allocator) {
      this.target = target;
      this.client = client;
      this.allocator = allocator;
    }

    @Override
    SqlBatches execute(String sql) {
      SqlRows rows = client.sql(sql, allocator);
      try {
        rows.root(); // the server answers with the schema once the query has run, or fails
      } catch (TracelakeException e) {
        rows.close();
        throw failure(e);
      }
      return new SqlBatches() {
        @Override
        public VectorSchemaRoot root() {
          return rows.root();
        }

        @Override
        public boolean loadNextBatch() {
          try {
            return rows.loadNextBatch();
          } catch (TracelakeException e) {
            throw failure(e);
          }
        }

        @Override
        public List<String> pins() {
          Set<String> pins = new LinkedHashSet<>();
          rows.references()
              .forEach(r -> pins.add(SqlBatches.pin(r.table(), r.version(), r.snapshotId())));
          return List.copyOf(pins);
        }

        @Override
        public void close() {
          rows.close();
        }
      };
    }

    /** Keeps the engine's own message; only a transport failure says which server it concerns. */
    private CliException failure(TracelakeException e) {
      if (e.code() == Status.Code.UNAVAILABLE || e.description() == null) {
        return CliException.of(
            "Cannot query the Tracelake server at %s: %s", target, e.getMessage());
      }
      return new CliException(e.description(), e);
    }

    @Override
    String describe() {
      return "the Tracelake server at " + target;
    }

    @Override
    public void close() {
      try {
        client.close();
      } finally {
        allocator.close();
      }
    }
  }
}
