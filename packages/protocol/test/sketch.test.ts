import { createRng, sampleNormal } from '@edgewise/stats';
import { describe, expect, it } from 'vitest';
import {
  checkModelSummary,
  checkValueSketch,
  MAX_BUCKETS,
  MIN_SUMMARY_PREDICTIONS,
  type ModelSummary,
  Moments,
  mergeSummaries,
  RELATIVE_ACCURACY,
  ValueSketch,
} from '../src/index.js';

const DATA: Record<string, number[]> = (() => {
  const r = createRng(42);
  return {
    'lognormal latencies': Array.from({ length: 20_000 }, () => Math.exp(1 + 0.8 * sampleNormal(r))),
    'normal features around 0': Array.from({ length: 20_000 }, () => 3 * sampleNormal(r)),
    'pixels with exact zeros': Array.from({ length: 20_000 }, () => (r() < 0.6 ? 0 : r())),
    'softmax scores near 1': Array.from({ length: 5_000 }, () => 1 - r() ** 4 * 0.3),
  };
})();
const QS = [0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1];
const sketchOf = (xs: readonly number[]) => {
  const s = new ValueSketch();
  for (const x of xs) s.add(x);
  return s;
};
const exactQuantile = (sorted: readonly number[], q: number) =>
  sorted[Math.floor(q * (sorted.length - 1))] as number;

describe('ValueSketch', () => {
  for (const [name, xs] of Object.entries(DATA)) {
    it(`keeps every quantile within ${RELATIVE_ACCURACY * 100}% of the exact one: ${name}`, () => {
      const sorted = [...xs].sort((a, b) => a - b);
      const s = sketchOf(xs);
      expect(s.count).toBe(xs.length);
      for (const q of QS) {
        const exact = exactQuantile(sorted, q);
        expect(Math.abs(s.quantile(q) - exact)).toBeLessThanOrEqual(
          RELATIVE_ACCURACY * Math.abs(exact) + 1e-9,
        );
      }
      expect(s.quantile(0)).toBe(sorted[0]);
      expect(s.quantile(1)).toBe(sorted[sorted.length - 1]);
    });
  }

  it('merges associatively and commutatively into exactly the sketch of all the values', () => {
    const xs = DATA['normal features around 0'] as number[];
    const [a, b, c] = [xs.slice(0, 5000), xs.slice(5000, 12_000), xs.slice(12_000)].map(sketchOf) as [
      ValueSketch,
      ValueSketch,
      ValueSketch,
    ];
    const whole = sketchOf(xs).toJSON();
    const copy = (s: ValueSketch) => ValueSketch.fromJSON(s.toJSON());
    const left = copy(a).merge(b).merge(c).toJSON();
    const right = copy(a).merge(copy(b).merge(c)).toJSON();
    const shuffled = copy(c).merge(a).merge(b).toJSON();
    for (const merged of [left, right, shuffled]) {
      const { sum, ...buckets } = merged;
      const { sum: wholeSum, ...wholeBuckets } = whole;
      expect(buckets).toEqual(wholeBuckets);
      // Float sums agree to rounding only.
      expect(sum).toBeCloseTo(wholeSum, 8);
    }
  });

  it('past MAX_BUCKETS folds the smallest magnitudes, the same whatever the merge order', () => {
    const r = createRng(7);
    // Magnitudes from 1e-8 to 1e30 need ~4,400 buckets: more than are kept.
    const xs = Array.from({ length: 30_000 }, () => 10 ** (-8 + 38 * r()));
    const parts = [xs.slice(0, 10_000), xs.slice(10_000, 20_000), xs.slice(20_000)].map(sketchOf);
    const all = sketchOf(xs).toJSON();
    expect(all.positive.counts.length).toBeLessThanOrEqual(MAX_BUCKETS);
    const merged = ValueSketch.fromJSON((parts[2] as ValueSketch).toJSON())
      .merge(parts[0] as ValueSketch)
      .merge(parts[1] as ValueSketch)
      .toJSON();
    expect(merged.positive).toEqual(all.positive);
    // Magnitudes above the folded ones (above ~1e12.3 here, the top 2,048 buckets) keep their accuracy.
    const sorted = [...xs].sort((a, b) => a - b);
    const s = ValueSketch.fromJSON(all);
    for (const q of [0.6, 0.9, 0.99])
      expect(Math.abs(s.quantile(q) / exactQuantile(sorted, q) - 1)).toBeLessThanOrEqual(RELATIVE_ACCURACY);
  });

  it('skips NaN and infinities, survives its wire form, and answers NaN when empty', () => {
    const s = sketchOf([1, Number.NaN, -2, Number.POSITIVE_INFINITY, 0, 3]);
    expect(s.count).toBe(4);
    const back = ValueSketch.fromJSON(JSON.parse(JSON.stringify(s.toJSON())));
    expect(back.toJSON()).toEqual(s.toJSON());
    expect(back.weighted().weights).toEqual([1, 1, 1, 1]);
    expect(new ValueSketch().quantile(0.5)).toBeNaN();
    expect(checkValueSketch(s.toJSON())).toBeUndefined();
  });

  it('refuses a malformed wire form, naming the field', () => {
    const good = sketchOf([1, 2, 3]).toJSON();
    expect(checkValueSketch({ ...good, count: 4 })).toEqual(['count', "must equal the buckets' total (3)"]);
    expect(checkValueSketch({ ...good, positive: { offset: 0, counts: [-1] } })?.[0]).toBe('positive.counts');
    expect(checkValueSketch({ ...good, min: Number.NaN })?.[0]).toBe('min');
    expect(checkValueSketch({ ...good, negative: { offset: 0.5, counts: [] } })?.[0]).toBe('negative.offset');
    expect(checkValueSketch(null)).toEqual(['', 'must be an object']);
  });
});

describe('Moments', () => {
  it('merges to the mean and variance of all the values', () => {
    const xs = DATA['normal features around 0'] as number[];
    const direct = new Moments();
    for (const x of xs) direct.add(x);
    const parts = [xs.slice(0, 3000), xs.slice(3000, 9000), xs.slice(9000)].map((p) => {
      const m = new Moments();
      for (const x of p) m.add(x);
      return m;
    });
    const merged = Moments.fromJSON((parts[2] as Moments).toJSON())
      .merge(parts[0] as Moments)
      .merge(parts[1] as Moments);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
    for (const m of [direct, merged]) {
      expect(m.count).toBe(xs.length);
      expect(m.mean).toBeCloseTo(mean, 10);
      expect(m.variance / variance).toBeCloseTo(1, 10);
    }
    expect(new Moments().variance).toBeNaN();
  });
});

describe('model summaries', () => {
  const summaryOf = (xs: readonly number[], classes: number[]): ModelSummary => {
    const m = new Moments();
    for (const x of xs) m.add(x);
    return {
      predictions: xs.length,
      inputs: { pixels: { moments: m.toJSON(), sketch: sketchOf(xs).toJSON() } },
      outputs: { probabilities: { classes, values: sketchOf(xs.map((x) => Math.abs(x) / 10)).toJSON() } },
    };
  };
  const xs = DATA['pixels with exact zeros'] as number[];
  const a = summaryOf(xs.slice(0, 100), [5, 0, 3]);
  const b = summaryOf(xs.slice(100, 300), [1, 2]);
  const c = summaryOf(xs.slice(300, 400), [0, 0, 0, 9]);

  it('merge associatively: class counts and sketches exactly, moments to rounding', () => {
    const left = mergeSummaries(mergeSummaries(a, b), c);
    const right = mergeSummaries(a, mergeSummaries(b, c));
    expect(left.predictions).toBe(400);
    expect(left.outputs.probabilities?.classes).toEqual([6, 2, 3, 9]);
    expect(right.outputs).toEqual(left.outputs);
    expect(right.inputs.pixels?.sketch.positive).toEqual(left.inputs.pixels?.sketch.positive);
    expect(right.inputs.pixels?.moments.mean).toBeCloseTo(left.inputs.pixels?.moments.mean as number, 12);
    // The inputs of the merge are left as they were.
    expect(a.predictions).toBe(100);
  });

  it('are refused below the minimum count or when malformed, with the field at fault', () => {
    expect(checkModelSummary(a)).toBeUndefined();
    expect(checkModelSummary({ ...a, predictions: MIN_SUMMARY_PREDICTIONS - 1 })?.[0]).toBe('predictions');
    expect(checkModelSummary({ ...a, outputs: { 'bad name!': { classes: [1] } } })?.[0]).toBe(
      'outputs.bad name!',
    );
    expect(checkModelSummary({ ...a, outputs: { p: {} } })).toEqual([
      'outputs.p',
      'must have classes or values',
    ]);
    expect(checkModelSummary({ ...a, outputs: { p: { classes: [1.5] } } })?.[0]).toBe('outputs.p.classes');
    const broken = {
      ...a,
      inputs: { pixels: { moments: { count: 1, mean: 0, m2: -1 }, sketch: a.inputs.pixels?.sketch } },
    };
    expect(checkModelSummary(broken)?.[0]).toBe('inputs.pixels.moments.m2');
  });
});

describe('SummaryBuilder', () => {
  it('counts argmax classes per row, sketches top scores, inputs and raw values, then starts over', async () => {
    const { SummaryBuilder } = await import('../src/index.js');
    const b = new SummaryBuilder({ inputs: ['x'], outputs: { probs: 'classes', logits: 'values' } });
    b.addInputs({ x: { data: new Float32Array([0, 0.5, 1, 0]), dims: [2, 2] } });
    b.addOutputs(
      {
        probs: { data: new Float32Array([0.1, 0.7, 0.2, 0.6, 0.3, 0.1]), dims: [2, 3] },
        logits: { data: [1, -1], dims: [2] },
        ignored: { data: [5], dims: [1] },
      },
      2,
    );
    const s = b.build();
    expect(s.predictions).toBe(2);
    expect(s.outputs.probs?.classes).toEqual([1, 1, 0]);
    expect(ValueSketch.fromJSON(s.outputs.probs?.values as never).quantile(1)).toBeCloseTo(0.7, 6);
    expect(s.outputs.logits?.values?.count).toBe(2);
    expect(s.inputs.x?.moments).toEqual({ count: 4, mean: 0.375, m2: expect.closeTo(0.6875, 12) });
    expect(Object.keys(s.outputs)).toEqual(['probs', 'logits']);
    b.reset();
    expect(b.build()).toEqual({ predictions: 0, inputs: {}, outputs: {} });
  });
});

describe('ValueSketch bucket boundaries', () => {
  it('puts 1 mid-bucket, so scores that round to either side of it count the same', () => {
    const a = new ValueSketch();
    const b = new ValueSketch();
    for (const x of [0.99999994, 1, 0.9999999]) a.add(x);
    for (const x of [1.0000001, 1, 1.0000002]) b.add(x);
    expect(a.toJSON().positive).toEqual(b.toJSON().positive);
    expect(a.toJSON().positive.counts).toEqual([3]);
  });
});
