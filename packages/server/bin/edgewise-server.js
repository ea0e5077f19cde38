#!/usr/bin/env node
// The `edgewise-server` bin. Why a committed shim instead of `bin: ./dist/cli.js`: npm links a
// workspace's bins during `npm ci` only when the target file exists, and dist/ is built later, so
// `npx edgewise-server` found no local bin (and npx then looks for the name on the registry).
// A published package ships dist/ and no sources, so this imports dist. A repository checkout runs
// the TypeScript sources in this process through tsx (a root devDependency), adding the `source`
// export condition so workspace packages resolve to their sources too, as in the tests.
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';

const NAME = 'edgewise-server';
const dist = new URL('../dist/cli.js', import.meta.url);
const source = new URL('../src/cli.ts', import.meta.url);
const SOURCE_CONDITION = `data:text/javascript,${encodeURIComponent(
  'export const resolve = (specifier, context, next) => next(specifier, { ...context, conditions: [...context.conditions, "source"] });',
)}`;

/** tsx, resolved from this file (not the caller's directory) so the bin works from anywhere. */
async function loadTsx() {
  try {
    return await import(import.meta.resolve('tsx/esm/api'));
  } catch {
    return undefined;
  }
}

// In a repository checkout the sources win: a dist/ left from an older build must not run stale code.
const tsx = existsSync(source) ? await loadTsx() : undefined;
if (tsx) {
  register(SOURCE_CONDITION);
  tsx.register();
  await import(source.href);
} else if (existsSync(dist)) {
  await import(dist.href);
} else {
  console.error(
    `${NAME}: ${fileURLToPath(dist)} is not built and tsx is not installed to run the sources; run \`npm ci\` or \`npm run build\` at the repository root`,
  );
  process.exit(1);
}
