// `npm start`: build what is needed, then serve the demo app and the server on 127.0.0.1:8080.
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { buildServedModels } from './ocr-models.mjs';

const root = join(import.meta.dirname, '..');
const port = process.env.PORT ?? '8080';
execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
// models/ plus the PaddleOCR models (copied from node_modules, int8 made by edgewise-models), merged
// into one served folder so /v1/manifest lists them all and the SDK caches them like the rest.
const { out: servedModels } = buildServedModels();

const server = spawn(
  process.execPath,
  [
    join(root, 'packages/server/dist/cli.js'),
    '--host',
    '127.0.0.1',
    '--port',
    port,
    '--static',
    join(root, 'packages/demo-app/dist'),
    '--models',
    servedModels,
    '--experiments',
    join(root, 'packages/demo-app/experiments.json'),
    // Short, so the demo's simulator can watch a bandit re-weight its arms within seconds.
    '--policy-interval',
    '2',
  ],
  { stdio: 'inherit' },
);
console.log(`Edgewise demo: http://127.0.0.1:${port}/`);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
