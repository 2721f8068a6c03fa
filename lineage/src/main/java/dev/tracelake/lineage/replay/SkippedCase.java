package dev.tracelake.lineage.replay;

/**
 * A case streamed without its inputs because one of them cannot be read as it was cited: its table
 * or snapshot is gone, or the record is not in the snapshot it was cited at. The candidate gets no
 * rows for it, and a comparison counts its production outputs as unpaired.
 *
 * @param caseNumber the case
 * @param reason names the input, table and snapshot at fault
 */
public record SkippedCase(long caseNumber, String reason) {}
