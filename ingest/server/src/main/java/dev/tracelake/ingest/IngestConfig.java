package dev.tracelake.ingest;

import java.time.Duration;

/**
 * How the ingest server listens and batches.
 *
 * @param host address to bind; {@code 127.0.0.1} (loopback) by default
 * @param port gRPC port; {@value #DEFAULT_PORT} by default, 0 for any free port
 * @param maxMessageBytes largest request accepted; larger ones fail with RESOURCE_EXHAUSTED
 * @param commitMaxRows a table's queued rows that trigger a commit at once
 * @param commitMaxBytes a table's queued bytes that trigger a commit at once
 * @param commitInterval the longest a queued request waits for its commit
 * @param inflightBytes memory budget for requests received but not yet committed; when it is used
 *     up the server stops reading from streams, and gRPC flow control slows the producers
 * @param shutdownGrace how long shutdown waits for queued requests to commit
 * @param writeThreads how many threads encode the Parquet of one large commit, each into its own
 *     data files (a commit's share per thread is at least 8 MiB of Arrow input, so small commits
 *     stay one file); the number of processors by default
 */
public record IngestConfig(
    String host,
    int port,
    int maxMessageBytes,
    long commitMaxRows,
    long commitMaxBytes,
    Duration commitInterval,
    long inflightBytes,
    Duration shutdownGrace,
    int writeThreads) {
  public static final int DEFAULT_PORT = 7420;
  public static final String DEFAULT_HOST = "127.0.0.1";

  public IngestConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("Port must be 0..65535, got " + port);
    }
    positive("max message bytes", maxMessageBytes);
    positive("commit max rows", commitMaxRows);
    positive("commit max bytes", commitMaxBytes);
    positive("in-flight bytes", inflightBytes);
    positive("write threads", writeThreads);
    if (commitInterval.isNegative() || commitInterval.isZero()) {
      throw new IllegalArgumentException("Commit interval must be positive, got " + commitInterval);
    }
    if (inflightBytes < maxMessageBytes) {
      throw new IllegalArgumentException(
          "In-flight budget ("
              + inflightBytes
              + " bytes) must hold at least one message ("
              + maxMessageBytes
              + " bytes)");
    }
  }

  /**
   * Returns the defaults: loopback, port 7420, 64 MiB messages, commits at least every second. One
   * second, the longest the contract allows, rather than less: each commit is a snapshot and at
   * least one data file per table, so a shorter interval doubles a streamed table's small files and
   * metadata for acknowledgements at most half a second sooner.
   */
  public static IngestConfig defaults() {
    return new IngestConfig(
        DEFAULT_HOST,
        DEFAULT_PORT,
        64 << 20,
        500_000,
        128L << 20,
        Duration.ofSeconds(1),
        512L << 20,
        Duration.ofSeconds(30),
        Runtime.getRuntime().availableProcessors());
  }

  public IngestConfig withPort(int newPort) {
    return new IngestConfig(
        host,
        newPort,
        maxMessageBytes,
        commitMaxRows,
        commitMaxBytes,
        commitInterval,
        inflightBytes,
        shutdownGrace,
        writeThreads);
  }

  public IngestConfig withCommitInterval(Duration interval) {
    return new IngestConfig(
        host,
        port,
        maxMessageBytes,
        commitMaxRows,
        commitMaxBytes,
        interval,
        inflightBytes,
        shutdownGrace,
        writeThreads);
  }

  public IngestConfig withMaxMessageBytes(int bytes) {
    return new IngestConfig(
        host,
        port,
        bytes,
        commitMaxRows,
        commitMaxBytes,
        commitInterval,
        Math.max(inflightBytes, bytes),
        shutdownGrace,
        writeThreads);
  }

  public IngestConfig withInflightBytes(long bytes) {
    return new IngestConfig(
        host,
        port,
        maxMessageBytes,
        commitMaxRows,
        commitMaxBytes,
        commitInterval,
        bytes,
        shutdownGrace,
        writeThreads);
  }

  private static void positive(String what, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(what + " must be positive, got " + value);
    }
  }

  public IngestConfig withWriteThreads(int threads) {
    return new IngestConfig(
        host,
        port,
        maxMessageBytes,
        commitMaxRows,
        commitMaxBytes,
        commitInterval,
        inflightBytes,
        shutdownGrace,
        threads);
  }
}
