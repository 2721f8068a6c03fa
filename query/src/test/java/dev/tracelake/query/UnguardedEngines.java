package dev.tracelake.query;

import dev.tracelake.lake.Lake;

/** The guard-off test seam, for tests of other modules (the gRPC QueryService's attack tests). */
public final class UnguardedEngines {
  private UnguardedEngines() {}

  /** Returns an engine that runs statements its guard would refuse. Tests only. */
  public static SqlEngine create(Lake lake) {
    return SqlEngine.createWithoutStatementGuardForTests(lake, SqlEngineConfig.defaults());
  }
}
