package dev.tracelake.client;

import com.google.protobuf.ByteString;
import dev.tracelake.proto.v1.CreateTableRequest;
import dev.tracelake.proto.v1.DescribeTableRequest;
import dev.tracelake.proto.v1.ExecuteRequest;
import dev.tracelake.proto.v1.ExecuteResponse;
import dev.tracelake.proto.v1.ExplainRequest;
import dev.tracelake.proto.v1.ExplainResponse;
import dev.tracelake.proto.v1.GetWriterOffsetRequest;
import dev.tracelake.proto.v1.GetWriterOffsetResponse;
import dev.tracelake.proto.v1.IngestServiceGrpc;
import dev.tracelake.proto.v1.LineageServiceGrpc;
import dev.tracelake.proto.v1.ListTablesRequest;
import dev.tracelake.proto.v1.QueryServiceGrpc;
import dev.tracelake.proto.v1.TableServiceGrpc;
import dev.tracelake.wire.ArrowIpc;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection to a Tracelake server: creates, lists and describes tables, and opens {@link
 * TableWriter}s. Thread-safe; open one per process and share it.
 *
 * <pre>{@code
 * try (TracelakeClient client = TracelakeClient.connect("127.0.0.1:7420");
 *     TableWriter writer = client.openWriter("demo.features", "feature-service-1", provenance)) {
 *   AppendAck ack = writer.appendRows(rows).join();
 * }
 * }</pre>
 */
public final class TracelakeClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TracelakeClient.class);
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(30);
  private static final Pattern WRITER_ID = Pattern.compile("[A-Za-z0-9._\\-]{1,128}");
  private static final String MAIN = "main";

  private final ManagedChannel channel;
  private final boolean ownsChannel;
  private final IngestServiceGrpc.IngestServiceBlockingStub stub;
  private final BufferAllocator allocator = new RootAllocator();
  private final RowEncoder encoder = new RowEncoder(allocator);
  // reconnects only: never runs callers' code, so a blocked callback cannot stall a reconnect
  private final ScheduledExecutorService scheduler = daemonThreads("tracelake-client-reconnect");
  // completes the writers' futures in order, off gRPC's threads, so a callback that appends (and
  // blocks for room) does not hold up the acknowledgements that would make room
  private final ExecutorService callbacks = daemonThreads("tracelake-client-acks");
  private final Set<TableWriter> writers = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private TracelakeClient(ManagedChannel channel, boolean ownsChannel) {
    this.channel = channel;
    this.ownsChannel = ownsChannel;
    this.stub = IngestServiceGrpc.newBlockingStub(channel);
  }

  /**
   * Connects to a server, or to several replicas, over plaintext gRPC. Calls and writers are spread
   * over every address the target names (gRPC's round-robin): a DNS name with several records, or a
   * comma-separated list. A writer whose replica dies moves to another one and re-sends its
   * unacknowledged appends there, exactly once.
   *
   * @param target {@code host:port} (e.g. {@code 127.0.0.1:7420}), {@code host1:port,host2:port},
   *     or any gRPC target URI such as {@code dns:///tracelake.prod.svc:7420}
   * @return a client that shuts its channel down when closed
   * @throws IllegalArgumentException when an address of a list is malformed
   */
  public static TracelakeClient connect(String target) {
    return connect(target, null);
  }

  /**
   * Connects as {@link #connect(String)} does, sending {@code bearerToken} with every call ({@code
   * authorization: Bearer <token>} metadata), as a server under access control requires.
   *
   * @param bearerToken the token, or null to send none
   */
  public static TracelakeClient connect(String target, String bearerToken) {
    Objects.requireNonNull(target, "target");
    if (target.contains(",")) {
      return connect(List.of(target.split(",")), bearerToken);
    }
    io.grpc.ManagedChannelBuilder<?> builder =
        Grpc.newChannelBuilder(target, InsecureChannelCredentials.create())
            .defaultLoadBalancingPolicy("round_robin");
    if (bearerToken != null) {
      builder.intercept(new BearerToken(bearerToken));
    }
    return connected(builder.build());
  }

  /**
   * Connects to several replicas over plaintext gRPC and spreads calls and writers over them; see
   * {@link #connect(String)}. Each host is looked up again when a connection to it fails.
   *
   * @param addresses {@code host:port} of each replica
   * @return a client that shuts its channel down when closed
   * @throws IllegalArgumentException when the list is empty or an address is malformed
   */
  public static TracelakeClient connect(List<String> addresses) {
    return connect(addresses, null);
  }

  /**
   * Connects to several replicas as {@link #connect(List)} does, sending {@code bearerToken} with
   * every call; null sends none.
   */
  public static TracelakeClient connect(List<String> addresses, String bearerToken) {
    AddressList servers = new AddressList(List.copyOf(addresses));
    @SuppressWarnings("deprecation") // the per-channel resolver keeps the global registry untouched
    io.grpc.ManagedChannelBuilder<?> builder =
        Grpc.newChannelBuilder(servers.target(), InsecureChannelCredentials.create())
            .nameResolverFactory(servers)
            .defaultLoadBalancingPolicy("round_robin");
    if (bearerToken != null) {
      builder.intercept(new BearerToken(bearerToken));
    }
    return connected(builder.build());
  }

  /**
   * Starts building a connection to {@code target} (as {@link #connect(String)} reads it), for TLS,
   * client certificates and a bearer token.
   */
  public static Builder builder(String target) {
    return new Builder(Objects.requireNonNull(target, "target"));
  }

  /**
   * How to reach a server: plaintext by default; over TLS trusting the system's CAs ({@link
   * #tls()}) or a CA bundle ({@link #tls(Path)}); presenting a client certificate ({@link
   * #clientCertificate}), which a server with a client CA takes as the caller's identity when no
   * bearer token is sent.
   */
  public static final class Builder {
    private final String target;
    private String bearerToken;
    private boolean tls;
    private Path caPem;
    private Path certPem;
    private Path keyPem;

    private Builder(String target) {
      this.target = target;
    }

    /** Sends {@code token} with every call ({@code authorization: Bearer <token>}). */
    public Builder bearerToken(String token) {
      this.bearerToken = token;
      return this;
    }

    /** Connects over TLS, trusting the CAs of the system's trust store. */
    public Builder tls() {
      this.tls = true;
      return this;
    }

    /** Connects over TLS, trusting the CAs in {@code caPem} (a PEM bundle) only. */
    public Builder tls(Path caPem) {
      this.tls = true;
      this.caPem = Objects.requireNonNull(caPem, "caPem");
      return this;
    }

    /**
     * Presents this certificate over TLS (implies {@link #tls()} when no CA is set).
     *
     * @param certPem the PEM certificate chain, leaf first
     * @param keyPem its PEM private key (PKCS#8; PKCS#1 and SEC1 too when BouncyCastle's bcpkix is
     *     on the class path)
     */
    public Builder clientCertificate(Path certPem, Path keyPem) {
      this.tls = true;
      this.certPem = Objects.requireNonNull(certPem, "certPem");
      this.keyPem = Objects.requireNonNull(keyPem, "keyPem");
      return this;
    }

    /**
     * Connects.
     *
     * @throws IllegalArgumentException naming the file when a PEM file cannot be read, or an
     *     address of a list is malformed
     */
    public TracelakeClient connect() {
      io.grpc.ChannelCredentials credentials =
          tls ? TlsCredentials.of(caPem, certPem, keyPem) : InsecureChannelCredentials.create();
      if (target.contains(",")) {
        return connectList(List.of(target.split(",")), bearerToken, credentials);
      }
      io.grpc.ManagedChannelBuilder<?> builder =
          Grpc.newChannelBuilder(target, credentials).defaultLoadBalancingPolicy("round_robin");
      if (bearerToken != null) {
        builder.intercept(new BearerToken(bearerToken));
      }
      return connected(builder.build());
    }
  }

  private static TracelakeClient connectList(
      List<String> addresses, String bearerToken, io.grpc.ChannelCredentials credentials) {
    AddressList servers = new AddressList(List.copyOf(addresses));
    @SuppressWarnings("deprecation") // the per-channel resolver keeps the global registry untouched
    io.grpc.ManagedChannelBuilder<?> builder =
        Grpc.newChannelBuilder(servers.target(), credentials)
            .nameResolverFactory(servers)
            .defaultLoadBalancingPolicy("round_robin");
    if (bearerToken != null) {
      builder.intercept(new BearerToken(bearerToken));
    }
    return connected(builder.build());
  }

  private static TracelakeClient connected(ManagedChannel channel) {
    // connect to every replica now, so the first writers already spread over all of them
    channel.getState(true);
    return new TracelakeClient(channel, true);
  }

  /**
   * Uses a channel the caller built (for TLS, interceptors, or an in-process server).
   *
   * @param channel the channel; the caller keeps it and shuts it down after closing the client
   */
  public static TracelakeClient using(ManagedChannel channel) {
    return new TracelakeClient(Objects.requireNonNull(channel, "channel"), false);
  }

  /**
   * Creates a table; Tracelake adds its metadata columns after the given ones.
   *
   * @param table {@code namespace.name}, or {@code name} in namespace {@code default}
   * @param schema the columns
   * @return the table as created
   * @throws TracelakeException ALREADY_EXISTS when the table exists, INVALID_ARGUMENT for a bad
   *     name or a column that cannot be stored
   */
  public TableInfo createTable(String table, Schema schema) {
    return create(table, schema, false);
  }

  /**
   * Creates a table unless one with that name exists, which is then left unchanged.
   *
   * @param table {@code namespace.name}, or {@code name} in namespace {@code default}
   * @param schema the columns of a new table
   * @return the table as created, or as it was
   * @throws TracelakeException INVALID_ARGUMENT for a bad name or a column that cannot be stored
   */
  public TableInfo createTableIfNotExists(String table, Schema schema) {
    return create(table, schema, true);
  }

  private TableInfo create(String table, Schema schema, boolean ifNotExists) {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(schema, "schema");
    CreateTableRequest request =
        CreateTableRequest.newBuilder()
            .setTable(table)
            .setArrowSchema(ByteString.copyFrom(ArrowIpc.schemaBytes(schema)))
            .setIfNotExists(ifNotExists)
            .build();
    return ProtoValues.fromProto(
        call("Cannot create table " + table, () -> stub().createTable(request)).getTable());
  }

  /**
   * Lists every table.
   *
   * @return {@code namespace.name} of each table, sorted
   * @throws TracelakeException when the call fails, e.g. UNAVAILABLE when no server answers
   */
  public List<String> listTables() {
    return call(
            "Cannot list tables", () -> stub().listTables(ListTablesRequest.getDefaultInstance()))
        .getTablesList();
  }

  /**
   * Describes a table.
   *
   * @param table {@code namespace.name} or {@code name}
   * @return its columns, current snapshot and location
   * @throws TracelakeException NOT_FOUND when the table does not exist
   */
  public TableInfo describe(String table) {
    Objects.requireNonNull(table, "table");
    DescribeTableRequest request = DescribeTableRequest.newBuilder().setTable(table).build();
    return ProtoValues.fromProto(
        call("Cannot describe table " + table, () -> stub().describeTable(request)).getTable());
  }

  /**
   * Returns a writer's last committed offset on a table's {@code main} branch.
   *
   * @param table {@code namespace.name} or {@code name}
   * @param writerId the writer
   * @return the offset, empty when the writer has committed nothing to the table
   * @throws TracelakeException NOT_FOUND when the table does not exist
   */
  public OptionalLong writerOffset(String table, String writerId) {
    return writerOffset(table, writerId, MAIN);
  }

  /**
   * Returns a writer's last committed offset on a branch of a table.
   *
   * @param table {@code namespace.name} or {@code name}
   * @param writerId the writer
   * @param branch the branch the writer appends to
   * @return the offset, empty when the writer has committed nothing to that branch
   * @throws TracelakeException NOT_FOUND when the table does not exist
   */
  public OptionalLong writerOffset(String table, String writerId, String branch) {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(branch, "branch");
    checkWriterId(writerId);
    return lastOffset(
        "Cannot read the offset of writer " + writerId + " on table " + table,
        table,
        writerId,
        branch);
  }

  private OptionalLong lastOffset(String context, String table, String writerId, String branch) {
    GetWriterOffsetRequest request =
        GetWriterOffsetRequest.newBuilder()
            .setTable(table)
            .setWriterId(writerId)
            .setBranch(branch)
            .build();
    GetWriterOffsetResponse response = call(context, () -> stub().getWriterOffset(request));
    return response.hasLastCommittedOffset()
        ? OptionalLong.of(response.getLastCommittedOffset())
        : OptionalLong.empty();
  }

  /**
   * Opens a writer with default options; see {@link #openWriter(String, String, WriterOptions)}.
   */
  public TableWriter openWriter(String table, String writerId, Provenance provenance) {
    return openWriter(table, writerId, WriterOptions.of(provenance));
  }

  /**
   * Opens a writer that appends to a table's {@code main} branch (or the options' branch),
   * continuing after the writer id's last committed offset on that branch. Give each producer
   * instance its own stable writer id: a restarted producer that reuses it resumes exactly once;
   * two live writers sharing one fail each other with OUT_OF_RANGE.
   *
   * @param table {@code namespace.name} or {@code name}
   * @param writerId 1 to 128 of letters, digits, '.', '_', '-'
   * @param options provenance, in-flight bounds and retry settings
   * @return the writer; close it to wait for its acknowledgements
   * @throws TracelakeException NOT_FOUND when the table does not exist
   * @throws IllegalArgumentException when the writer id is malformed
   * @throws IllegalStateException when the client is closed
   */
  public TableWriter openWriter(String table, String writerId, WriterOptions options) {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(options, "options");
    checkWriterId(writerId);
    if (closed) {
      throw new IllegalStateException(
          "The client is closed; cannot open writer " + writerId + " on table " + table);
    }
    long first =
        lastOffset(
                    "Cannot open writer " + writerId + " on table " + table,
                    table,
                    writerId,
                    options.branch())
                .orElse(-1L)
            + 1;
    TableWriter[] self = new TableWriter[1];
    StreamingTableWriter writer =
        new StreamingTableWriter(
            channel,
            table,
            writerId,
            first,
            options,
            encoder,
            scheduler,
            callbacks,
            () -> writers.remove(self[0]));
    self[0] = writer;
    writers.add(writer);
    LOG.debug("Opened writer {} on table {} at offset {}", writerId, table, first);
    return writer;
  }

  private static void checkWriterId(String writerId) {
    if (writerId == null || !WRITER_ID.matcher(writerId).matches()) {
      throw new IllegalArgumentException(
          "Invalid writer id '" + writerId + "': use 1 to 128 of letters, digits, '.', '_', '-'");
    }
  }

  private IngestServiceGrpc.IngestServiceBlockingStub stub() {
    return stub.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Returns a handle on a table: its snapshots, refs, tags, branches, publish and schema changes.
   * Nothing is asked of the server until a method of the handle is called.
   *
   * @param table {@code namespace.name} or {@code name}
   */
  public Table table(String table) {
    return new Table(
        table,
        this,
        () ->
            TableServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
  }

  static <T> T call(String context, Supplier<T> call) {
    try {
      return call.get();
    } catch (StatusRuntimeException e) {
      throw TracelakeException.of(context, e);
    }
  }

  /**
   * Runs one read-only SQL statement on the server (time travel with {@code FOR VERSION AS OF},
   * metadata tables, {@code table_changes}, lineage relations) and streams its result.
   *
   * @param sql the statement
   * @param allocator where the result batches are allocated
   * @return the result; close it (closing early cancels the query)
   * @throws TracelakeException with the server's status when the query fails
   */
  public SqlRows sql(String sql, BufferAllocator allocator) {
    Context.CancellableContext context = Context.current().withCancellation();
    Context previous = context.attach();
    try {
      Iterator<ExecuteResponse> responses =
          QueryServiceGrpc.newBlockingStub(channel)
              .execute(ExecuteRequest.newBuilder().setSql(sql).build());
      return new SqlRows(context, responses, sql, allocator);
    } catch (RuntimeException e) {
      context.cancel(e);
      throw e;
    } finally {
      context.detach(previous);
    }
  }

  /**
   * Explains one record: its row, its run, and every input row as of the snapshot it was read at.
   *
   * @param format {@code json}, {@code tree}, {@code dot} or {@code mermaid}
   * @throws TracelakeException NOT_FOUND for an unknown table or record
   */
  public Explained explain(String table, String recordId, String format) {
    return explain(table, recordId, format, 0, null);
  }

  /**
   * Explains one record, following at most {@code maxDepth} levels of inputs (0 for the server's
   * default) and ignoring what was committed after {@code asOf} (null for now).
   *
   * @throws TracelakeException NOT_FOUND for an unknown table or record
   */
  public Explained explain(
      String table, String recordId, String format, int maxDepth, Instant asOf) {
    ExplainRequest.Builder request =
        ExplainRequest.newBuilder()
            .setTable(table)
            .setRecordId(recordId)
            .setFormat(format)
            .setMaxDepth(maxDepth);
    if (asOf != null) {
      request.setAsOfEpochMillis(asOf.toEpochMilli());
    }
    ExplainResponse response =
        call(
            "Explain " + table + " " + recordId,
            () ->
                LineageServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                    .explain(request.build()));
    return new Explained(response.getRendered(), response.getFormat(), response.getProblemsList());
  }

  /** Returns the lineage calls (trace, impact, reindex, runs) over this client's channel. */
  public LineageClient lineage() {
    return LineageClient.using(channel);
  }

  /** Returns the replay calls (create, stream, run a candidate, compare, publish, drop). */
  public ReplayClient replays() {
    return new ReplayClient(this, channel);
  }

  /**
   * Closes every open writer (waiting for its acknowledgements), then the channel if the client
   * made it. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      for (TableWriter writer : List.copyOf(writers)) {
        writer.close();
      }
    } finally {
      if (ownsChannel) {
        channel.shutdown();
        try {
          if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
            channel.shutdownNow();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          channel.shutdownNow();
        }
      }
      scheduler.shutdownNow();
      callbacks.shutdown();
      allocator.close();
    }
  }

  private static ScheduledExecutorService daemonThreads(String name) {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }
}
