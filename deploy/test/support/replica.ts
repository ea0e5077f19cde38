/**
 * One `@edgewise/server` process started the way a container runs it (the CLI, configured through the
 * environment), for tests that need several replicas on one database.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const CLI = join(ROOT, 'packages', 'server', 'src', 'cli.ts');

export interface Replica {
  name: string;
  url: string;
  process: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal) once the process ends. */
  exited: Promise<number | null>;
  /** Everything it printed, for failure messages. */
  output(): string;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startReplica(name: string, env: Record<string, string>): Promise<Replica> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=source', CLI, '--host', '127.0.0.1', '--port', String(port)],
    { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, url: `http://127.0.0.1:${port}`, process: child, exited, output: () => output };
}

/** Polls /readyz until it answers 200; throws with the replica's output if the process exits first. */
export async function waitReady(replica: Replica, deadlineMs: number): Promise<void> {
  let exitCode: number | null | undefined;
  void replica.exited.then((code) => {
    exitCode = code;
  });
  const stopAt = Date.now() + deadlineMs;
  while (Date.now() < stopAt) {
    if (exitCode !== undefined) {
      throw new Error(`${replica.name} exited (${exitCode}) before it was ready:\n${replica.output()}`);
    }
    const ready = await fetch(`${replica.url}/readyz`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${replica.name} was not ready within ${deadlineMs} ms:\n${replica.output()}`);
}

export async function stopReplica(replica: Replica): Promise<number | null> {
  if (replica.process.exitCode === null && replica.process.signalCode === null)
    replica.process.kill('SIGTERM');
  return replica.exited;
}
