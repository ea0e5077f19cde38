export { buildServer, type ServerOptions } from './app.js';
export { ISOLATION_HEADERS } from './isolation-headers.js';
