package dev.tracelake.lineage;

/**
 * One lineage step: {@code output} was derived from {@code input} as read at a snapshot.
 *
 * @param output the derived record
 * @param input the record it was derived from
 * @param snapshotId the snapshot of the input's table the input was read at; null when the writer
 *     did not say
 */
public record TraceEdge(RecordKey output, RecordKey input, Long snapshotId) {}
