// A local HAProxy (Debian's `haproxy`) in front of several server replicas, round robin with
// keep-alive on both sides, as a Kubernetes Service or an ingress would spread requests.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../packages/server/test/support/free-port.js';

export interface LocalProxy {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Why the proxy cannot run here, or undefined when `haproxy` is on the PATH. */
export function haproxyUnavailableReason(): string | undefined {
  return spawnSync('haproxy', ['-v']).status === 0
    ? undefined
    : 'haproxy is not installed (apt-get install haproxy)';
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** Starts HAProxy on a free loopback port, forwarding to `backends` (http://127.0.0.1:port URLs). */
export async function startHaproxy(options: {
  dir: string;
  backends: readonly string[];
  cpus?: string;
}): Promise<LocalProxy> {
  const port = await freePort();
  const servers = options.backends.map((url, i) => `  server r${i + 1} ${new URL(url).host}`).join('\n');
  const config = join(options.dir, 'haproxy.cfg');
  await writeFile(
    config,
    `global
  maxconn 4096
  nbthread 1
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  option http-keep-alive
  http-reuse always
frontend edgewise
  bind 127.0.0.1:${port}
  default_backend replicas
backend replicas
  balance roundrobin
${servers}
`,
  );
  const args = [...(options.cpus ? ['-c', options.cpus, 'haproxy'] : []), '-db', '-f', config];
  const child = spawn(options.cpus ? 'taskset' : 'haproxy', args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; i < 100 && !(await accepts(port)); i++) {
    if (child.exitCode !== null) throw new Error(`haproxy exited (${child.exitCode}); config ${config}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
