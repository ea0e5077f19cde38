import { type ModelSummary, Moments, ValueSketch } from '@edgewise/protocol';
import { ksStatistic, psi, psiByQuantiles, wassersteinDistance } from '@edgewise/stats';

/** When a feature or output counts as drifted; per model, defaults below. */
export interface DriftThresholds {
  /** Population stability index over the baseline's deciles (or over classes). */
  psi: number;
  /** Kolmogorov–Smirnov distance between the two distributions (0–1). */
  ks: number;
}

/** The usual reading of PSI (over 0.25: a shift), and a KS gap of a fifth of the mass. */
export const DEFAULT_DRIFT_THRESHOLDS: DriftThresholds = { psi: 0.25, ks: 0.2 };

export interface DriftMeasure {
  /** `inputs.<feature>`, `outputs.<name>.classes` or `outputs.<name>.values`. */
  name: string;
  psi: number;
  /** Undefined for class histograms (no order between classes). */
  ks?: number;
  /** Wasserstein-1 in baseline standard deviations, so one threshold reads the same for any feature. */
  wassersteinSd?: number;
  /** Live mean minus baseline mean, in baseline standard deviations (inputs only). */
  meanShiftSd?: number;
  drifted: boolean;
}

export interface DriftReport {
  baselinePredictions: number;
  livePredictions: number;
  measures: DriftMeasure[];
  /** Any measure past its threshold. */
  drifted: boolean;
}

const sdOf = (sketch: ValueSketch): number => {
  const { values, weights } = sketch.weighted();
  const n = weights.reduce((s, w) => s + w, 0);
  const mean = values.reduce((s, v, i) => s + v * (weights[i] as number), 0) / n;
  const variance = values.reduce((s, v, i) => s + (v - mean) ** 2 * (weights[i] as number), 0) / n;
  return Math.sqrt(variance);
};

function compareSketches(
  name: string,
  base: ValueSketch,
  live: ValueSketch,
  t: DriftThresholds,
): DriftMeasure {
  const a = base.weighted();
  const b = live.weighted();
  const sd = sdOf(base);
  const measure: DriftMeasure = {
    name,
    psi: psiByQuantiles(a, b),
    ks: ksStatistic(a, b),
    ...(sd > 0 ? { wassersteinSd: wassersteinDistance(a, b) / sd } : {}),
    drifted: false,
  };
  measure.drifted = measure.psi > t.psi || (measure.ks ?? 0) > t.ks;
  return measure;
}

/**
 * Live against baseline for every input and output both summaries have: inputs and output values by
 * PSI over the baseline's deciles, KS and W1 (computed on the sketches' buckets, so within their 1%
 * resolution of the raw figures); class histograms by PSI over the classes.
 */
export function driftReport(
  baseline: ModelSummary,
  live: ModelSummary,
  thresholds: DriftThresholds = DEFAULT_DRIFT_THRESHOLDS,
): DriftReport {
  const measures: DriftMeasure[] = [];
  for (const [feature, b] of Object.entries(baseline.inputs).sort(([x], [y]) => (x < y ? -1 : 1))) {
    const l = live.inputs[feature];
    if (!l || l.sketch.count === 0 || b.sketch.count === 0) continue;
    const m = compareSketches(
      `inputs.${feature}`,
      ValueSketch.fromJSON(b.sketch),
      ValueSketch.fromJSON(l.sketch),
      thresholds,
    );
    const bm = Moments.fromJSON(b.moments);
    const sd = Math.sqrt(bm.variance);
    if (sd > 0) m.meanShiftSd = (l.moments.mean - bm.mean) / sd;
    measures.push(m);
  }
  for (const [output, b] of Object.entries(baseline.outputs).sort(([x], [y]) => (x < y ? -1 : 1))) {
    const l = live.outputs[output];
    if (!l) continue;
    if (b.classes && l.classes && b.classes.some((n) => n > 0) && l.classes.some((n) => n > 0)) {
      const size = Math.max(b.classes.length, l.classes.length, 2);
      const pad = (c: readonly number[]) => Array.from({ length: size }, (_, i) => c[i] ?? 0);
      const value = psi(pad(b.classes), pad(l.classes));
      measures.push({ name: `outputs.${output}.classes`, psi: value, drifted: value > thresholds.psi });
    }
    if (b.values && l.values && b.values.count > 0 && l.values.count > 0)
      measures.push(
        compareSketches(
          `outputs.${output}.values`,
          ValueSketch.fromJSON(b.values),
          ValueSketch.fromJSON(l.values),
          thresholds,
        ),
      );
  }
  return {
    baselinePredictions: baseline.predictions,
    livePredictions: live.predictions,
    measures,
    drifted: measures.some((m) => m.drifted),
  };
}
