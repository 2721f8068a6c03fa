package dev.tracelake.ingest;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import dev.tracelake.access.Caller;
import dev.tracelake.lake.ErrorKind;
import dev.tracelake.lake.LakeException;
import dev.tracelake.lineage.LineageException;
import dev.tracelake.proto.v1.ErrorReason;
import dev.tracelake.query.QueryException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place domain errors become gRPC statuses. Every domain error kind (lake-core's and the
 * ingest path's {@link ErrorKind}, and the query and lineage modules' own) maps here to one status
 * code and one {@link ErrorReason}, sent as a {@code google.rpc.ErrorInfo} (domain {@value
 * #DOMAIN}) with the error's details as metadata, plus a {@code google.rpc.BadRequest} for invalid
 * arguments. Clients see the domain message, capped at {@value #MAX_MESSAGE_CHARS} characters,
 * never a stack trace; an unexpected error is INTERNAL with an incident id, logged once here with
 * its cause.
 */
public final class GrpcErrors {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcErrors.class);

  /** The ErrorInfo domain of every Tracelake error. */
  public static final String DOMAIN = "tracelake.dev";

  /**
   * The longest status message sent. Messages travel in an HTTP/2 trailer, which clients cap (8 KiB
   * by default); an echo of a huge input must never make the answer undeliverable.
   */
  static final int MAX_MESSAGE_CHARS = 1024;

  private GrpcErrors() {}

  private record Mapping(Status.Code code, ErrorReason reason) {}

  /** Translates any failure into a status exception for the client. */
  public static StatusRuntimeException toStatus(Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof StatusRuntimeException s) {
      return s;
    }
    if (e instanceof LakeException le) {
      // a missing table's hint names only tables the caller may see: no existence leak
      return build(of(le.kind()), le.messageShowing(Caller::currentSees), le.details());
    }
    if (e instanceof QueryException qe) {
      Mapping m =
          switch (qe.kind()) {
            case NOT_FOUND -> of(ErrorKind.NOT_FOUND);
            case INVALID_ARGUMENT -> of(ErrorKind.INVALID_ARGUMENT);
            case PERMISSION_DENIED ->
                new Mapping(
                    Status.Code.PERMISSION_DENIED, ErrorReason.ERROR_REASON_PERMISSION_DENIED);
            case FAILED_PRECONDITION -> of(ErrorKind.FAILED_PRECONDITION);
            case CANCELLED ->
                new Mapping(Status.Code.CANCELLED, ErrorReason.ERROR_REASON_CANCELLED);
            case DEADLINE_EXCEEDED ->
                new Mapping(
                    Status.Code.DEADLINE_EXCEEDED, ErrorReason.ERROR_REASON_DEADLINE_EXCEEDED);
            case RESOURCE_EXHAUSTED -> of(ErrorKind.RESOURCE_EXHAUSTED);
            // the query engine logged it and made its message safe to show
            case INTERNAL -> new Mapping(Status.Code.INTERNAL, ErrorReason.ERROR_REASON_INTERNAL);
          };
      return build(m, qe.getMessage(), Map.of());
    }
    if (e instanceof LineageException le) {
      Mapping m =
          switch (le.kind()) {
            case NOT_FOUND -> of(ErrorKind.NOT_FOUND);
            case INVALID_ARGUMENT -> of(ErrorKind.INVALID_ARGUMENT);
            case FAILED_PRECONDITION -> of(ErrorKind.FAILED_PRECONDITION);
            case UNAVAILABLE ->
                new Mapping(Status.Code.UNAVAILABLE, ErrorReason.ERROR_REASON_UNAVAILABLE);
          };
      return build(m, le.getMessage(), Map.of());
    }
    if (e instanceof OutOfMemoryError) {
      LOG.warn("Out of memory serving a call: {}", e.toString());
      return build(
          of(ErrorKind.RESOURCE_EXHAUSTED),
          "The server has no memory for this request now; retry later or send smaller requests",
          Map.of());
    }
    String incident = UUID.randomUUID().toString();
    LOG.error("Internal error, incident {}", incident, e);
    return build(
        new Mapping(Status.Code.INTERNAL, ErrorReason.ERROR_REASON_INTERNAL),
        "Internal error (incident " + incident + "); see the server log",
        Map.of("incident", incident));
  }

  /** The status code and reason of each domain error kind: the one table. */
  private static Mapping of(ErrorKind kind) {
    return switch (kind) {
      case NOT_FOUND -> new Mapping(Status.Code.NOT_FOUND, ErrorReason.ERROR_REASON_NOT_FOUND);
      case ALREADY_EXISTS ->
          new Mapping(Status.Code.ALREADY_EXISTS, ErrorReason.ERROR_REASON_ALREADY_EXISTS);
      case INVALID_ARGUMENT ->
          new Mapping(Status.Code.INVALID_ARGUMENT, ErrorReason.ERROR_REASON_INVALID_ARGUMENT);
      case FAILED_PRECONDITION ->
          new Mapping(
              Status.Code.FAILED_PRECONDITION, ErrorReason.ERROR_REASON_FAILED_PRECONDITION);
      case CONFLICT -> new Mapping(Status.Code.ABORTED, ErrorReason.ERROR_REASON_COMMIT_CONFLICT);
      case UNKNOWN_OUTCOME ->
          new Mapping(Status.Code.UNAVAILABLE, ErrorReason.ERROR_REASON_COMMIT_OUTCOME_UNKNOWN);
      case OFFSET_OUT_OF_RANGE ->
          new Mapping(Status.Code.OUT_OF_RANGE, ErrorReason.ERROR_REASON_OFFSET_OUT_OF_RANGE);
      case RETRY -> new Mapping(Status.Code.ABORTED, ErrorReason.ERROR_REASON_RESEND);
      case SHUTTING_DOWN ->
          new Mapping(Status.Code.UNAVAILABLE, ErrorReason.ERROR_REASON_SHUTTING_DOWN);
      case RESOURCE_EXHAUSTED ->
          new Mapping(Status.Code.RESOURCE_EXHAUSTED, ErrorReason.ERROR_REASON_RESOURCE_EXHAUSTED);
    };
  }

  private static StatusRuntimeException build(
      Mapping mapping, String message, Map<String, String> details) {
    String text = cap(message == null ? mapping.reason().name() : message);
    com.google.rpc.Status.Builder status =
        com.google.rpc.Status.newBuilder().setCode(mapping.code().value()).setMessage(text);
    status.addDetails(
        Any.pack(
            ErrorInfo.newBuilder()
                .setReason(mapping.reason().name())
                .setDomain(DOMAIN)
                .putAllMetadata(details)
                .build()));
    if (mapping.code() == Status.Code.INVALID_ARGUMENT) {
      status.addDetails(
          Any.pack(
              BadRequest.newBuilder()
                  .addFieldViolations(
                      BadRequest.FieldViolation.newBuilder()
                          .setField(details.getOrDefault("field", ""))
                          .setDescription(text))
                  .build()));
    }
    return StatusProto.toStatusRuntimeException(status.build());
  }

  private static String cap(String message) {
    if (message.length() <= MAX_MESSAGE_CHARS) {
      return message;
    }
    return message.substring(0, MAX_MESSAGE_CHARS - 40)
        + "... (message of "
        + message.length()
        + " characters cut)";
  }

  /** Returns the message of a failure as a client would see it, for another failure's message. */
  static String describe(Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof LakeException le) {
      return cap(le.getMessage());
    }
    return toStatus(error).getStatus().getDescription();
  }

  private static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
