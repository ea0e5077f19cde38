// Past one machine, measured: 1, 2 and 3 server replicas (separate processes) behind a local HAProxy
// on one Postgres (fsync on), each loaded at batch 50 for a fixed time, then a soak at a steady rate
// through the proxy with the replicas' RSS, the database's size and the latency sampled every window.
// Events counted are the rows really stored (as in server-load.ts). Writes
// bench/results/replicas-<date>.json and the "Replicas and soak" section of bench/README.md.
//   BENCH_REPLICAS=1,2,3  BENCH_DURATION_S=10  BENCH_CONNECTIONS=16
//   BENCH_SOAK_S=600 (0: no soak)  BENCH_SOAK_REPLICAS=2  BENCH_SOAK_EVENTS_PER_S=2500  BENCH_SOAK_WINDOW_S=30
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import {
  postgresUnavailableReason,
  startPostgres,
  type TestPostgres,
} from '../packages/server/test/support/postgres.js';
import { BatchMaker } from './event-batches.js';
import { haproxyUnavailableReason, type LocalProxy, startHaproxy } from './haproxy.js';
import { treeCpuMs } from './process-cpu.js';
import { residentBytes } from './process-memory.js';
import { replaceSection } from './readme-section.js';
import {
  BENCH_KEY,
  type BenchServer,
  coreLayout,
  pinSelf,
  startServer,
  stopServer,
} from './server-process.js';
import { type SoakWindow, soakVerdict } from './soak-verdict.js';

const root = join(import.meta.dirname, '..');
const BATCH = 50;
const REPLICAS = (process.env.BENCH_REPLICAS ?? '1,2,3')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const SOAK_S = Number(process.env.BENCH_SOAK_S ?? 600);
const SOAK_REPLICAS = Number(process.env.BENCH_SOAK_REPLICAS ?? 2);
const SOAK_RATE = Number(process.env.BENCH_SOAK_EVENTS_PER_S ?? 2500);
const SOAK_WINDOW_S = Number(process.env.BENCH_SOAK_WINDOW_S ?? 30);

const unavailable = postgresUnavailableReason() ?? haproxyUnavailableReason();
if (unavailable) {
  console.warn(`[bench] replicas skipped: ${unavailable}`);
  process.exit(0);
}

const cores = availableParallelism();
const layout = coreLayout();
if (layout) pinSelf(layout.client);
/** The server side's cores (all but the load generator's); a replica gets one of its own where there are enough. */
const serverSide = layout ? (cores > 2 ? `1-${cores - 1}` : layout.server) : undefined;
const replicaCpus = (i: number, n: number): string | undefined =>
  !layout ? undefined : cores >= n + 2 ? String(i + 1) : serverSide;
const sharedCore = !layout || cores < Math.max(...REPLICAS) + 2;
/** What the replica rows mean when the replicas had no cores of their own. */
const SHARED_CORE_NOTE = `These rows cannot show scaling: every replica, HAProxy and Postgres share one core. They show what
spreading one load over more processes costs: each replica sees a share of the connections, so its
group commits are that much smaller and their fixed work (BEGIN/COMMIT and its WAL flush, the arm-row
updates, the shared rate-limit round trip) is paid per fewer events.`;
const pinning = !layout
  ? 'not pinned (taskset or a second core missing)'
  : cores >= Math.max(...REPLICAS) + 2
    ? `load generator on CPU 0, replica i on CPU i, Postgres and HAProxy on CPUs ${Math.max(...REPLICAS) + 1}-${cores - 1}`
    : `load generator on CPU ${layout.client}; replicas, Postgres and HAProxy share CPU ${serverSide} (${cores} cores here: not enough for a core per replica)`;

interface Cluster {
  servers: BenchServer[];
  proxy: LocalProxy;
  dir: string;
  client: pg.Client;
  stop(): Promise<void>;
}

async function startCluster(postgres: TestPostgres, name: string, n: number): Promise<Cluster> {
  const url = await postgres.createDatabase(name);
  const dir = await mkdtemp(join(tmpdir(), `ew-replicas-${name}-`));
  const servers: BenchServer[] = [];
  // One at a time: each migrates (under Postgres's advisory lock) before the next starts.
  for (let i = 0; i < n; i++) {
    const cpus = replicaCpus(i, n);
    servers.push(await startServer({ dbDir: dir, databaseUrl: url, ...(cpus ? { cpus } : {}) }));
  }
  const proxy = await startHaproxy({
    dir,
    backends: servers.map((s) => s.url),
    ...(serverSide ? { cpus: serverSide } : {}),
  });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    servers,
    proxy,
    dir,
    client,
    async stop() {
      await client.end().catch(() => {});
      await proxy.stop();
      for (const s of servers) await stopServer(s.child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const countEvents = async (client: pg.Client) =>
  Number((await client.query<{ n: string }>('SELECT COUNT(*) AS n FROM events')).rows[0]?.n ?? 0);
const databaseBytes = async (client: pg.Client) =>
  Number(
    (await client.query<{ n: string }>('SELECT pg_database_size(current_database()) AS n')).rows[0]?.n ?? 0,
  );

async function clusterCpuMs(cluster: Cluster, postmaster: number): Promise<number | undefined> {
  let total = 0;
  for (const pid of [...cluster.servers.map((s) => s.child.pid), cluster.proxy.child.pid, postmaster]) {
    const ms = pid === undefined ? undefined : await treeCpuMs(pid);
    if (ms === undefined) return undefined;
    total += ms;
  }
  return total;
}

function fire(
  url: string,
  maker: BatchMaker,
  options: { duration: number; connections: number; overallRate?: number },
) {
  return autocannon({
    url: `${url}/v1/events`,
    connections: options.connections,
    duration: options.duration,
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` },
        setupRequest: (request) => ({ ...request, body: maker.body(BATCH) }),
      },
    ],
  });
}

interface ReplicaRow {
  replicas: number;
  eventsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  non2xx: number;
  eventsAcknowledged: number;
  eventsStored: number;
  /** CPU of the replicas, HAProxy and Postgres together, per 1,000 stored events. */
  cpuMsPer1000Events?: number;
}

const postgres = await startPostgres({
  durable: true,
  ...(serverSide ? { commandPrefix: ['taskset', '-c', serverSide] } : {}),
});
const postmaster = Number((await readFile(join(postgres.dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
const rows: ReplicaRow[] = [];
const windows: SoakWindow[] = [];
try {
  for (const n of REPLICAS) {
    const cluster = await startCluster(postgres, `replicas_${n}`, n);
    try {
      const maker = new BatchMaker();
      const before = await countEvents(cluster.client);
      const cpuBefore = await clusterCpuMs(cluster, postmaster);
      const result = await fire(cluster.proxy.url, maker, { duration: DURATION_S, connections: CONNECTIONS });
      await new Promise((r) => setTimeout(r, 300));
      const stored = (await countEvents(cluster.client)) - before;
      const cpuAfter = await clusterCpuMs(cluster, postmaster);
      rows.push({
        replicas: n,
        eventsPerSecond: Math.round(Math.min(stored, result['2xx'] * BATCH) / result.duration),
        latencyP50Ms: result.latency.p50,
        latencyP99Ms: result.latency.p99,
        non2xx: result.non2xx,
        eventsAcknowledged: result['2xx'] * BATCH,
        eventsStored: stored,
        ...(cpuBefore !== undefined && cpuAfter !== undefined && stored > 0
          ? { cpuMsPer1000Events: Math.round(((cpuAfter - cpuBefore) / stored) * 10_000) / 10 }
          : {}),
      });
      console.log(`[bench] ${n} replica(s): ${JSON.stringify(rows.at(-1))}`);
    } finally {
      await cluster.stop();
    }
  }

  if (SOAK_S > 0) {
    const cluster = await startCluster(postgres, 'soak', SOAK_REPLICAS);
    try {
      const maker = new BatchMaker();
      const started = Date.now();
      let events = await countEvents(cluster.client);
      for (let at = 0; at < SOAK_S; at += SOAK_WINDOW_S) {
        const result = await fire(cluster.proxy.url, maker, {
          duration: Math.min(SOAK_WINDOW_S, SOAK_S - at),
          connections: 8,
          overallRate: SOAK_RATE / BATCH,
        });
        const now = await countEvents(cluster.client);
        const rss = await Promise.all(cluster.servers.map((s) => residentBytes(s.child.pid as number)));
        windows.push({
          atSeconds: Math.round((Date.now() - started) / 1000),
          eventsPerSecond: Math.round((now - events) / result.duration),
          latencyP50Ms: result.latency.p50,
          latencyP99Ms: result.latency.p99,
          non2xx: result.non2xx,
          rssMiB: rss.map((b) => Math.round(((b ?? 0) / 2 ** 20) * 10) / 10),
          databaseMiB: Math.round(((await databaseBytes(cluster.client)) / 2 ** 20) * 10) / 10,
          eventsStored: now,
        });
        events = now;
        console.log(`[bench] soak ${JSON.stringify(windows.at(-1))}`);
      }
    } finally {
      await cluster.stop();
    }
  }
} finally {
  await postgres.stop();
}

const verdict = windows.length >= 3 ? soakVerdict(windows) : undefined;
const date = new Date().toISOString();
const header = `| replicas | events/s stored | p50 ms | p99 ms | non-2xx | CPU ms / 1k events (replicas + HAProxy + Postgres) |
|---|---|---|---|---|---|`;
const table = rows
  .map(
    (r) =>
      `| ${r.replicas} | ${r.eventsPerSecond.toLocaleString('en-US')} | ${r.latencyP50Ms} | ${r.latencyP99Ms} | ${r.non2xx} | ${r.cpuMsPer1000Events ?? 'n/a'} |`,
  )
  .join('\n');
const soakText = verdict
  ? `Soak: ${SOAK_REPLICAS} replicas, ${SOAK_RATE.toLocaleString('en-US')} events/s offered for ${SOAK_S} s in ${SOAK_WINDOW_S}-s windows (8 connections, batch ${BATCH}):

| window end s | events/s | p50 ms | p99 ms | non-2xx | RSS MiB per replica | database MiB |
|---|---|---|---|---|---|---|
${windows.map((w) => `| ${w.atSeconds} | ${w.eventsPerSecond.toLocaleString('en-US')} | ${w.latencyP50Ms} | ${w.latencyP99Ms} | ${w.non2xx} | ${w.rssMiB.join(' / ')} | ${w.databaseMiB} |`).join('\n')}

${verdict.lines.map((l) => `- ${l}`).join('\n')}

Latency here is that of bursts: autocannon's rate limit releases each tick's requests together
across its connections, so they queue behind one another; one connection at the same rate sees a
few ms.`
  : 'Soak: not run (BENCH_SOAK_S=0).';
const section = `## Replicas and soak (${date.slice(0, 10)}, \`npm run bench:replicas\`)

\`bench/replicas.ts\`: 1, 2 and 3 server processes behind a local HAProxy (round robin, keep-alive) on
one Postgres 15 (fsync on), batch ${BATCH}, ${CONNECTIONS} connections for ${DURATION_S} s each; events
counted as stored rows. ${pinning}.

${header}
${table}

${sharedCore ? `${SHARED_CORE_NOTE}\n\n` : ''}${soakText}
`;
await writeFile(
  join(root, 'bench/README.md'),
  replaceSection(await readFile(join(root, 'bench/README.md'), 'utf8'), 'replicas', section),
);
const out = join(root, 'bench/results');
await mkdir(out, { recursive: true });
const file = join(out, `replicas-${date.slice(0, 10)}.json`);
await writeFile(
  file,
  `${JSON.stringify({ date, pinning, cores, batch: BATCH, connections: CONNECTIONS, durationSeconds: DURATION_S, rows, soak: { replicas: SOAK_REPLICAS, eventsPerSecondOffered: SOAK_RATE, seconds: SOAK_S, windows, verdict } }, null, 2)}\n`,
);
console.log(`\n${section}\nwrote ${file} and bench/README.md`);
