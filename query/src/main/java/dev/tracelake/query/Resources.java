package dev.tracelake.query;

import java.util.List;

/** Closes native and off-heap resources in order, even when one of them fails. */
final class Resources {
  private Resources() {}

  /**
   * Closes each resource in list order.
   *
   * @throws IllegalStateException with the first failure, later ones suppressed
   */
  static void closeAll(List<? extends AutoCloseable> resources) {
    IllegalStateException failure = null;
    for (AutoCloseable resource : resources) {
      if (resource == null) {
        continue;
      }
      try {
        resource.close();
      } catch (Exception e) {
        if (failure == null) {
          failure =
              new IllegalStateException("Cannot release query resources: " + e.getMessage(), e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
