export { buildServer, type EdgewiseContext, type ServerOptions } from './app.js';
export { ServerError, type ServerErrorCode } from './errors.js';
export { readExperimentsFile } from './experiments/experiments-file.js';
export { ISOLATION_HEADERS } from './isolation-headers.js';
export { openStore } from './storage/open-store.js';
export { PostgresStore } from './storage/postgres-store.js';
export type * from './storage/records.js';
export { SqliteStore } from './storage/sqlite-store.js';
export type { Store } from './storage/store.js';
