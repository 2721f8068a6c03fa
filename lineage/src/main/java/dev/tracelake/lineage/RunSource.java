package dev.tracelake.lineage;

/** How Tracelake learned about a run. */
public enum RunSource {
  /** Registered through {@link Lineage#registerRun}. */
  REGISTERED,
  /** Registered by an OpenLineage event. */
  OPENLINEAGE,
  /** Never registered: seen only as the run id in snapshot summaries of ingested data. */
  INGEST
}
