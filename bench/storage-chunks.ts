// A model-sized file (256 MiB) stored as chunks and read back in headless Chromium, the two ways a
// resumable model cache could keep it: IndexedDB (one record per chunk, each chunk its own transaction,
// as a streaming download stores them) and OPFS (createWritable() from the page, and
// FileSystemSyncAccessHandle in a dedicated worker). Also what survives a page closed mid-write.
// The page side is bench/fixtures/storage.js (+ storage-worker.js). `npx tsx bench/storage-chunks.ts`
// runs only this section.
//
// Playwright's browser.newContext() is an off-the-record profile, whose IndexedDB and OPFS live in
// memory; a cache's real figures come from disk, so by default this launches its own persistent
// profile in a temporary folder (same Chromium, same flags) and measures there.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright';
import { CHROMIUM_ARGS, chromiumPath } from '../e2e/harness/chromium.js';
import { openBenchPage } from './bench-page.js';
import { ms } from './format.js';
import { type Row, row } from './goals.js';

const MiB = 2 ** 20;
const PAGE = '/bench/storage.html';

export type StorageMethod =
  | 'idb'
  | 'idb-strict'
  | 'opfs-writable'
  | 'opfs-sync'
  | 'opfs-whole'
  | 'opfs-slices'
  | 'opfs-sync-read';

export interface StorageFigure {
  /** What stored or read the file. */
  method: StorageMethod;
  op: 'write' | 'read';
  chunkMiB: number;
  bytes: number;
  ms: number;
  mbPerSecond: number;
  /** Reads: first chunk in hand, from opening the database or file. */
  firstByteMs?: number;
  /** Reads: chunks whose index stamp did not match (0 when the data came back intact). */
  bad?: number;
  /** Anything else the page reported (close/flush times, transaction durability). */
  extra?: Record<string, unknown>;
}

export interface StorageDurability {
  /** createWritable(), half the file written, page closed before close(): bytes a new page finds. */
  writableBytesAfterClose: number;
  writableEntriesAfterClose: { name: string; size?: number }[];
  /** IndexedDB, one committed transaction per chunk, one more transaction open at close. */
  idbRecordsAfterClose: number;
  idbChunksCommitted: number;
  idbPendingSurvived: boolean;
  /** FileSystemSyncAccessHandle writes, no flush() or close(), page (and worker) closed. */
  syncBytesAfterClose: number;
  /** Bytes written before each page was closed. */
  wroteBytes: number;
  /** createWritable({ keepExistingData: true }) on the whole file: the cost of resuming into it. */
  reopenKeepingDataMs: number;
  reopenBytes: number;
}

export interface StorageResults {
  profile: 'disk' | 'memory';
  totalMiB: number;
  chunkMiBs: number[];
  figures: StorageFigure[];
  durability: StorageDurability;
  chromium: string;
  wallMs: number;
}

export interface StorageOptions {
  totalMiB?: number;
  chunkMiBs?: number[];
  /** Own persistent profile on disk (default), or the browser's off-the-record contexts (memory). */
  profile?: 'disk' | 'memory';
}

type StorageWindow = { storage: Record<string, (o?: unknown) => Promise<Record<string, unknown>>> };

function call<T = Record<string, unknown>>(page: Page, fn: string, options: unknown = {}): Promise<T> {
  return page.evaluate(
    ([fn, options]) => (window as unknown as StorageWindow).storage[fn as string]!(options),
    [fn, options] as const,
  ) as Promise<T>;
}

function figure(
  method: StorageMethod,
  op: 'write' | 'read',
  chunkMiB: number,
  bytes: number,
  r: Record<string, unknown>,
): StorageFigure {
  const {
    ms: took,
    firstByteMs,
    bad,
    bytes: _b,
    ...extra
  } = r as {
    ms: number;
    firstByteMs?: number;
    bad?: number;
    bytes?: number;
  };
  return {
    method,
    op,
    chunkMiB,
    bytes,
    ms: took,
    mbPerSecond: bytes / MiB / (took / 1000),
    ...(firstByteMs !== undefined ? { firstByteMs } : {}),
    ...(bad !== undefined ? { bad } : {}),
    extra,
  };
}

async function measure(context: BrowserContext, baseUrl: string, totalMiB: number, chunkMiBs: number[]) {
  // One strict-durability IndexedDB write (fsync per transaction) beside the default, at 4 MiB chunks.
  const strictAt = chunkMiBs.includes(4) ? 4 : chunkMiBs[0];
  const figures: StorageFigure[] = [];
  const bytes = totalMiB * MiB;
  const page = await openBenchPage(context, baseUrl, PAGE);
  try {
    for (const chunkMiB of chunkMiBs) {
      const o = { totalMiB, chunkMiB, name: 'model.bin' };
      // IndexedDB: fresh database per chunk size, so each size writes into an empty store.
      await call(page, 'idbClear');
      figures.push(figure('idb', 'write', chunkMiB, bytes, await call(page, 'idbWrite', o)));
      figures.push(figure('idb', 'read', chunkMiB, bytes, await call(page, 'idbRead', o)));
      await call(page, 'idbClear');
      if (chunkMiB === strictAt) {
        const strict = await call(page, 'idbWrite', { ...o, durability: 'strict' });
        figures.push(figure('idb-strict', 'write', chunkMiB, bytes, strict));
        await call(page, 'idbClear');
      }
      // OPFS from the page: createWritable(), then the whole file and slice by slice.
      await call(page, 'opfsRemove', o);
      figures.push(figure('opfs-writable', 'write', chunkMiB, bytes, await call(page, 'opfsWrite', o)));
      figures.push(figure('opfs-whole', 'read', chunkMiB, bytes, await call(page, 'opfsReadWhole', o)));
      figures.push(figure('opfs-slices', 'read', chunkMiB, bytes, await call(page, 'opfsReadSlices', o)));
      await call(page, 'opfsRemove', o);
      // OPFS in a worker: FileSystemSyncAccessHandle both ways.
      figures.push(figure('opfs-sync', 'write', chunkMiB, bytes, await call(page, 'syncWrite', o)));
      figures.push(figure('opfs-sync-read', 'read', chunkMiB, bytes, await call(page, 'syncRead', o)));
      await call(page, 'opfsRemove', o);
    }
  } finally {
    await page.close();
  }
  return figures;
}

async function durability(context: BrowserContext, baseUrl: string): Promise<StorageDurability> {
  const half = { totalMiB: 32, chunkMiB: 4 };
  const fresh = async () => openBenchPage(context, baseUrl, PAGE);

  // 1. createWritable(): write half, close the page without close().
  let page = await fresh();
  await call(page, 'opfsRemove', { name: 'durable.bin' });
  await call(page, 'partialWritable', { ...half, name: 'durable.bin' });
  await page.close();
  page = await fresh();
  const entries = await call<{ name: string; size?: number }[]>(page, 'opfsList');
  const writableBytesAfterClose = entries.find((e) => e.name === 'durable.bin')?.size ?? 0;
  await call(page, 'opfsRemove', { name: 'durable.bin' });

  // 2. IndexedDB: committed chunk transactions, one still open.
  await call(page, 'idbClear');
  const idb = await call<{ chunks: number }>(page, 'partialIdb', half);
  await page.close();
  page = await fresh();
  const count = await call<{ records: number; pending: boolean }>(page, 'idbCount');
  await call(page, 'idbClear');

  // 3. Sync access handle in a worker: no flush, no close.
  await call(page, 'opfsRemove', { name: 'sync-durable.bin' });
  await call(page, 'syncWritePartial', { ...half, name: 'sync-durable.bin' });
  await page.close();
  page = await fresh();
  const syncEntries = await call<{ name: string; size?: number }[]>(page, 'opfsList');
  const syncBytesAfterClose = syncEntries.find((e) => e.name === 'sync-durable.bin')?.size ?? 0;
  await call(page, 'opfsRemove', { name: 'sync-durable.bin' });

  // 4. Resuming into a complete file with createWritable({ keepExistingData: true }).
  await call(page, 'opfsWrite', { name: 'resume.bin', totalMiB: 256, chunkMiB: 16 });
  const reopen = await call<{ openMs: number; bytes: number }>(page, 'opfsReopenKeepingData', {
    name: 'resume.bin',
  });
  await call(page, 'opfsRemove', { name: 'resume.bin' });
  await page.close();

  return {
    writableBytesAfterClose,
    writableEntriesAfterClose: entries,
    idbRecordsAfterClose: count.records,
    idbChunksCommitted: idb.chunks,
    idbPendingSurvived: count.pending,
    syncBytesAfterClose,
    wroteBytes: half.totalMiB * MiB,
    reopenKeepingDataMs: reopen.openMs,
    reopenBytes: reopen.bytes,
  };
}

export async function runStorageChunks(
  browser: Browser,
  baseUrl: string,
  options: StorageOptions = {},
): Promise<StorageResults> {
  const { totalMiB = 256, chunkMiBs = [1, 4, 16], profile = 'disk' } = options;
  const started = Date.now();
  let context: BrowserContext;
  let dir: string | undefined;
  if (profile === 'disk') {
    dir = await mkdtemp(join(tmpdir(), 'edgewise-storage-bench-'));
    context = await chromium.launchPersistentContext(dir, {
      executablePath: chromiumPath(),
      headless: true,
      args: CHROMIUM_ARGS,
    });
  } else {
    context = await browser.newContext();
  }
  try {
    const figures = await measure(context, baseUrl, totalMiB, chunkMiBs);
    const durable = await durability(context, baseUrl);
    return {
      profile,
      totalMiB,
      chunkMiBs,
      figures,
      durability: durable,
      chromium: browser.version(),
      wallMs: Date.now() - started,
    };
  } finally {
    await context.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

const LABEL: Record<StorageMethod, string> = {
  idb: 'IndexedDB, tx per chunk',
  'idb-strict': "IndexedDB, durability 'strict'",
  'opfs-writable': 'OPFS createWritable (page)',
  'opfs-sync': 'OPFS sync handle (worker)',
  'opfs-whole': 'OPFS getFile().arrayBuffer()',
  'opfs-slices': 'OPFS getFile() slice by slice',
  'opfs-sync-read': 'OPFS sync handle read (worker)',
};

const mbs = (v: number) => `${Math.round(v).toLocaleString('en-US')} MB/s`;

export function storageRows(r: StorageResults): Row[] {
  const section = `Storage: ${r.totalMiB} MiB as chunks (${r.profile === 'disk' ? 'profile on disk' : 'in-memory profile'})`;
  const rows: Row[] = [];
  for (const op of ['write', 'read'] as const) {
    for (const method of Object.keys(LABEL) as StorageMethod[]) {
      const fs = r.figures.filter((f) => f.method === method && f.op === op);
      if (!fs.length) continue;
      const parts = fs.map(
        (f) =>
          `${f.chunkMiB} MiB ${mbs(f.mbPerSecond)}${f.firstByteMs !== undefined && method !== 'opfs-whole' ? ` (1st ${ms(f.firstByteMs)})` : ''}`,
      );
      const bad = fs.reduce((t, f) => t + (f.bad ?? 0), 0);
      const extra =
        method === 'opfs-writable'
          ? `close() (the commit) took ${fs.map((f) => ms(f.extra?.closeMs as number)).join(' / ')}`
          : method === 'idb' && op === 'write'
            ? `transaction durability '${String(fs[0]?.extra?.durability)}' (Chromium: no fsync per commit)`
            : method === 'opfs-whole'
              ? 'no first byte before the whole file'
              : method === 'opfs-sync-read'
                ? `1st byte from the page, worker start included: ${fs.map((f) => ms(f.extra?.pageFirstByteMs as number)).join(' / ')}`
                : method === 'opfs-sync'
                  ? `of which flush() ${fs.map((f) => ms(f.extra?.flushMs as number)).join(' / ')}`
                  : '';
      rows.push(
        row({
          section,
          name: `${op}: ${LABEL[method]}`,
          figure: parts.join(' · '),
          note: [extra, bad ? `${bad} chunk(s) came back wrong` : ''].filter(Boolean).join('; ') || undefined,
        }),
      );
    }
  }
  const d = r.durability;
  const mib = (b: number) => `${(b / MiB).toFixed(0)} MiB`;
  rows.push(
    row({
      section,
      name: 'page closed mid-write: createWritable',
      figure: `${mib(d.writableBytesAfterClose)} of ${mib(d.wroteBytes)} kept`,
      note: 'a writable commits only on close(); until then the bytes are in a swap file that is dropped',
    }),
    row({
      section,
      name: 'page closed mid-write: IndexedDB',
      figure: `${d.idbRecordsAfterClose - (d.idbPendingSurvived ? 1 : 0)} of ${d.idbChunksCommitted} committed chunks kept`,
      note: `every committed transaction survives; one more put issued just before the close (its transaction auto-commits) ${d.idbPendingSurvived ? 'made it' : 'was lost'} this time`,
    }),
    row({
      section,
      name: 'page closed mid-write: sync handle',
      figure: `${mib(d.syncBytesAfterClose)} of ${mib(d.wroteBytes)} kept`,
      note: 'no flush() or close(): writes go to the file itself',
    }),
    row({
      section,
      name: 'resume: createWritable(keepExistingData)',
      figure: `${ms(d.reopenKeepingDataMs)} for ${mib(d.reopenBytes)}`,
      note: 'opening a writable that keeps the data copies the whole file into a swap file first',
    }),
  );
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { launchChromium } = await import('../e2e/harness/chromium.js');
  const { startStaticServer } = await import('../e2e/harness/static-server.js');
  const { benchMounts } = await import('./mounts.js');
  const { formatTable } = await import('./report.js');
  const profile = process.argv.includes('--memory') ? 'memory' : 'disk';
  const browser = await launchChromium();
  const server = await startStaticServer({ mounts: benchMounts, isolated: true });
  try {
    const results = await runStorageChunks(browser, server.url, { profile });
    console.log(formatTable(storageRows(results)));
    console.log(`\n${(results.wallMs / 1000).toFixed(1)} s`);
    if (process.argv.includes('--json')) console.log(JSON.stringify(results, null, 2));
  } finally {
    await browser.close();
    await server.close();
  }
}
