/**
 * The version of the formats in this package, for clients and servers to log and compare. Minor: a
 * new optional field or a relaxed limit, so old readers keep working. Major: anything an existing
 * reader or writer would trip over (a field removed, renamed, made required, or a range narrowed).
 */
export const specVersion = '1.4.0';
