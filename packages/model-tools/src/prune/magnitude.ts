import { ModelToolsError } from '../errors.js';
import { decodeOnnx, encodeOnnx } from '../onnx/codec.js';
import type { TensorProto } from '../onnx/proto.js';
import { makeTensor } from '../onnx/tensor.js';
import { findWeightSites, type SiteSearch, type SkippedNode } from '../onnx/weight-sites.js';
import { type CompressedSizes, compressedSizes } from './compressed-size.js';
import { polynomialSchedule } from './schedule.js';

export interface PruneOptions extends SiteSearch {
  /** Fraction of each weight tensor to zero, in [0, 1). */
  sparsity: number;
  /** 'constant' prunes to `sparsity` at once; 'polynomial' ramps up over `steps` (Zhu & Gupta 2017). */
  schedule?: 'constant' | 'polynomial';
  /** Steps of the polynomial schedule (default 10). */
  steps?: number;
  /** Brotli quality for the size report, 0–11 (default 9; 11 is ~40× slower). */
  brotliQuality?: number;
}

export interface PrunedTensor {
  name: string;
  size: number;
  sparsity: number;
}

export interface PruneReport {
  bytes: Uint8Array;
  requestedSparsity: number;
  /** Zeros over all weights of the pruned tensors. */
  actualSparsity: number;
  schedule: 'constant' | 'polynomial';
  /** The sparsity each step pruned to, in order (one entry for 'constant'). */
  stepSparsities: number[];
  tensors: PrunedTensor[];
  skippedNodes: SkippedNode[];
  sizes: { before: CompressedSizes; after: CompressedSizes };
}

function checkOptions(options: PruneOptions): void {
  const { sparsity, steps, schedule } = options;
  if (schedule !== undefined && schedule !== 'constant' && schedule !== 'polynomial') {
    throw new ModelToolsError(
      'BAD_ARGUMENT',
      `schedule must be 'constant' or 'polynomial', got '${schedule}'`,
    );
  }
  if (typeof sparsity !== 'number' || !(sparsity >= 0 && sparsity < 1)) {
    throw new ModelToolsError(
      'BAD_ARGUMENT',
      `sparsity must be at least 0 and below 1 (e.g. 0.5), got ${sparsity}`,
    );
  }
  if (steps !== undefined && (!Number.isInteger(steps) || steps < 1)) {
    throw new ModelToolsError('BAD_ARGUMENT', `steps must be a whole number ≥ 1, got ${steps}`);
  }
  const quality = options.brotliQuality;
  if (quality !== undefined && (!Number.isInteger(quality) || quality < 0 || quality > 11)) {
    throw new ModelToolsError(
      'BAD_ARGUMENT',
      `brotliQuality must be a whole number from 0 to 11, got ${quality}`,
    );
  }
}

/** Zeros the smallest-|w| values until `target` of them are zero; zeros already there count. */
function pruneTo(values: Float32Array, target: number): void {
  const count = Math.floor(target * values.length);
  if (count === 0) return;
  const magnitudes = Float32Array.from(values, Math.abs).sort();
  const threshold = magnitudes[count - 1]!;
  let below = 0;
  for (const m of magnitudes) if (m < threshold) below++;
  // Ties at the threshold: zero just enough of them, first come first served, to hit the count exactly.
  let tiesLeft = count - below;
  for (let i = 0; i < values.length; i++) {
    const m = Math.abs(values[i]!);
    if (m < threshold) values[i] = 0;
    else if (m === threshold && tiesLeft > 0) {
      values[i] = 0;
      tiesLeft--;
    }
  }
}

function zeros(values: Float32Array): number {
  let n = 0;
  for (const v of values) if (v === 0) n++;
  return n;
}

/**
 * Magnitude pruning of MatMul, Gemm and Conv weights (per tensor, in every graph). Without training in
 * between, the polynomial schedule ends where the constant one does; its per-step targets are reported
 * for a fine-tuning loop that applies them one at a time.
 *
 * @example
 * const report = pruneMagnitude(bytes, { sparsity: 0.5 });
 * console.log(report.actualSparsity, report.sizes.after.brotli / report.sizes.before.brotli);
 */
export function pruneMagnitude(bytes: Uint8Array, options: PruneOptions): PruneReport {
  checkOptions(options);
  const schedule = options.schedule ?? 'constant';
  const model = decodeOnnx(bytes);
  const { sites, skipped } = findWeightSites(model.graph!, options);
  const stepSparsities =
    schedule === 'polynomial'
      ? polynomialSchedule(options.sparsity, options.steps ?? 10)
      : [options.sparsity];
  const tensors: PrunedTensor[] = [];
  const seen = new Set<TensorProto>();
  let total = 0;
  let zeroed = 0;
  for (const site of sites) {
    const tensor = site.weight.tensor;
    if (seen.has(tensor)) continue;
    seen.add(tensor);
    const values = site.values.slice();
    for (const target of stepSparsities) pruneTo(values, target);
    const rewritten = makeTensor(tensor.name ?? '', site.dims, values);
    tensor.rawData = rewritten.rawData;
    tensor.floatData = [];
    const zeroCount = zeros(values);
    tensors.push({ name: site.weightName, size: values.length, sparsity: zeroCount / values.length });
    total += values.length;
    zeroed += zeroCount;
  }
  const pruned = encodeOnnx(model);
  return {
    bytes: pruned,
    requestedSparsity: options.sparsity,
    actualSparsity: total === 0 ? 0 : zeroed / total,
    schedule,
    stepSparsities,
    tensors,
    skippedNodes: skipped,
    sizes: {
      before: compressedSizes(bytes, options.brotliQuality),
      after: compressedSizes(pruned, options.brotliQuality),
    },
  };
}
