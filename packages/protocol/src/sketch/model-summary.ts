import { checkMoments, Moments, type MomentsJson } from './moments.js';
import { MAX_SUMMARY_CLASSES, MAX_SUMMARY_ENTRIES, MIN_SUMMARY_PREDICTIONS } from './summary-limits.js';
import { checkValueSketch, ValueSketch, type ValueSketchJson } from './value-sketch.js';

/**
 * What a device says about what one model version saw and answered, never the data itself: per
 * declared input feature its moments and a quantile sketch, per output a class histogram (the
 * argmax of a classifier) and/or a sketch of its scores. Summaries of one version merge exactly.
 */
export interface FeatureSummary {
  moments: MomentsJson;
  sketch: ValueSketchJson;
}

export interface OutputSummary {
  /** Predictions per argmax class index (classifiers). */
  classes?: number[];
  /** Sketch of the output's values (the top score for a classifier, the value for a regressor). */
  values?: ValueSketchJson;
}

export interface ModelSummary {
  /** Predictions summarized. */
  predictions: number;
  inputs: Record<string, FeatureSummary>;
  outputs: Record<string, OutputSummary>;
}

export { MAX_SUMMARY_CLASSES, MAX_SUMMARY_ENTRIES, MIN_SUMMARY_PREDICTIONS } from './summary-limits.js';

export const emptySummary = (): ModelSummary => ({ predictions: 0, inputs: {}, outputs: {} });

const addCounts = (a: readonly number[] | undefined, b: readonly number[]): number[] => {
  const out = Array.from(
    { length: Math.max(a?.length ?? 0, b.length) },
    (_, i) => (a?.[i] ?? 0) + (b[i] ?? 0),
  );
  return out;
};

/** `a` and `b` merged into a new summary (neither is changed). */
export function mergeSummaries(a: ModelSummary, b: ModelSummary): ModelSummary {
  const inputs: Record<string, FeatureSummary> = { ...a.inputs };
  for (const [name, f] of Object.entries(b.inputs)) {
    const mine = inputs[name];
    inputs[name] = mine
      ? {
          moments: Moments.fromJSON(mine.moments).merge(f.moments).toJSON(),
          sketch: ValueSketch.fromJSON(mine.sketch).merge(ValueSketch.fromJSON(f.sketch)).toJSON(),
        }
      : f;
  }
  const outputs: Record<string, OutputSummary> = { ...a.outputs };
  for (const [name, o] of Object.entries(b.outputs)) {
    const mine = outputs[name] ?? {};
    outputs[name] = {
      ...(o.classes || mine.classes ? { classes: addCounts(mine.classes, o.classes ?? []) } : {}),
      ...(o.values || mine.values
        ? {
            values: (mine.values ? ValueSketch.fromJSON(mine.values) : new ValueSketch())
              .merge(o.values ? ValueSketch.fromJSON(o.values) : new ValueSketch())
              .toJSON(),
          }
        : {}),
    };
  }
  return { predictions: a.predictions + b.predictions, inputs, outputs };
}

const NAME = /^[A-Za-z0-9_.:/-]{1,128}$/;

/** Why `value` is not a summary the collector takes (the field at fault first), or undefined. */
export function checkModelSummary(value: unknown): [string, string] | undefined {
  if (typeof value !== 'object' || value === null) return ['', 'must be an object'];
  const v = value as Record<string, unknown>;
  if (!Number.isInteger(v.predictions) || (v.predictions as number) < MIN_SUMMARY_PREDICTIONS)
    return [
      'predictions',
      `must be an integer >= ${MIN_SUMMARY_PREDICTIONS} (fewer would say too much about too few inputs)`,
    ];
  for (const part of ['inputs', 'outputs'] as const) {
    const entries = v[part];
    if (typeof entries !== 'object' || entries === null || Array.isArray(entries))
      return [part, 'must be an object'];
    if (Object.keys(entries).length > MAX_SUMMARY_ENTRIES)
      return [part, `must name at most ${MAX_SUMMARY_ENTRIES} entries`];
    for (const [name, entry] of Object.entries(entries)) {
      if (!NAME.test(name)) return [`${part}.${name}`, 'must be named with 1–128 of A-Z a-z 0-9 _ . : / -'];
      if (typeof entry !== 'object' || entry === null) return [`${part}.${name}`, 'must be an object'];
      const e = entry as Record<string, unknown>;
      if (part === 'inputs') {
        const m = checkMoments(e.moments);
        if (m) return [`inputs.${name}.moments${m[0] ? `.${m[0]}` : ''}`, m[1]];
        const s = checkValueSketch(e.sketch);
        if (s) return [`inputs.${name}.sketch${s[0] ? `.${s[0]}` : ''}`, s[1]];
      } else {
        if (e.classes === undefined && e.values === undefined)
          return [`outputs.${name}`, 'must have classes or values'];
        if (e.classes !== undefined) {
          const c = e.classes;
          if (
            !Array.isArray(c) ||
            c.length > MAX_SUMMARY_CLASSES ||
            !c.every((n) => Number.isInteger(n) && n >= 0)
          )
            return [`outputs.${name}.classes`, `must be at most ${MAX_SUMMARY_CLASSES} integer counts >= 0`];
        }
        if (e.values !== undefined) {
          const s = checkValueSketch(e.values);
          if (s) return [`outputs.${name}.values${s[0] ? `.${s[0]}` : ''}`, s[1]];
        }
      }
    }
  }
  return undefined;
}
