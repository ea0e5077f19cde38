import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, TEST_EXPERIMENT } from './server.js';

/** `--experiments <file>` serving TEST_EXPERIMENT, so a CLI server stores the fixture events. */
export function experimentsArgs(): string[] {
  const file = join(mkdtempSync(join(tmpdir(), 'ew-exp-')), 'experiments.json');
  writeFileSync(file, JSON.stringify({ experiments: [TEST_EXPERIMENT] }));
  return ['--experiments', file];
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code (or signal) once the process ends. */
  exited: Promise<number | NodeJS.Signals | null>;
  output(): string;
}

/**
 * Runs the real CLI (`src/cli.ts` through tsx, workspace packages from source) on a free port and
 * resolves once it prints its URL.
 */
export function startServerProcess(args: string[], env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      join(repoRoot, 'packages/server/src/cli.ts'),
      '--port',
      '0',
      ...args,
    ],
    { cwd: repoRoot, env: { ...process.env, LOG_LEVEL: 'error', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve({ url: match[1] as string, child, exited, output: () => out });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    exited.then((code) => reject(new Error(`server exited (${code}) before listening:\n${out}`)));
  });
}
