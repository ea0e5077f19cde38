// The real server CLI as a child process, for the load benches: started on port 0 (optionally pinned
// to cores with taskset), resolved once it prints where it listens, stopped with SIGTERM.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { BENCH_EXPERIMENT } from './event-batches.js';

export const BENCH_KEY = 'pk_bench';
const root = join(import.meta.dirname, '..');

/** Cores for the load generator and for the server side; none when pinning is not possible. */
export function coreLayout(): { client: string; server: string } | undefined {
  if (process.env.BENCH_NO_PIN) return undefined;
  if (availableParallelism() < 2 || spawnSync('taskset', ['--version']).status !== 0) return undefined;
  return { client: process.env.BENCH_CLIENT_CPUS ?? '0', server: process.env.BENCH_SERVER_CPUS ?? '1' };
}

/** Moves this process (autocannon runs in it, every thread) to the load generator's cores. */
export function pinSelf(cpus: string): void {
  execFileSync('taskset', ['-a', '-cp', cpus, String(process.pid)], { stdio: 'ignore' });
}

export interface BenchServer {
  url: string;
  child: ChildProcess;
}

/**
 * Starts `edgewise-server` on 127.0.0.1 serving the bench experiment, on SQLite in `dbDir` or on
 * `databaseUrl`; `cpus` pins it; `profileDir` writes a V8 CPU profile there when it stops.
 */
export async function startServer(options: {
  dbDir: string;
  databaseUrl?: string;
  cpus?: string;
  profileDir?: string;
}): Promise<BenchServer> {
  const experiments = join(options.dbDir, 'experiments.json');
  await writeFile(experiments, JSON.stringify([BENCH_EXPERIMENT]));
  const argv = [
    process.execPath,
    ...(options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : []),
    '--conditions=source',
    '--import',
    'tsx',
    join(root, 'packages/server/src/cli.ts'),
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--db',
    join(options.dbDir, 'bench.db'),
    '--experiments',
    experiments,
    '--policy-interval',
    '0',
  ];
  const [command, ...args] = [...(options.cpus ? ['taskset', '-c', options.cpus] : []), ...argv] as [
    string,
    ...string[],
  ];
  const child = spawn(command, args, {
    cwd: root,
    env: {
      ...process.env,
      WRITE_KEYS: BENCH_KEY,
      RATE_LIMIT_PER_MINUTE: '100000000',
      LOG_LEVEL: 'error',
      ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) resolve({ url: match[1] as string, child });
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening:\n${out}`)));
  });
}

export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
