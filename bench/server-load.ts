// Load test of the collector: POST /v1/events at batch sizes 1 and 50 against the real CLI (SQLite,
// WAL, synchronous=FULL) on 127.0.0.1 only, each run bounded in time. Every request carries fresh
// event ids, so each one is a real insert, not a duplicate. Writes bench/results/server-load-<date>.json.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

const root = join(import.meta.dirname, '..');
const KEY = 'pk_bench';
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 8);
const CONNECTIONS = 16;
const BATCHES = [1, 50];

async function startServer(dbDir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      join(root, 'packages/server/src/cli.ts'),
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--db',
      join(dbDir, 'bench.db'),
    ],
    {
      cwd: root,
      env: { ...process.env, WRITE_KEYS: KEY, RATE_LIMIT_PER_MINUTE: '100000000', LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
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

function batchBody(size: number): string {
  const ts = Date.now();
  const events = Array.from({ length: size }, (_, i) => ({
    id: randomUUID(),
    type: i % 5 === 4 ? 'reward' : 'exposure',
    userId: `user-${i}`,
    experiment: 'bench',
    arm: i % 2 ? 'a' : 'b',
    probability: 0.5,
    modelVersion: '1.0.0',
    ...(i % 5 === 4 ? { value: 1 } : {}),
    ts,
  }));
  return JSON.stringify({ events });
}

interface Row {
  batchSize: number;
  requests: number;
  non2xx: number;
  eventsPerSecond: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
}

const dbDir = await mkdtemp(join(tmpdir(), 'ew-bench-'));
const server = await startServer(dbDir);
const rows: Row[] = [];
try {
  for (const batchSize of BATCHES) {
    const result = await autocannon({
      url: `${server.url}/v1/events`,
      connections: CONNECTIONS,
      duration: DURATION_S,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
          setupRequest: (request) => ({ ...request, body: batchBody(batchSize) }),
        },
      ],
    });
    const ok = result['2xx'];
    rows.push({
      batchSize,
      requests: result.requests.total,
      non2xx: result.non2xx,
      eventsPerSecond: Math.round((ok * batchSize) / result.duration),
      requestsPerSecond: Math.round(ok / result.duration),
      latencyP50Ms: result.latency.p50,
      latencyP99Ms: result.latency.p99,
    });
  }
} finally {
  server.child.kill('SIGTERM');
  await new Promise((resolve) => server.child.once('exit', resolve));
  await rm(dbDir, { recursive: true, force: true });
}

console.log(
  `\nPOST /v1/events, ${CONNECTIONS} connections, ${DURATION_S} s per batch size, SQLite (WAL, synchronous=FULL)\n`,
);
console.log(
  `${'batch'.padStart(6)} ${'events/s'.padStart(10)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'non-2xx'.padStart(8)}`,
);
for (const r of rows) {
  console.log(
    `${String(r.batchSize).padStart(6)} ${String(r.eventsPerSecond).padStart(10)} ${String(r.requestsPerSecond).padStart(8)} ${String(r.latencyP50Ms).padStart(8)} ${String(r.latencyP99Ms).padStart(8)} ${String(r.non2xx).padStart(8)}`,
  );
}
const out = join(root, 'bench/results');
await mkdir(out, { recursive: true });
const file = join(out, `server-load-${new Date().toISOString().slice(0, 10)}.json`);
await writeFile(
  file,
  `${JSON.stringify({ date: new Date().toISOString(), store: 'sqlite', connections: CONNECTIONS, durationSeconds: DURATION_S, rows }, null, 2)}\n`,
);
console.log(`\nwrote ${file}`);
