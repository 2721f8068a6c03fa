package dev.tracelake.ingest;

import dev.tracelake.lake.ErrorKind;
import dev.tracelake.lake.LakeException;

/**
 * A failure of the ingest protocol itself (offsets, requests, shutdown), as opposed to one of the
 * lake. It speaks the same vocabulary ({@link ErrorKind}), so one table maps both to statuses.
 */
public final class IngestException extends LakeException {
  public IngestException(ErrorKind kind, String message) {
    super(kind, message);
  }

  public IngestException(ErrorKind kind, String message, Throwable cause) {
    super(kind, message, cause);
  }
}
