import type { Guardrail, GuardrailMetric } from '@edgewise/protocol';
import {
  exceedanceTest,
  meanConfidenceSequence,
  normalMixtureLogLikelihoodRatio,
  optimalMixtureRatio,
  sequentialTest,
} from '@edgewise/stats';
import {
  LATENCY_BUCKETS,
  latencyBucketLowerBound,
  latencyBucketUpperBound,
  latencyCounterKey,
} from '../storage/latency-buckets.js';
import type { ArmAggregate, ExperimentRecord } from '../storage/records.js';

/**
 * Guardrails as a pure function of an experiment and its arm counters: for each guardrail and each
 * non-control arm, whether the arm is provably worse than the bound, with an always-valid test so
 * this may run after every batch. The monitor (guardrail-monitor.ts) acts on the result.
 */

export type GuardrailBound = 'maxAbsolute' | 'maxRelativeIncrease' | 'minAbsolute' | 'maxRelativeDecrease';
export type GuardrailStatus = 'ok' | 'breached' | 'waiting';

export interface GuardrailEvaluation {
  metric: GuardrailMetric;
  arm: string;
  bound: GuardrailBound;
  /** The arm's value: p95 latency (ms, a bucket's upper bound), a rate, mean load ms, mean reward. */
  observed: number | null;
  /** The value the arm must stay under (above, for reward), in the metric's units; null while unknown. */
  threshold: number | null;
  /** Always-valid p-value of "the arm is within the bound"; null while waiting, and for drift (a distance, not a test). */
  pValue: number | null;
  /** The arm's samples of this metric. */
  samples: number;
  status: GuardrailStatus;
}

export const DEFAULT_MIN_SAMPLES = 20;
export const DEFAULT_GUARDRAIL_ALPHA = 0.05;
/** The guardrail on latency is on the 95th percentile: at most 5% of predictions above the bound. */
const P95_SHARE = 0.05;
/**
 * Samples at which the confidence sequences are tightest. Fixed, not taken from the data (that would
 * break their time-uniform guarantee); small, because a guardrail should fire on the first few
 * hundred samples of a bad arm rather than be at its best after tens of thousands.
 */
export const GUARDRAIL_PLANNED_SAMPLES = 1000;

const boundOf = (g: Guardrail): GuardrailBound =>
  g.maxAbsolute !== undefined
    ? 'maxAbsolute'
    : g.maxRelativeIncrease !== undefined
      ? 'maxRelativeIncrease'
      : g.minAbsolute !== undefined
        ? 'minAbsolute'
        : 'maxRelativeDecrease';

const ZERO: Readonly<Record<string, number>> = {};

/** Per arm, today's largest PSI against its baseline and the predictions summarized (arm-drift.ts). */
export type ArmDriftFigures = ReadonlyMap<string, { psi: number; predictions: number }>;

/**
 * Every guardrail × every arm but control (arm 0), in definition order. Drift guardrails read
 * `drift` (computed by the caller from the day's summaries); without it they wait.
 */
export function evaluateGuardrails(
  record: ExperimentRecord,
  aggregates: readonly ArmAggregate[],
  drift?: ArmDriftFigures,
): GuardrailEvaluation[] {
  const rows = new Map(aggregates.map((r) => [r.arm, r]));
  const control = record.arms[0];
  if (!control) return [];
  const controlRow = rows.get(control.name);
  const out: GuardrailEvaluation[] = [];
  for (const g of record.guardrails ?? []) {
    for (const arm of record.arms.slice(1)) {
      out.push(
        g.metric === 'drift'
          ? evaluateDrift(g, arm.name, drift?.get(arm.name))
          : evaluate(g, arm.name, rows.get(arm.name), controlRow),
      );
    }
  }
  return out;
}

/** Breached once enough predictions were summarized and the largest PSI is past the bound. */
function evaluateDrift(
  g: Guardrail,
  arm: string,
  figures: { psi: number; predictions: number } | undefined,
): GuardrailEvaluation {
  const threshold = g.maxAbsolute ?? 0;
  const samples = figures?.predictions ?? 0;
  const observed = figures ? figures.psi : null;
  const ready = figures !== undefined && samples >= (g.minSamples ?? DEFAULT_MIN_SAMPLES);
  const status = !ready ? 'waiting' : (observed as number) > threshold ? 'breached' : 'ok';
  return { metric: 'drift', arm, bound: 'maxAbsolute', observed, threshold, pValue: null, samples, status };
}

function evaluate(
  g: Guardrail,
  arm: string,
  row: ArmAggregate | undefined,
  control: ArmAggregate | undefined,
): GuardrailEvaluation {
  const bound = boundOf(g);
  const minSamples = g.minSamples ?? DEFAULT_MIN_SAMPLES;
  const alpha = g.alpha ?? DEFAULT_GUARDRAIL_ALPHA;
  const value = (g[bound] ?? 0) as number;
  const base = { metric: g.metric, arm, bound };
  const samples = samplesOf(g.metric, row);
  const waiting = (observed: number | null, threshold: number | null): GuardrailEvaluation => ({
    ...base,
    observed,
    threshold,
    pValue: null,
    samples,
    status: 'waiting',
  });
  const relative = bound === 'maxRelativeIncrease' || bound === 'maxRelativeDecrease';
  const observed = observedOf(g.metric, row);
  if (samples < minSamples || (relative && samplesOf(g.metric, control) < minSamples))
    return waiting(observed, relative ? null : value);
  const decided = (threshold: number, pValue: number, breached: boolean): GuardrailEvaluation => ({
    ...base,
    observed,
    threshold,
    pValue,
    samples,
    status: breached ? 'breached' : 'ok',
  });

  switch (g.metric) {
    case 'latency_p95': {
      // A relative bound is on control's p95 as its histogram gives it (the bucket's upper edge).
      const threshold = relative ? (1 + value) * p95(control) : value;
      if (!Number.isFinite(threshold)) return waiting(observed, null);
      const r = exceedanceTest({ exceed: countFrom(row, threshold), total: samples, p0: P95_SHARE, alpha });
      return decided(threshold, r.pValue, r.breached);
    }
    case 'error_rate':
    case 'crash_rate': {
      const k = failures(g.metric, row);
      if (!relative) {
        const r = exceedanceTest({ exceed: k, total: samples, p0: value, alpha });
        return decided(value, r.pValue, r.breached);
      }
      // The threshold (1 + r)·control rate uses control's estimated rate as if it were known; its
      // own noise is in the test's variance, so this is close, not exact, at small control counts.
      const kc = failures(g.metric, control);
      const nc = samplesOf(g.metric, control);
      const t = sequentialTest({
        control: { name: 'control', pulls: nc, rewardSum: kc },
        treatment: { name: arm, pulls: samples, rewardSum: k },
        alpha,
        plannedSamplesPerArm: GUARDRAIL_PLANNED_SAMPLES,
      });
      const margin = value * (kc / nc);
      return decided(
        kc / nc + margin,
        mixturePValue(t.diff - margin, t.standardError ** 2, t.mixtureVariance),
        t.ci[0] > margin,
      );
    }
    case 'load_ms':
    case 'reward': {
      const lowerIsWorse = g.metric === 'reward';
      const sample = meanSample(g.metric, row);
      if (!relative) {
        const cs = meanConfidenceSequence(sample, { alpha, plannedN: GUARDRAIL_PLANNED_SAMPLES });
        const breached = lowerIsWorse ? cs.upper < value : cs.lower > value;
        const worse = lowerIsWorse ? value - cs.mean : cs.mean - value;
        // The same normal mixture as the sequence, at the threshold: s² = σ²/n, τ² = σ²·u/N.
        const sigma2 =
          sample.n > 1
            ? Math.max(0, (sample.sumSquares - (sample.sum * sample.sum) / sample.n) / (sample.n - 1))
            : Number.NaN;
        const pValue = mixturePValue(
          worse,
          sigma2 / sample.n,
          (sigma2 * optimalMixtureRatio(alpha)) / GUARDRAIL_PLANNED_SAMPLES,
        );
        return decided(value, pValue, breached);
      }
      const c = meanSample(g.metric, control);
      const t = sequentialTest({
        control: { name: 'control', pulls: c.n, rewardSum: c.sum, rewardSumSquares: c.sumSquares },
        treatment: { name: arm, pulls: sample.n, rewardSum: sample.sum, rewardSumSquares: sample.sumSquares },
        metric: 'mean',
        alpha,
        plannedSamplesPerArm: GUARDRAIL_PLANNED_SAMPLES,
      });
      // As for rates, control's mean stands in for its true value in the threshold.
      const controlMean = c.sum / c.n;
      const margin = value * Math.abs(controlMean);
      const threshold = lowerIsWorse ? controlMean - margin : controlMean + margin;
      const worse = lowerIsWorse ? -t.diff - margin : t.diff - margin;
      const breached = lowerIsWorse ? t.ci[1] < -margin : t.ci[0] > margin;
      return decided(threshold, mixturePValue(worse, t.standardError ** 2, t.mixtureVariance), breached);
    }
    case 'drift':
      // evaluateGuardrails sends drift guardrails to evaluateDrift.
      return waiting(null, value);
  }
}

/**
 * 1/Λ at a threshold for the normal-mixture martingale behind the mSPRT and the confidence
 * sequences: Λ = √(s²/(s²+τ²)) · exp(τ²δ²/(2s²(s²+τ²))), δ the estimate's distance past the threshold
 * on the bad side. Λ ≥ 1/α exactly when the sequence excludes the threshold, so p < α ⇔ breached.
 */
function mixturePValue(worse: number, s2: number, tau2: number): number {
  if (!(worse > 0)) return 1;
  // No spread at all (every sample equal): the estimate is the value, past the threshold.
  if (s2 === 0) return 0;
  if (!(s2 > 0) || !(tau2 > 0)) return 1;
  return Math.min(1, Math.exp(-normalMixtureLogLikelihoodRatio(worse, s2, tau2)));
}

function samplesOf(metric: GuardrailMetric, row: ArmAggregate | undefined): number {
  if (!row) return 0;
  switch (metric) {
    case 'latency_p95':
      return row.latencySamples;
    case 'error_rate':
    case 'crash_rate':
      // Sampled predictions stand for several calls, so calls are real; the test needs a count.
      return Math.round(Math.max(row.predictCalls, failures(metric, row)));
    case 'load_ms':
      return row.loads;
    case 'reward':
      return row.decisions;
    case 'drift':
      return 0;
  }
}

function failures(metric: 'error_rate' | 'crash_rate', row: ArmAggregate | undefined): number {
  return row ? (metric === 'error_rate' ? row.predictErrors : row.crashes) : 0;
}

function meanSample(metric: 'load_ms' | 'reward', row: ArmAggregate | undefined) {
  if (!row) return { n: 0, sum: 0, sumSquares: 0 };
  return metric === 'load_ms'
    ? { n: row.loads, sum: row.loadMsSum, sumSquares: row.loadMsSumSq }
    : { n: row.decisions, sum: row.decisionRewardSum, sumSquares: row.decisionRewardSumSq };
}

function observedOf(metric: GuardrailMetric, row: ArmAggregate | undefined): number | null {
  const n = samplesOf(metric, row);
  if (!row || n === 0) return null;
  switch (metric) {
    case 'latency_p95': {
      const v = p95(row);
      return Number.isFinite(v) ? v : null;
    }
    case 'error_rate':
    case 'crash_rate':
      return failures(metric, row) / n;
    case 'load_ms':
      return row.loadMsSum / n;
    case 'reward':
      return row.decisionRewardSum / n;
    case 'drift':
      return null;
  }
}

const bucketCount = (row: ArmAggregate | undefined, i: number) =>
  (row ?? (ZERO as unknown as ArmAggregate))[latencyCounterKey(i)] ?? 0;

/**
 * Predictions in buckets that lie wholly at or above `ms`. The bucket holding `ms` is left out, so
 * the share is never overstated: the test can only be slower to fire, never wrong more often.
 */
export function countFrom(row: ArmAggregate | undefined, ms: number): number {
  let n = 0;
  for (let i = 0; i < LATENCY_BUCKETS; i++) if (latencyBucketLowerBound(i) >= ms) n += bucketCount(row, i);
  return n;
}

/** The 95th percentile as the upper edge of its bucket (Infinity in the overflow bucket, NaN with no samples). */
export function p95(row: ArmAggregate | undefined): number {
  const total = row?.latencySamples ?? 0;
  if (total === 0) return Number.NaN;
  let seen = 0;
  for (let i = 0; i < LATENCY_BUCKETS; i++) {
    seen += bucketCount(row, i);
    if (seen >= 0.95 * total) return latencyBucketUpperBound(i);
  }
  return Number.POSITIVE_INFINITY;
}

/**
 * The arms a breach stops: never control (arm 0), never one already stopped, and never the last arm
 * still running, so an experiment always has somewhere to send its users.
 */
export function armsToStop(
  record: ExperimentRecord,
  evaluations: readonly GuardrailEvaluation[],
): GuardrailEvaluation[] {
  if (record.stops.some((s) => s.arm === null)) return [];
  const stopped = new Set(record.stops.map((s) => s.arm));
  let running = record.arms.filter((a) => !stopped.has(a.name)).length;
  const chosen: GuardrailEvaluation[] = [];
  for (const e of evaluations) {
    if (e.status !== 'breached' || stopped.has(e.arm) || e.arm === record.arms[0]?.name) continue;
    if (running <= 1) break;
    stopped.add(e.arm);
    running--;
    chosen.push(e);
  }
  return chosen;
}

const num = (x: number | null) => (x === null ? '–' : Number(x.toPrecision(3)).toString());
const unit = (metric: GuardrailMetric) => (metric === 'latency_p95' || metric === 'load_ms' ? ' ms' : '');

/** '<metric> <observed> above <threshold> (always-valid p = …, n = …)', what the stop records. */
export function breachReason(e: GuardrailEvaluation): string {
  if (e.metric === 'drift')
    return `drift: PSI ${num(e.observed)} above ${num(e.threshold)} against the baseline (n = ${e.samples} predictions)`;
  const side = e.metric === 'reward' ? 'below' : 'above';
  const p = e.pValue === null ? '–' : e.pValue < 1e-4 ? e.pValue.toExponential(1) : num(e.pValue);
  return `${e.metric} ${num(e.observed)}${unit(e.metric)} ${side} ${num(e.threshold)}${unit(e.metric)} (always-valid p = ${p}, n = ${e.samples})`;
}
