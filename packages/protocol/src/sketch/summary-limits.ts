// Limits on model summaries, in a module of their own so the SDK's entry can read them without the sketches.

/**
 * Fewest predictions a summary may hold: a sketch of fewer says too much about too few inputs (one
 * user's handful of predictions could be read back). The SDK waits for this many, the collector
 * refuses fewer.
 */
export const MIN_SUMMARY_PREDICTIONS = 20;
/** Most classes a class histogram may have, and most features or outputs a summary may name. */
export const MAX_SUMMARY_CLASSES = 1000;
export const MAX_SUMMARY_ENTRIES = 64;
