package dev.tracelake.ingest;

import dev.tracelake.lake.LakeException;
import dev.tracelake.lineage.LineageException;
import dev.tracelake.query.QueryException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place domain errors become gRPC statuses. Clients see the domain message, never a stack
 * trace; an unexpected error is INTERNAL with an incident id, logged once here with its cause.
 */
public final class GrpcErrors {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcErrors.class);

  private GrpcErrors() {}

  /** Translates any failure into a status exception for the client. */
  public static StatusRuntimeException toStatus(Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof StatusRuntimeException s) {
      return s;
    }
    if (e instanceof LakeException le) {
      Status status =
          switch (le.kind()) {
            case NOT_FOUND -> Status.NOT_FOUND;
            case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
            case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
            case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
            case CONFLICT -> Status.ABORTED;
            case UNKNOWN_OUTCOME -> Status.UNKNOWN;
          };
      return status.withDescription(le.getMessage()).asRuntimeException();
    }
    if (e instanceof IngestException ie) {
      Status status =
          switch (ie.reason()) {
            case OFFSET_OUT_OF_RANGE -> Status.OUT_OF_RANGE;
            case INVALID_REQUEST -> Status.INVALID_ARGUMENT;
            case RETRY -> Status.ABORTED;
            case SHUTTING_DOWN -> Status.UNAVAILABLE;
          };
      return status.withDescription(ie.getMessage()).asRuntimeException();
    }
    if (e instanceof QueryException qe) {
      Status status =
          switch (qe.kind()) {
            case NOT_FOUND -> Status.NOT_FOUND;
            case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
            case PERMISSION_DENIED -> Status.PERMISSION_DENIED;
            case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
            case CANCELLED -> Status.CANCELLED;
            case DEADLINE_EXCEEDED -> Status.DEADLINE_EXCEEDED;
            case RESOURCE_EXHAUSTED -> Status.RESOURCE_EXHAUSTED;
            case INTERNAL -> Status.INTERNAL;
          };
      return status.withDescription(qe.getMessage()).asRuntimeException();
    }
    if (e instanceof LineageException le) {
      Status status =
          switch (le.kind()) {
            case NOT_FOUND -> Status.NOT_FOUND;
            case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
            case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
            case UNAVAILABLE -> Status.UNAVAILABLE;
          };
      return status.withDescription(le.getMessage()).asRuntimeException();
    }
    String incident = UUID.randomUUID().toString();
    LOG.error("Internal error, incident {}", incident, e);
    return Status.INTERNAL
        .withDescription("Internal error (incident " + incident + "); see the server log")
        .asRuntimeException();
  }

  /** Returns the message of a failure as a client would see it, for another failure's message. */
  static String describe(Throwable error) {
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
