package dev.tracelake.ingest;

import dev.tracelake.lake.ColumnTypes;
import dev.tracelake.lake.ErrorKind;
import dev.tracelake.lake.InputText;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeException;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.TableName;
import dev.tracelake.proto.v1.AppendRowsRequest;
import dev.tracelake.proto.v1.AppendRowsResponse;
import dev.tracelake.proto.v1.ColumnSpec;
import dev.tracelake.proto.v1.CreateTableRequest;
import dev.tracelake.proto.v1.CreateTableResponse;
import dev.tracelake.proto.v1.DescribeTableRequest;
import dev.tracelake.proto.v1.DescribeTableResponse;
import dev.tracelake.proto.v1.GetWriterOffsetRequest;
import dev.tracelake.proto.v1.GetWriterOffsetResponse;
import dev.tracelake.proto.v1.IngestServiceGrpc;
import dev.tracelake.proto.v1.ListTablesRequest;
import dev.tracelake.proto.v1.ListTablesResponse;
import dev.tracelake.wire.ArrowIpc;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/** IngestService over gRPC: turns protos into domain calls and answers back; nothing more. */
final class IngestGrpcService extends IngestServiceGrpc.IngestServiceImplBase {
  private final Ingestor ingestor;
  private final Lake lake;
  // streams still open, so a shutdown can end them cleanly
  private final java.util.Set<AppendRowsHandler> openStreams =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  IngestGrpcService(Ingestor ingestor) {
    this.ingestor = ingestor;
    this.lake = ingestor.lake();
  }

  @Override
  public void createTable(
      CreateTableRequest request, StreamObserver<CreateTableResponse> responses) {
    unary(
        responses,
        () -> {
          TableName name = parseTable(request.getTable());
          Schema schema = schema(request);
          try {
            LakeTable table = lake.createTable(name, schema);
            return CreateTableResponse.newBuilder()
                .setTable(ProtoMapping.toProto(table.describe()))
                .setCreated(true)
                .build();
          } catch (LakeException e) {
            if (e.kind() == ErrorKind.ALREADY_EXISTS && request.getIfNotExists()) {
              return CreateTableResponse.newBuilder()
                  .setTable(ProtoMapping.toProto(lake.table(name).describe()))
                  .setCreated(false)
                  .build();
            }
            if (!e.details().containsKey("field")) {
              e.with("field", schemaField(request, e));
            }
            throw e.with("table", name);
          }
        });
  }

  private static TableName parseTable(String table) {
    try {
      return TableName.parse(table);
    } catch (LakeException e) {
      throw e.with("field", "table");
    }
  }

  /** The request field a schema error is about: the column spec it names, or the schema. */
  private static String schemaField(CreateTableRequest request, LakeException e) {
    String column = e.details().get("column");
    if (request.getSchemaCase() == CreateTableRequest.SchemaCase.COLUMNS && column != null) {
      List<ColumnSpec> specs = request.getColumns().getColumnsList();
      for (int i = 0; i < specs.size(); i++) {
        String name = specs.get(i).getName();
        // details hold at most the first InputText.SHOWN_CHARS characters of a name
        if (name.equals(column)
            || name.length() > InputText.SHOWN_CHARS
                && name.substring(0, InputText.SHOWN_CHARS).equals(column)) {
          return "columns.columns[" + i + "].name";
        }
      }
      return "columns";
    }
    return request.getSchemaCase() == CreateTableRequest.SchemaCase.ARROW_SCHEMA
        ? "arrow_schema"
        : "table";
  }

  private static Schema schema(CreateTableRequest request) {
    switch (request.getSchemaCase()) {
      case ARROW_SCHEMA:
        try {
          return ArrowIpc.schema(request.getArrowSchema().toByteArray());
        } catch (IllegalArgumentException e) {
          throw new IngestException(
                  ErrorKind.INVALID_ARGUMENT,
                  "Table " + InputText.shown(request.getTable()) + ": " + e.getMessage())
              .with("field", "arrow_schema");
        } catch (ArrowIpc.LimitExceeded e) {
          throw new IngestException(
                  ErrorKind.RESOURCE_EXHAUSTED,
                  "Table " + InputText.shown(request.getTable()) + ": " + e.getMessage())
              .with("field", "arrow_schema");
        }
      case COLUMNS:
        List<Field> fields = new ArrayList<>();
        List<ColumnSpec> specs = request.getColumns().getColumnsList();
        for (int i = 0; i < specs.size(); i++) {
          ColumnSpec c = specs.get(i);
          FieldType type;
          try {
            type =
                new FieldType(!c.getRequired(), ColumnTypes.parse(c.getName(), c.getType()), null);
          } catch (LakeException e) {
            throw e.with("field", "columns.columns[" + i + "].type");
          }
          fields.add(new Field(c.getName(), type, null));
        }
        return new Schema(fields);
      default:
        throw new IngestException(
                ErrorKind.INVALID_ARGUMENT,
                "Table "
                    + InputText.shown(request.getTable())
                    + ": give its columns (arrow_schema or columns)")
            .with("field", "schema");
    }
  }

  @Override
  public void listTables(ListTablesRequest request, StreamObserver<ListTablesResponse> responses) {
    unary(
        responses,
        () -> {
          ListTablesResponse.Builder b = ListTablesResponse.newBuilder();
          // a caller under access control lists only the tables it holds a privilege on
          lake.tables().stream()
              .filter(dev.tracelake.access.Caller::currentSees)
              .forEach(t -> b.addTables(t.toString()));
          return b.build();
        });
  }

  @Override
  public void describeTable(
      DescribeTableRequest request, StreamObserver<DescribeTableResponse> responses) {
    unary(
        responses,
        () ->
            DescribeTableResponse.newBuilder()
                .setTable(
                    ProtoMapping.toProto(lake.table(parseTable(request.getTable())).describe()))
                .build());
  }

  @Override
  public void getWriterOffset(
      GetWriterOffsetRequest request, StreamObserver<GetWriterOffsetResponse> responses) {
    unary(
        responses,
        () -> {
          GetWriterOffsetResponse.Builder b = GetWriterOffsetResponse.newBuilder();
          ingestor
              .writerOffset(
                  parseTable(request.getTable()),
                  request.getBranch().isEmpty() ? LakeTable.MAIN : request.getBranch(),
                  request.getWriterId())
              .ifPresent(c -> b.setLastCommittedOffset(c.offset()).setSnapshotId(c.snapshotId()));
          return b.build();
        });
  }

  @Override
  public StreamObserver<AppendRowsRequest> appendRows(
      StreamObserver<AppendRowsResponse> responses) {
    return new AppendRowsHandler(
        ingestor, (ServerCallStreamObserver<AppendRowsResponse>) responses, openStreams);
  }

  /** Ends every open stream with UNAVAILABLE once its read requests are acknowledged. */
  void endStreamsForShutdown(java.time.Duration wait) {
    java.util.List<java.util.concurrent.CompletableFuture<Void>> ends = new ArrayList<>();
    for (AppendRowsHandler handler : List.copyOf(openStreams)) {
      ends.add(handler.endForShutdown());
    }
    try {
      java.util.concurrent.CompletableFuture.allOf(
              ends.toArray(java.util.concurrent.CompletableFuture[]::new))
          .get(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
      // the backstop (shutdownNow) cancels whatever is left
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static <T> void unary(StreamObserver<T> responses, Supplier<T> call) {
    T result;
    try {
      result = call.get();
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
      // a second layer under the decoders' limits: every call gets a documented status
      responses.onError(GrpcErrors.toStatus(e));
      return;
    }
    responses.onNext(result);
    responses.onCompleted();
  }
}
