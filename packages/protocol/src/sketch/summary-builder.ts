import type { ModelSummary } from './model-summary.js';
import { Moments } from './moments.js';
import { ValueSketch } from './value-sketch.js';

/** What to summarize of a model: which inputs (every element, one feature each) and which outputs how. */
export interface MonitorSpec {
  inputs?: readonly string[];
  /**
   * `classes`: a classifier's scores, one row per item along the last dimension; the argmax class
   * is counted and the top score sketched. `values`: every element sketched.
   */
  outputs?: Readonly<Record<string, 'classes' | 'values'>>;
}

/** A tensor as both the SDK and the tools hold one. */
export interface SummaryTensor {
  data: ArrayLike<number | bigint>;
  dims: readonly number[];
}

/**
 * Builds a {@link ModelSummary} prediction by prediction: the same code on the device (the SDK) and
 * at publish time (the baseline), so both sides bucket every value the same way.
 */
export class SummaryBuilder {
  private predictions = 0;
  private readonly inputs = new Map<string, { moments: Moments; sketch: ValueSketch }>();
  private readonly classes = new Map<string, number[]>();
  private readonly values = new Map<string, ValueSketch>();

  constructor(readonly spec: MonitorSpec) {}

  get count(): number {
    return this.predictions;
  }

  /** Adds the inputs of `items` predictions (read before they go to the runtime, which may take them). */
  addInputs(inputs: Readonly<Record<string, SummaryTensor>>): void {
    for (const name of this.spec.inputs ?? []) {
      const tensor = inputs[name];
      if (!tensor) continue;
      let entry = this.inputs.get(name);
      if (!entry) {
        entry = { moments: new Moments(), sketch: new ValueSketch() };
        this.inputs.set(name, entry);
      }
      const { data } = tensor;
      for (let i = 0; i < data.length; i++) {
        const x = Number(data[i]);
        entry.moments.add(x);
        entry.sketch.add(x);
      }
    }
  }

  /** Adds the outputs of `items` predictions, and counts them. */
  addOutputs(outputs: Readonly<Record<string, SummaryTensor>>, items: number): void {
    this.predictions += items;
    for (const [name, kind] of Object.entries(this.spec.outputs ?? {})) {
      const tensor = outputs[name];
      if (!tensor) continue;
      const { data, dims } = tensor;
      if (kind === 'values') {
        const sketch = this.sketchFor(name);
        for (let i = 0; i < data.length; i++) sketch.add(Number(data[i]));
        continue;
      }
      const width = dims.length > 0 ? (dims[dims.length - 1] as number) : data.length;
      if (!(width > 0)) continue;
      const counts = this.classes.get(name) ?? new Array<number>(width).fill(0);
      this.classes.set(name, counts);
      const top = this.sketchFor(name);
      for (let row = 0; row + width <= data.length; row += width) {
        let best = 0;
        let bestScore = Number(data[row]);
        for (let c = 1; c < width; c++) {
          const score = Number(data[row + c]);
          if (score > bestScore) {
            best = c;
            bestScore = score;
          }
        }
        counts[best] = (counts[best] ?? 0) + 1;
        top.add(bestScore);
      }
    }
  }

  private sketchFor(name: string): ValueSketch {
    let sketch = this.values.get(name);
    if (!sketch) {
      sketch = new ValueSketch();
      this.values.set(name, sketch);
    }
    return sketch;
  }

  /** The summary so far. */
  build(): ModelSummary {
    const summary: ModelSummary = { predictions: this.predictions, inputs: {}, outputs: {} };
    for (const [name, e] of this.inputs)
      summary.inputs[name] = { moments: e.moments.toJSON(), sketch: e.sketch.toJSON() };
    for (const name of Object.keys(this.spec.outputs ?? {})) {
      const classes = this.classes.get(name);
      const values = this.values.get(name);
      if (!classes && !values) continue;
      summary.outputs[name] = {
        ...(classes ? { classes: [...classes] } : {}),
        ...(values ? { values: values.toJSON() } : {}),
      };
    }
    return summary;
  }

  /** Starts over (after a summary was sent). */
  reset(): void {
    this.predictions = 0;
    this.inputs.clear();
    this.classes.clear();
    this.values.clear();
  }
}
