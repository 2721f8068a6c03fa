package dev.tracelake.query;

import dev.tracelake.lake.LakeException;
import java.util.function.Supplier;

/** Translates lake-core's exceptions into query exceptions at the module boundary. */
final class LakeErrors {
  private LakeErrors() {}

  static <T> T call(Supplier<T> call) {
    try {
      return call.get();
    } catch (LakeException e) {
      throw translate(e);
    }
  }

  static QueryException translate(LakeException e) {
    QueryErrorKind kind =
        switch (e.kind()) {
          case NOT_FOUND -> QueryErrorKind.NOT_FOUND;
          case INVALID_ARGUMENT -> QueryErrorKind.INVALID_ARGUMENT;
          case FAILED_PRECONDITION -> QueryErrorKind.FAILED_PRECONDITION;
          default -> QueryErrorKind.INTERNAL;
        };
    return new QueryException(kind, e.getMessage(), e);
  }
}
