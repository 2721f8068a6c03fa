package dev.tracelake.benchmarks.sql;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a reader needs to judge a timing on a shared machine: its load and the process's CPU. */
public final class Machine {
  private static final OperatingSystemMXBean OS =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private Machine() {}

  /** Returns the 1, 5 and 15 minute load averages as {@code /proc/loadavg} shows them. */
  public static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException | RuntimeException e) {
      return String.format("%.2f (1 min)", OS.getSystemLoadAverage());
    }
  }

  /** Returns the CPU time of the whole JVM so far, DuckDB's native threads included. */
  public static long processCpuNanos() {
    return OS.getProcessCpuTime();
  }
}
