import { type FeatureSummary, type ModelSummary, Moments, ValueSketch } from '@edgewise/protocol';

/** The moments and sketch of one input feature's values. */
export function featureOf(values: readonly number[]): FeatureSummary {
  const sketch = new ValueSketch();
  const moments = new Moments();
  for (const x of values) {
    sketch.add(x);
    moments.add(x);
  }
  return { moments: moments.toJSON(), sketch: sketch.toJSON() };
}

/**
 * A classifier's summary as a device sends one: its `pixels` input, its `probabilities` class counts
 * and, when given, a sketch of top scores. `predictions` defaults to the number of pixel values.
 */
export function pixelSummary(
  pixels: readonly number[],
  classes: number[],
  options: { predictions?: number; scores?: readonly number[] } = {},
): ModelSummary {
  const values = options.scores ? featureOf(options.scores).sketch : undefined;
  return {
    predictions: options.predictions ?? pixels.length,
    inputs: { pixels: featureOf(pixels) },
    outputs: { probabilities: { classes, ...(values ? { values } : {}) } },
  };
}
