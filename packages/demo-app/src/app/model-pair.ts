import type { Edgewise, Model, ModelDescription } from '@edgewise/sdk';
import { exclusive } from './exclusive.js';
import { RollingMedian } from './latency.js';

/** One side of the fp32 / int8 comparison: a loaded model and its recent latencies. */
export interface Side {
  label: string;
  model: Model;
  latency: RollingMedian;
  description: ModelDescription;
}

export interface SideResult {
  side: Side;
  probabilities: Float32Array;
  ms: number;
}

/**
 * The same model loaded twice — the fp32 base file and the int8 variant — so every input is run on
 * both and the difference in answers and latency is visible. Both run on WASM so that precision is
 * the only difference: int8 has no WebGPU kernel (MatMulInteger), and for models this small the
 * cost of a GPU round trip outweighs its speed. The Model panel shows the automatic choice.
 */
export async function loadPair(ew: Edgewise, name: string): Promise<Side[]> {
  const specs = [
    { label: 'fp32', variant: 'base' },
    { label: 'int8', variant: 'int8' },
  ];
  const sides: Side[] = [];
  for (const spec of specs) {
    const model = await exclusive(() => ew.load(name, { variant: spec.variant, backends: ['wasm'] }));
    sides.push({ label: spec.label, model, latency: new RollingMedian(20), description: model.describe() });
  }
  return sides;
}

/** Runs one input on every side, one after the other so the timings do not compete for cores. */
export function predictAll(sides: Side[], input: Float32Array): Promise<SideResult[]> {
  return exclusive(() => predictEach(sides, input));
}

async function predictEach(sides: Side[], input: Float32Array): Promise<SideResult[]> {
  const results: SideResult[] = [];
  for (const side of sides) {
    const started = performance.now();
    // A copy per side: the SDK transfers the input buffer to the worker.
    const out = await side.model.predict({ input: input.slice() });
    const ms = performance.now() - started;
    side.latency.add(ms);
    const probabilities = out.probabilities?.data;
    if (!(probabilities instanceof Float32Array)) {
      throw new Error(`${side.label} model returned no float "probabilities" output`);
    }
    results.push({ side, probabilities, ms });
  }
  return results;
}
