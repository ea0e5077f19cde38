// Whether a soak stayed flat: memory, latency and the database's bytes per event compared between
// the start and the end of the run, the first window left out as warm-up.
import { median } from './stats.js';

export interface SoakWindow {
  /** Seconds since the soak started, at the end of this window. */
  atSeconds: number;
  eventsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  non2xx: number;
  /** Resident memory of each replica at the end of the window. */
  rssMiB: number[];
  databaseMiB: number;
  /** Rows in the events table at the end of the window. */
  eventsStored: number;
}

export interface SoakVerdict {
  /** Least-squares slope of each replica's RSS, MiB per 10 minutes. */
  rssSlopeMiBPer10Min: number[];
  p99FirstThirdMs: number;
  p99LastThirdMs: number;
  /** Database growth per stored event, bytes, over the first and the last third. */
  bytesPerEventFirstThird: number;
  bytesPerEventLastThird: number;
  flat: { rss: boolean; p99: boolean; databasePerEvent: boolean };
  lines: string[];
}

/** What "flat" allows: RSS growing under this share of itself per 10 minutes, */
const RSS_GROWTH = 0.1;
/** p99 at the end within this factor of the start (plus a few ms of timer noise), */
const P99_FACTOR = 1.5;
const P99_SLACK_MS = 5;
/** and bytes per event at the end within this share of the start. */
const PER_EVENT_DRIFT = 0.3;

export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += ((xs[i] as number) - mx) * ((ys[i] as number) - my);
    den += ((xs[i] as number) - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Judges windows (at least 3; the first is warm-up and left out). */
export function soakVerdict(all: readonly SoakWindow[]): SoakVerdict {
  if (all.length < 3) throw new Error('a soak verdict needs at least 3 windows');
  const w = all.slice(1);
  const third = Math.max(1, Math.floor(w.length / 3));
  const first = w.slice(0, third);
  const last = w.slice(-third);
  const xs = w.map((x) => x.atSeconds / 600);
  const replicas = w[0]?.rssMiB.length ?? 0;
  const rssSlope = Array.from({ length: replicas }, (_, r) =>
    round(
      slope(
        xs,
        w.map((x) => x.rssMiB[r] ?? 0),
      ),
    ),
  );
  const rssMean = Array.from({ length: replicas }, (_, r) => median(w.map((x) => x.rssMiB[r] ?? 0)));
  const perEvent = (ws: readonly SoakWindow[], before: SoakWindow) => {
    const events = (ws.at(-1) as SoakWindow).eventsStored - before.eventsStored;
    const bytes = ((ws.at(-1) as SoakWindow).databaseMiB - before.databaseMiB) * 2 ** 20;
    return events > 0 ? Math.round(bytes / events) : 0;
  };
  const p99First = median(first.map((x) => x.latencyP99Ms));
  const p99Last = median(last.map((x) => x.latencyP99Ms));
  const bytesFirst = perEvent(first, all[0] as SoakWindow);
  const bytesLast = perEvent(last, w[w.length - third - 1] ?? (all[0] as SoakWindow));
  const flat = {
    rss: rssSlope.every((s, r) => s < RSS_GROWTH * (rssMean[r] ?? 0)),
    p99: p99Last <= P99_FACTOR * p99First + P99_SLACK_MS,
    databasePerEvent: bytesFirst > 0 && Math.abs(bytesLast - bytesFirst) <= PER_EVENT_DRIFT * bytesFirst,
  };
  const yes = (b: boolean) => (b ? 'flat' : 'NOT flat');
  const lines = [
    `RSS: ${rssSlope.map((s, r) => `replica ${r + 1} ${s >= 0 ? '+' : ''}${s} MiB per 10 min around ${round(rssMean[r] ?? 0)} MiB`).join(', ')} — ${yes(flat.rss)} (under ${RSS_GROWTH * 100}% per 10 min)`,
    `p99: ${p99First} ms over the first third, ${p99Last} ms over the last — ${yes(flat.p99)} (within ${P99_FACTOR}× + ${P99_SLACK_MS} ms)`,
    `database: ${bytesFirst} bytes per stored event over the first third, ${bytesLast} over the last — ${yes(flat.databasePerEvent)} (within ${PER_EVENT_DRIFT * 100}%); it grows with the events kept, and EVENT_RETENTION_DAYS bounds that`,
    `events/s stored: median ${median(w.map((x) => x.eventsPerSecond))}; non-2xx: ${w.reduce((s, x) => s + x.non2xx, 0)}`,
  ];
  return {
    rssSlopeMiBPer10Min: rssSlope,
    p99FirstThirdMs: p99First,
    p99LastThirdMs: p99Last,
    bytesPerEventFirstThird: bytesFirst,
    bytesPerEventLastThird: bytesLast,
    flat,
    lines,
  };
}
