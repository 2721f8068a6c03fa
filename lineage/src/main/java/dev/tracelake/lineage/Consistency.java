package dev.tracelake.lineage;

/** How fresh the index must be before a question is answered. */
public enum Consistency {
  /** Answer from the index as it is; the answer says how far it lags. The fast default. */
  INDEXED,
  /** Catch the index up with every table's head first, then answer. */
  CAUGHT_UP
}
