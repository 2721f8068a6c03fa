package dev.tracelake.client;

/**
 * What one {@link ReplayClient#run} did.
 *
 * @param replay the replay as it stands after the run
 * @param firstBatch the batch the run started from (the writer's last committed offset + 1)
 * @param batchesWritten batches the run appended (each exactly once, resent or not)
 * @param outputs output rows the run appended
 * @param skippedCases cases streamed without inputs (their reasons are in the batches)
 * @param reconnects times the input stream was opened again after the server went away
 */
public record ReplayRunResult(
    Replay replay,
    long firstBatch,
    long batchesWritten,
    long outputs,
    long skippedCases,
    int reconnects) {}
