package dev.tracelake.cli;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** A subcommand that opens the lake, does one thing and prints the result. */
abstract class LakeCommand implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Spec CommandSpec spec;

  @Override
  public final Integer call() throws Exception {
    checkUsage();
    LakeConfig config;
    try {
      config = global.lakeConfig();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (!createsLake()) {
      global.requireExistingLake(config);
    }
    global.location.refuseTokenForEmbedded(config);
    try (Lake lake = Lake.open(config)) {
      run(lake, new Output(spec.commandLine().getOut(), global.format));
    }
    return 0;
  }

  /** Does the command's work, printing its result to {@code out}. */
  abstract void run(Lake lake, Output out) throws Exception;

  /**
   * Checks combinations of arguments that picocli cannot, before the lake is opened.
   *
   * @throws picocli.CommandLine.ParameterException for a usage error (exit code 2)
   */
  void checkUsage() {}

  /** Returns whether the command may create the warehouse; reads refuse a missing one. */
  boolean createsLake() {
    return false;
  }
}
