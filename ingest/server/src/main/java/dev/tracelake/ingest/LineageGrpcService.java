package dev.tracelake.ingest;

import dev.tracelake.lineage.ExplainOptions;
import dev.tracelake.lineage.Explanation;
import dev.tracelake.lineage.Lineage;
import dev.tracelake.lineage.LineageException;
import dev.tracelake.lineage.LineageFormat;
import dev.tracelake.lineage.Problem;
import dev.tracelake.lineage.RecordKey;
import dev.tracelake.proto.v1.ExplainRequest;
import dev.tracelake.proto.v1.ExplainResponse;
import dev.tracelake.proto.v1.LineageServiceGrpc;
import io.grpc.stub.StreamObserver;
import java.time.Instant;

/** LineageService over gRPC: the auditor's one call, answered by {@link Lineage#explain}. */
final class LineageGrpcService extends LineageServiceGrpc.LineageServiceImplBase {
  private final Lineage lineage;

  LineageGrpcService(Lineage lineage) {
    this.lineage = lineage;
  }

  @Override
  public void explain(ExplainRequest request, StreamObserver<ExplainResponse> responses) {
    ExplainResponse response;
    try {
      if (request.getTable().isEmpty() || request.getRecordId().isEmpty()) {
        throw new LineageException(
            LineageException.Kind.INVALID_ARGUMENT, "Explain needs a table and a record id");
      }
      LineageFormat format =
          request.getFormat().isEmpty()
              ? LineageFormat.JSON
              : LineageFormat.parse(request.getFormat());
      ExplainOptions options = ExplainOptions.defaults().catchUpFirst();
      if (request.getMaxDepth() > 0) {
        options = options.maxDepth(request.getMaxDepth());
      }
      if (request.hasAsOfEpochMillis()) {
        options = options.asOf(Instant.ofEpochMilli(request.getAsOfEpochMillis()));
      }
      Explanation explanation =
          lineage.explain(RecordKey.of(request.getTable(), request.getRecordId()), options);
      if (!explanation.problems(Problem.Kind.RECORD_NOT_FOUND).isEmpty()) {
        throw new LineageException(
            LineageException.Kind.NOT_FOUND,
            explanation.problems(Problem.Kind.RECORD_NOT_FOUND).get(0).message());
      }
      ExplainResponse.Builder b =
          ExplainResponse.newBuilder()
              .setRendered(format.render(explanation))
              .setFormat(format.name().toLowerCase());
      explanation.problems().forEach(p -> b.addProblems(p.message()));
      response = b.build();
    } catch (RuntimeException e) {
      responses.onError(GrpcErrors.toStatus(e));
      return;
    }
    responses.onNext(response);
    responses.onCompleted();
  }
}
