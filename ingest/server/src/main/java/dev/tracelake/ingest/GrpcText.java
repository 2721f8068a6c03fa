package dev.tracelake.ingest;

import dev.tracelake.lake.ErrorKind;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Bounds on the text a request brings and a status carries back. A status description travels in
 * the response trailers, which clients cap (grpc-java: 8 KiB of metadata): a message quoting a
 * megabyte-long name would turn a clear INVALID_ARGUMENT into a protocol error.
 */
final class GrpcText {
  /** Longest description a status carries. */
  static final int MAX_DESCRIPTION = 2000;

  private static final int SHOWN = 64;

  private GrpcText() {}

  /** Returns the value cut to its first characters, with how much was cut, for a message. */
  static String shorten(String value) {
    if (value.length() <= SHOWN) {
      return value;
    }
    return value.substring(0, SHOWN) + "...(" + value.length() + " characters)";
  }

  /**
   * Checks that a request's text field is no longer than {@code max} characters.
   *
   * @throws IngestException INVALID_ARGUMENT naming the field and its length
   */
  static String checkLength(String field, String value, int max) {
    if (value.length() > max) {
      throw new IngestException(
          ErrorKind.INVALID_ARGUMENT,
          String.format(
              "%s '%s' is %d characters long; at most %d are allowed",
              field, shorten(value), value.length(), max));
    }
    return value;
  }

  /** Returns the status with its description cut to {@link #MAX_DESCRIPTION} characters. */
  static StatusRuntimeException capped(StatusRuntimeException e) {
    Status status = e.getStatus();
    String description = status.getDescription();
    if (description == null || description.length() <= MAX_DESCRIPTION) {
      return e;
    }
    return status
        .withDescription(description.substring(0, MAX_DESCRIPTION) + "...(cut)")
        .asRuntimeException(e.getTrailers());
  }
}
