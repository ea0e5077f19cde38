// Goals from issue #10 and how a measured figure is judged against them.

export type Verdict = 'met' | 'not met' | 'n/a' | 'info';

export interface Goal {
  /** How the figure must compare to the limit. */
  op: '<=' | '>=' | '<';
  limit: number;
  /** How the limit is printed beside the figure, e.g. "≤ 1.10× proxy". */
  label: string;
}

export interface Row {
  section: string;
  name: string;
  /** The figure as printed (value and unit). */
  figure: string;
  /** The number judged against the goal, when there is one. */
  value?: number;
  goal?: Goal;
  verdict: Verdict;
  note?: string;
}

export function judge(value: number | undefined, goal: Goal | undefined): Verdict {
  if (!goal) return 'info';
  if (value === undefined || !Number.isFinite(value)) return 'n/a';
  const met =
    goal.op === '<=' ? value <= goal.limit : goal.op === '<' ? value < goal.limit : value >= goal.limit;
  return met ? 'met' : 'not met';
}

export function row(fields: Omit<Row, 'verdict'>): Row {
  return { ...fields, verdict: judge(fields.value, fields.goal) };
}

export const GOALS = {
  // Issue 22: we own the worker, so onnxruntime-web's own proxy worker is the floor to beat.
  latencyVsProxy: { op: '<=', limit: 1.0, label: '≤ 1.00× proxy worker' },
  latencyVsDirect: { op: '<=', limit: 1.1, label: '≤ 1.10× direct' },
  // Issue 18: on a compute-bound model (PaddleOCR det/rec, tens to hundreds of ms a call) the worker
  // round trip and input checks are noise, so Edgewise must be within 3% of a main-thread call.
  computeBoundVsDirect: { op: '<=', limit: 1.03, label: '≤ 1.03× direct' },
  computeBoundVsProxy: { op: '<=', limit: 1.03, label: '≤ 1.03× proxy worker' },
  batchVsDirect: { op: '>=', limit: 0.95, label: '≥ 0.95× direct' },
  cachedVsMemory: { op: '<=', limit: 1.5, label: '≤ 1.5× from memory' },
  // Issue 21: a 300 MB model never sits whole on the main thread; the worker holds about one copy.
  largeModelMainThread: { op: '<=', limit: 0.1, label: '< 10% of the model' },
  largeModelWorker: { op: '<=', limit: 1.5, label: '≤ 1.5× the model' },
  sdkGzipKb: { op: '<=', limit: 15, label: '≤ 15 KB gzip' },
  // Issue 22, the collector at batch 50, durable (SQLite synchronous=FULL, Postgres fsync on),
  // counting only events really stored. Batch 1 has no goal there; its rows are figures only.
  sqliteIngestEventsPerSecond: { op: '>=', limit: 50_000, label: '≥ 50,000 events/s' },
  sqliteIngestP99Ms: { op: '<', limit: 50, label: '< 50 ms p99' },
  postgresIngestEventsPerSecond: { op: '>=', limit: 30_000, label: '≥ 30,000 events/s' },
  postgresIngestP99Ms: { op: '<', limit: 100, label: '< 100 ms p99' },
  serverRssMb: { op: '<=', limit: 256, label: '≤ 256 MB RSS' },
} as const satisfies Record<string, Goal>;
