// The collector under load: runs bench/server-load.ts (autocannon against the real server CLI) as a
// child, samples the server's resident memory while it runs, and reads the figures it wrote.
import { spawn } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { findDescendant, residentBytes } from './process-memory.js';
import { median } from './stats.js';

export interface ServerLoadRow {
  store: 'sqlite' | 'postgres';
  batchSize: number;
  requests: number;
  non2xx: number;
  eventsPerSecond: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Events in the bodies sent, in the 2xx replies (× batch size), and new rows in the events table. */
  eventsSent: number;
  eventsAcknowledged: number;
  eventsStored: number;
  /** CPU of the server (and of Postgres, for its rows) per 1,000 stored events, user + system. */
  serverCpuMsPer1000Events?: number;
  /** Of that, Postgres's own processes (the postmaster and its backends). */
  databaseCpuMsPer1000Events?: number;
}

export interface ServerFigures {
  rows: ServerLoadRow[];
  /** Which cores the load generator and the server ran on. */
  pinning: string;
  /** Stores whose rows are missing, with the reason. */
  skipped: Record<string, string>;
  resultFile: string;
  /** Median and peak RSS over the samples taken under load (after the first second), in bytes. */
  rssMedian?: number;
  rssPeak?: number;
  rssSamples: number;
}

const SAMPLE_MS = 250;

async function newestResult(dir: string, since: number): Promise<string> {
  const files = (await readdir(dir)).filter((f) => /^server-load-.*\.json$/.test(f));
  const dated = await Promise.all(files.map(async (f) => ({ f, at: (await stat(join(dir, f))).mtimeMs })));
  const fresh = dated.filter((d) => d.at >= since).sort((a, b) => b.at - a.at)[0];
  if (!fresh) throw new Error(`bench/server-load.ts wrote no result in ${dir}`);
  return join(dir, fresh.f);
}

export async function runServerLoad(root: string): Promise<ServerFigures> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/server-load.ts')], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const samples: number[] = [];
  let serverPid: number | undefined;
  let firstSeen = 0;
  let done = false;
  void exited.then(() => {
    done = true;
  });
  while (!done) {
    await new Promise((r) => setTimeout(r, SAMPLE_MS));
    if (!serverPid && child.pid) {
      serverPid = await findDescendant(child.pid, 'packages/server/src/cli.ts');
      firstSeen = Date.now();
    }
    // The first second is start-up (module loading, SQLite open), not steady state.
    if (serverPid && Date.now() - firstSeen > 1000) {
      const rss = await residentBytes(serverPid);
      if (rss !== undefined) samples.push(rss);
      // The SQLite server has exited and the Postgres one is starting: follow it.
      else serverPid = undefined;
    }
  }
  const code = await exited;
  if (code !== 0) throw new Error(`bench/server-load.ts exited with ${code}`);
  const resultFile = await newestResult(join(root, 'bench/results'), started);
  const { rows, pinning, skipped } = JSON.parse(await readFile(resultFile, 'utf8')) as Pick<
    ServerFigures,
    'rows' | 'pinning' | 'skipped'
  >;
  return {
    rows,
    pinning,
    skipped,
    resultFile,
    ...(samples.length > 0 ? { rssMedian: median(samples), rssPeak: Math.max(...samples) } : {}),
    rssSamples: samples.length,
  };
}
