import type { SequentialResult } from '@edgewise/stats';
import type { ExperimentRecord, TimelinePoint } from '../storage/records.js';
import { differenceSequence } from './compute-results.js';

export interface TimelineSeriesPoint {
  /** Bucket start, epoch ms. */
  t: number;
  arm: string;
  /** This arm's share of the bucket's exposures: the allocation the policy produced. */
  share: number;
  exposures: number;
  cumulativeExposures: number;
  cumulativeRewards: number;
  /** Cumulative reward per exposure; null before the first exposure. */
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
  previous?: SequentialResult;
}

/**
 * The dashboard's series: allocation share per bucket, cumulative reward rate per arm, and each arm's
 * difference from control with its confidence sequence (nested over time, valid at every look).
 */
export function buildTimeline(
  record: ExperimentRecord,
  points: readonly TimelinePoint[],
  metric: 'proportion' | 'mean',
): { arms: string[]; points: TimelineSeriesPoint[] } {
  const arms = [...new Set([...record.arms.map((a) => a.name), ...points.map((p) => p.arm)])];
  const control = arms[0];
  const buckets = [...new Set(points.map((p) => p.bucket))].sort((a, b) => a - b);
  const running = new Map<string, Running>(
    arms.map((a) => [a, { pulls: 0, rewardSum: 0, rewardSumSquares: 0, exposures: 0, rewardCount: 0 }]),
  );
  const out: TimelineSeriesPoint[] = [];
  for (const t of buckets) {
    const here = points.filter((p) => p.bucket === t);
    const total = here.reduce((s, p) => s + p.exposures, 0);
    for (const arm of arms) {
      const p = here.find((x) => x.arm === arm);
      const r = running.get(arm) as Running;
      r.exposures += p?.exposures ?? 0;
      r.rewardCount += p?.rewardCount ?? 0;
      r.rewardSum += p?.rewardSum ?? 0;
      r.rewardSumSquares += p?.rewardSumSq ?? 0;
      r.pulls = Math.max(r.exposures, r.rewardCount);
    }
    const c = running.get(control as string) as Running;
    for (const arm of arms) {
      const r = running.get(arm) as Running;
      const p = here.find((x) => x.arm === arm);
      const seq = arm === control ? null : differenceSequence(c, r, metric, r.previous);
      if (seq) r.previous = seq;
      out.push({
        t,
        arm,
        share: total > 0 ? (p?.exposures ?? 0) / total : 0,
        exposures: p?.exposures ?? 0,
        cumulativeExposures: r.exposures,
        cumulativeRewards: r.rewardSum,
        rate: r.pulls > 0 ? r.rewardSum / r.pulls : null,
        diff: seq?.diff ?? null,
        csLower: seq && Number.isFinite(seq.ci[0]) ? seq.ci[0] : null,
        csUpper: seq && Number.isFinite(seq.ci[1]) ? seq.ci[1] : null,
      });
    }
  }
  return { arms, points: out };
}
