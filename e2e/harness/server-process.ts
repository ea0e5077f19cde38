import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

export interface ServerProcess {
  url: string;
  dbPath: string;
  output(): string;
  close(): Promise<void>;
}

/**
 * The real Edgewise server CLI in a child process on a free port with a fresh SQLite file: from
 * source (tsx) by default, or the built dist/cli.js as `npm start` runs it.
 */
export async function startServerProcess(options: {
  args: string[];
  env?: Record<string, string>;
  built?: boolean;
}): Promise<ServerProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'edgewise-server-'));
  const dbPath = join(dir, 'edgewise.db');
  const entry = options.built
    ? [join(repoRoot, 'packages/server/dist/cli.js')]
    : ['--conditions=source', '--import', 'tsx', 'packages/server/src/cli.ts'];
  const child: ChildProcess = spawn(
    process.execPath,
    [...entry, '--host', '127.0.0.1', '--port', '0', '--db', dbPath, ...options.args],
    {
      cwd: repoRoot,
      env: { ...process.env, RATE_LIMIT_PER_MINUTE: '1000000', LOG_LEVEL: 'warn', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`edgewise-server exited with ${code} before listening:\n${output}`)),
    );
  });
  return {
    url,
    dbPath,
    output: () => output,
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
