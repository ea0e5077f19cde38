#!/usr/bin/env node
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildServer } from './app.js';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: process.env.HOST ?? '127.0.0.1' },
    port: { type: 'string', default: process.env.PORT ?? '8080' },
    static: { type: 'string' },
    models: { type: 'string' },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`edgewise-server: --port must be an integer between 0 and 65535, got "${values.port}"`);
  process.exit(2);
}

const app = await buildServer({
  ...(values.static ? { staticRoot: resolve(values.static) } : {}),
  ...(values.models ? { modelsRoot: resolve(values.models) } : {}),
});
const address = await app.listen({ host: values.host, port });
console.log(`Edgewise server listening on ${address.replace('[::1]', 'localhost')}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
