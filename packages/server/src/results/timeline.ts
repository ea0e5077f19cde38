import { isStatsError, type SequentialResult, sequentialTest } from '@edgewise/stats';
import type { ExperimentRecord, TimelinePoint } from '../storage/records.js';
import { ALPHA } from './arm-tests.js';

export interface TimelineSeriesPoint {
  /** Bucket start, epoch ms. */
  t: number;
  arm: string;
  /** This arm's share of the bucket's exposures: the allocation the policy produced. */
  share: number;
  exposures: number;
  /** Users first exposed in this bucket, and so far (intention-to-treat, as in the results). */
  users: number;
  cumulativeUsers: number;
  cumulativeExposures: number;
  cumulativeRewards: number;
  /**
   * Cumulative reward per exposure EVENT; null before the first exposure. Per-user rates over time
   * would need each user's reward sum as of every bucket, which the per-user rows (current sums
   * only) do not keep, so the rate and difference plots stay on events (unit: 'events').
   */
  rate: number | null;
  /** Cumulative rate minus control's, with its always-valid confidence sequence; null for control. */
  diff: number | null;
  csLower: number | null;
  csUpper: number | null;
}

interface Running {
  pulls: number;
  rewardSum: number;
  rewardSumSquares: number;
  exposures: number;
  rewardCount: number;
  users: number;
  previous?: SequentialResult;
}

/** Most buckets a timeline returns; beyond it, buckets are merged so the answer stays small and fast. */
export const MAX_TIMELINE_BUCKETS = 500;

/**
 * The dashboard's series: allocation share per bucket, cumulative reward rate per arm, and each arm's
 * difference from control with its confidence sequence (nested over time, valid at every look).
 */
export function buildTimeline(
  record: ExperimentRecord,
  points: readonly TimelinePoint[],
  metric: 'proportion' | 'mean',
): { arms: string[]; unit: 'events'; points: TimelineSeriesPoint[] } {
  // Only the experiment's own arms: events name arms freely, and a row per stray arm made the
  // series (and its sequential tests) grow without bound.
  const arms = record.arms.map((a) => a.name);
  const control = arms[0];
  const known = new Set(arms);
  const kept = points.filter((p) => known.has(p.arm));
  const allBuckets = [...new Set(kept.map((p) => p.bucket))].sort((a, b) => a - b);
  // Over the cap, each run of `stride` buckets is folded into its first, so the series keeps its shape.
  const stride = Math.ceil(allBuckets.length / MAX_TIMELINE_BUCKETS);
  const bucketOf = new Map(allBuckets.map((b, i) => [b, allBuckets[i - (i % stride)] as number]));
  const byBucket = new Map<number, Map<string, TimelinePoint>>();
  for (const p of kept) {
    const t = bucketOf.get(p.bucket) as number;
    let here = byBucket.get(t);
    if (!here) {
      here = new Map();
      byBucket.set(t, here);
    }
    const prev = here.get(p.arm);
    here.set(p.arm, prev ? mergePoints(prev, p) : p);
  }
  const buckets = [...byBucket.keys()].sort((a, b) => a - b);
  const running = new Map<string, Running>(
    arms.map((a) => [
      a,
      { pulls: 0, rewardSum: 0, rewardSumSquares: 0, exposures: 0, rewardCount: 0, users: 0 },
    ]),
  );
  const out: TimelineSeriesPoint[] = [];
  for (const t of buckets) {
    const here = byBucket.get(t) as Map<string, TimelinePoint>;
    let total = 0;
    for (const p of here.values()) total += p.exposures;
    for (const arm of arms) {
      const p = here.get(arm);
      const r = running.get(arm) as Running;
      r.exposures += p?.exposures ?? 0;
      r.rewardCount += p?.rewardCount ?? 0;
      r.users += p?.users ?? 0;
      r.rewardSum += p?.rewardSum ?? 0;
      r.rewardSumSquares += p?.rewardSumSq ?? 0;
      r.pulls = Math.max(r.exposures, r.rewardCount);
    }
    const c = running.get(control as string) as Running;
    for (const arm of arms) {
      const r = running.get(arm) as Running;
      const p = here.get(arm);
      const seq = arm === control ? null : differenceSequence(c, r, metric, r.previous);
      if (seq) r.previous = seq;
      out.push({
        t,
        arm,
        share: total > 0 ? (p?.exposures ?? 0) / total : 0,
        exposures: p?.exposures ?? 0,
        users: p?.users ?? 0,
        cumulativeUsers: r.users,
        cumulativeExposures: r.exposures,
        cumulativeRewards: r.rewardSum,
        rate: r.pulls > 0 ? r.rewardSum / r.pulls : null,
        diff: seq?.diff ?? null,
        csLower: seq && Number.isFinite(seq.ci[0]) ? seq.ci[0] : null,
        csUpper: seq && Number.isFinite(seq.ci[1]) ? seq.ci[1] : null,
      });
    }
  }
  return { arms, unit: 'events', points: out };
}

function mergePoints(a: TimelinePoint, b: TimelinePoint): TimelinePoint {
  return {
    ...a,
    exposures: a.exposures + b.exposures,
    rewardCount: a.rewardCount + b.rewardCount,
    rewardSum: a.rewardSum + b.rewardSum,
    rewardSumSq: a.rewardSumSq + b.rewardSumSq,
    users: a.users + b.users,
  };
}

/**
 * The confidence sequence of (arm − control) at one point of the timeline; `previous` keeps the
 * sequence nested over time, as mSPRT allows.
 */
export function differenceSequence(
  control: { pulls: number; rewardSum: number; rewardSumSquares: number },
  arm: { pulls: number; rewardSum: number; rewardSumSquares: number },
  metric: 'proportion' | 'mean',
  previous: SequentialResult | undefined,
): SequentialResult | null {
  if (control.pulls === 0 || arm.pulls === 0) return null;
  try {
    return sequentialTest({
      control: { name: 'control', ...control },
      treatment: { name: 'arm', ...arm },
      metric,
      alpha: ALPHA,
      ...(previous ? { previous } : {}),
    });
  } catch (error) {
    if (isStatsError(error)) return null;
    throw error;
  }
}
