// Load test of the collector: POST /v1/events at batch sizes 1 and 50 against the real CLI on
// 127.0.0.1, on SQLite (WAL, synchronous=FULL) and on a throwaway Postgres cluster (fsync on), each
// run bounded in time. The events name a served experiment (an unknown one is refused with a 207,
// which autocannon counts as a success) and every id is new; after each run the stored rows are
// counted, so a figure made of refusals or duplicates cannot pass. The load generator and the server
// run on different cores where there are two (taskset). Writes bench/results/server-load-<date>.json.
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import pg from 'pg';
import {
  postgresUnavailableReason,
  startPostgres,
  type TestPostgres,
} from '../packages/server/test/support/postgres.js';
import { BatchMaker } from './event-batches.js';
import { treeCpuMs } from './process-cpu.js';
import type { ServerLoadRow as Row } from './server.js';
import { coreLayout, BENCH_KEY as KEY, pinSelf, startServer, stopServer } from './server-process.js';

const root = join(import.meta.dirname, '..');
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
// The figures were taken with 8 connections.
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const BATCHES = (process.env.BENCH_BATCHES ?? '1,50').split(',').map(Number);
// The SDK sends UUID v7 ids (time-ordered); BENCH_ID_ORDER=random sends v4 ones, as it did before.
const ID_ORDER = process.env.BENCH_ID_ORDER === 'random' ? 'random' : 'time';
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',') as ('sqlite' | 'postgres')[];

const layout = coreLayout();
// autocannon runs in this process: every thread of it moves to the client core.
if (layout) pinSelf(layout.client);
const pin = layout ? ['taskset', '-c', layout.server] : [];
// BENCH_SERVER_PROFILE=dir writes a V8 CPU profile of the server there when it stops.
const serverOptions = (dbDir: string, databaseUrl?: string) => ({
  dbDir,
  ...(databaseUrl ? { databaseUrl } : {}),
  ...(layout ? { cpus: layout.server } : {}),
  ...(process.env.BENCH_SERVER_PROFILE ? { profileDir: process.env.BENCH_SERVER_PROFILE } : {}),
});

/** CPU ms so far of the processes whose work a row is: the server, and Postgres when it is the store. */
type CpuOf = () => Promise<{ total: number; database?: number } | undefined>;

const perThousand = (ms: number, events: number) => Math.round((ms / events) * 1000 * 10) / 10;

async function loadRows(
  store: Row['store'],
  url: string,
  countEvents: () => Promise<number>,
  cpuOf: CpuOf,
): Promise<Row[]> {
  const rows: Row[] = [];
  for (const batchSize of BATCHES) {
    const maker = new BatchMaker(ID_ORDER);
    const before = await countEvents();
    const cpuBefore = await cpuOf();
    const result = await autocannon({
      url: `${url}/v1/events`,
      connections: CONNECTIONS,
      duration: DURATION_S,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
          setupRequest: (request) => ({ ...request, body: maker.body(batchSize) }),
        },
      ],
    });
    // Requests still in flight when autocannon stopped may commit after it: let them land.
    await new Promise((r) => setTimeout(r, 300));
    const stored = (await countEvents()) - before;
    const cpuAfter = await cpuOf();
    const ok = result['2xx'];
    // Only events that are really stored count: a 2xx whose events were refused or deduped is not ingest.
    const counted = Math.min(stored, ok * batchSize);
    rows.push({
      store,
      batchSize,
      requests: result.requests.total,
      non2xx: result.non2xx,
      eventsPerSecond: Math.round(counted / result.duration),
      requestsPerSecond: Math.round(ok / result.duration),
      latencyP50Ms: result.latency.p50,
      latencyP99Ms: result.latency.p99,
      eventsSent: maker.made,
      eventsAcknowledged: ok * batchSize,
      eventsStored: stored,
      ...(cpuBefore !== undefined && cpuAfter !== undefined && stored > 0
        ? { serverCpuMsPer1000Events: perThousand(cpuAfter.total - cpuBefore.total, stored) }
        : {}),
      ...(cpuBefore?.database !== undefined && cpuAfter?.database !== undefined && stored > 0
        ? { databaseCpuMsPer1000Events: perThousand(cpuAfter.database - cpuBefore.database, stored) }
        : {}),
    });
  }
  return rows;
}

async function sqliteRows(): Promise<Row[]> {
  const dbDir = await mkdtemp(join(tmpdir(), 'ew-bench-'));
  const server = await startServer(serverOptions(dbDir));
  // A second connection of its own: WAL lets it read while the server writes.
  const db = new Database(join(dbDir, 'bench.db'), { readonly: true });
  try {
    const count = db.prepare('SELECT COUNT(*) AS n FROM events');
    const pid = server.child.pid as number;
    return await loadRows(
      'sqlite',
      server.url,
      async () => (count.get() as { n: number }).n,
      async () => {
        const total = await treeCpuMs(pid);
        return total === undefined ? undefined : { total };
      },
    );
  } finally {
    db.close();
    await stopServer(server.child);
    await rm(dbDir, { recursive: true, force: true });
  }
}

async function postgresRows(): Promise<Row[] | string> {
  const reason = postgresUnavailableReason();
  if (reason) return reason;
  let cluster: TestPostgres;
  try {
    cluster = await startPostgres({ durable: true, commandPrefix: pin });
  } catch (error) {
    return (error as Error).message;
  }
  const dbDir = await mkdtemp(join(tmpdir(), 'ew-bench-'));
  const client = new pg.Client({ connectionString: cluster.url });
  let server: { child: ChildProcess; url: string } | undefined;
  try {
    server = await startServer(serverOptions(dbDir, cluster.url));
    await client.connect();
    const countEvents = async () =>
      Number((await client.query<{ n: string }>('SELECT COUNT(*) AS n FROM events')).rows[0]?.n ?? 0);
    const serverPid = server.child.pid as number;
    const postmaster = Number(
      (await readFile(join(cluster.dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0],
    );
    const cpuOf: CpuOf = async () => {
      const [a, b] = [await treeCpuMs(serverPid), await treeCpuMs(postmaster)];
      return a === undefined || b === undefined ? undefined : { total: a + b, database: b };
    };
    return await loadRows('postgres', server.url, countEvents, cpuOf);
  } finally {
    await client.end().catch(() => {});
    if (server) await stopServer(server.child);
    await cluster.stop();
    await rm(dbDir, { recursive: true, force: true });
  }
}

const rows: Row[] = [];
const skipped: Record<string, string> = {};
for (const store of STORES) {
  if (store === 'sqlite') rows.push(...(await sqliteRows()));
  else {
    const result = await postgresRows();
    if (typeof result === 'string') {
      skipped.postgres = result;
      console.warn(`[bench] Postgres rows skipped: ${result}`);
    } else rows.push(...result);
  }
}

const pinning = layout
  ? `load generator on CPU ${layout.client}, server${STORES.includes('postgres') ? ' and Postgres' : ''} on CPU ${layout.server} (taskset)`
  : 'not pinned (taskset or a second core missing)';
console.log(
  `\nPOST /v1/events, ${CONNECTIONS} connections, ${DURATION_S} s per row; SQLite WAL synchronous=FULL, Postgres fsync=on; ${pinning}; event ids ${ID_ORDER === 'time' ? 'UUID v7 (time-ordered), as the SDK sends' : 'random v4'}\n`,
);
const cols = [
  'store',
  'batch',
  'events/s',
  'req/s',
  'p50 ms',
  'p99 ms',
  'non-2xx',
  'sent',
  'acked',
  'stored',
  'cpu/1k',
  'db cpu/1k',
];
console.log(cols.map((c) => c.padStart(9)).join(' '));
for (const r of rows) {
  const cells = [
    r.store,
    r.batchSize,
    r.eventsPerSecond,
    r.requestsPerSecond,
    r.latencyP50Ms,
    r.latencyP99Ms,
    r.non2xx,
    r.eventsSent,
    r.eventsAcknowledged,
    r.eventsStored,
    r.serverCpuMsPer1000Events ?? 'n/a',
    r.databaseCpuMsPer1000Events ?? '-',
  ];
  console.log(cells.map((c) => String(c).padStart(9)).join(' '));
  if (r.eventsStored < r.eventsAcknowledged)
    console.warn(`[bench] ${r.store} batch ${r.batchSize}: fewer events stored than acknowledged`);
}
const out = join(root, 'bench/results');
await mkdir(out, { recursive: true });
const file = join(out, `server-load-${new Date().toISOString().slice(0, 10)}.json`);
await writeFile(
  file,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      connections: CONNECTIONS,
      durationSeconds: DURATION_S,
      pinning,
      eventIds: ID_ORDER,
      durability: { sqlite: 'WAL, synchronous=FULL', postgres: 'fsync=on, synchronous_commit=on' },
      skipped,
      rows,
    },
    null,
    2,
  )}\n`,
);
console.log(`\nwrote ${file}`);
