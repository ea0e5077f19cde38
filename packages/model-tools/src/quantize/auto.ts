import { ModelToolsError } from '../errors.js';
import type { CalibrationFeed } from './calibrate.js';
import { quantizeDynamicInt8 } from './dynamic-int8.js';
import { convertFloat16 } from './float16.js';
import { quantizeInt4 } from './int4.js';
import { classWidths, compareOutputs, type Measurement, measureModel, type OutputError } from './measure.js';
import { quantizeQdqInt8 } from './qdq-int8.js';
import type { QuantizeSummary } from './quantize-summary.js';

export const QUANTIZE_MODES = ['dynamic-int8', 'qdq-int8', 'int4', 'fp16'] as const;
export type QuantizeMode = (typeof QUANTIZE_MODES)[number];

/** One mode's result: what it wrote and what that achieved against fp32 on the same inputs. */
export interface ModeResult {
  mode: QuantizeMode;
  summary: QuantizeSummary;
  sizeRatio: number;
  /** Quantized median latency / fp32 median latency (WASM, one thread): above 1 is slower. */
  speedRatio?: number;
  medianMs?: number;
  error?: OutputError;
  /** Why it was not measured or not kept. */
  problem?: string;
}

export interface AutoOptions {
  /** Examples to measure error (and calibrate qdq-int8) on; qdq-int8 is tried only when given. */
  feeds: readonly CalibrationFeed[];
  /** Largest relative L2 error a kept mode may have. Default 0.05. */
  maxError?: number;
  /** For classifiers: smallest top-1 agreement a kept mode may have (replaces maxError). */
  minTop1?: number;
  /** Timed runs per model (median). Default 5. */
  runs?: number;
  modes?: readonly QuantizeMode[];
  /** fp32 measurement when the caller already has it. */
  reference?: Measurement;
}

export interface AutoSummary {
  fp32Ms: number;
  results: ModeResult[];
  chosen: ModeResult;
}

/** Runs one quantizer with the settings auto uses: per-channel int8 weights, 32-value int4 blocks. */
export async function runQuantizeMode(
  mode: QuantizeMode,
  bytes: Uint8Array,
  feeds: readonly CalibrationFeed[],
): Promise<QuantizeSummary> {
  if (mode === 'dynamic-int8') return quantizeDynamicInt8(bytes, { perChannel: true });
  if (mode === 'qdq-int8') return quantizeQdqInt8(bytes, { calibration: feeds, perChannel: true });
  if (mode === 'int4') return quantizeInt4(bytes, { blockSize: 32 });
  const converted = convertFloat16(bytes);
  return {
    bytes: converted.bytes,
    quantizedNodes: converted.convertedInitializers,
    skippedNodes: converted.keptFloat32,
    notes: converted.notes,
  };
}

/** Measures a quantized model against the fp32 reference; a failure to run becomes `problem`. */
export async function evaluateMode(
  mode: QuantizeMode,
  float: Uint8Array,
  summary: QuantizeSummary,
  feeds: readonly CalibrationFeed[],
  reference: Measurement,
  runs: number,
): Promise<ModeResult> {
  const result: ModeResult = { mode, summary, sizeRatio: summary.bytes.byteLength / float.byteLength };
  if (summary.quantizedNodes.length === 0) return { ...result, problem: 'quantized nothing' };
  try {
    const measured = await measureModel(summary.bytes, feeds, runs);
    result.medianMs = measured.medianMs;
    result.speedRatio = measured.medianMs / reference.medianMs;
    result.error = compareOutputs(reference, measured, classWidths(float));
  } catch (error) {
    if (!(error instanceof ModelToolsError)) throw error;
    result.problem = `not measured: ${error.message}`;
  }
  return result;
}

function withinTolerance(result: ModeResult, options: AutoOptions): boolean {
  if (!result.error) return false;
  if (options.minTop1 !== undefined && result.error.top1 !== undefined)
    return result.error.top1 >= options.minTop1;
  return result.error.relative <= (options.maxError ?? 0.05);
}

/**
 * Tries each applicable mode, measures size, speed (onnxruntime-web WASM, one thread, median) and error
 * against fp32 on `feeds`, and keeps the fastest within tolerance. Smaller is not enough: on WASM,
 * dynamic int8 Conv (ConvInteger) is slower than fp32 Conv, so a mode must earn its place by measurement.
 * Throws UNSUPPORTED when no mode quantized anything within tolerance.
 */
export async function quantizeAuto(bytes: Uint8Array, options: AutoOptions): Promise<AutoSummary> {
  if (options.feeds.length === 0) {
    throw new ModelToolsError(
      'BAD_ARGUMENT',
      'auto needs example inputs to measure error on (--calibration)',
    );
  }
  const runs = options.runs ?? 5;
  const reference = options.reference ?? (await measureModel(bytes, options.feeds, runs));
  const results: ModeResult[] = [];
  for (const mode of options.modes ?? QUANTIZE_MODES) {
    let summary: QuantizeSummary;
    try {
      summary = await runQuantizeMode(mode, bytes, options.feeds);
    } catch (error) {
      if (!(error instanceof ModelToolsError)) throw error;
      results.push({ mode, summary: emptySummary(bytes), sizeRatio: 1, problem: error.message });
      continue;
    }
    results.push(await evaluateMode(mode, bytes, summary, options.feeds, reference, runs));
  }
  const kept = results.filter((r) => !r.problem && withinTolerance(r, options));
  for (const r of results) {
    if (!r.problem && !kept.includes(r)) r.problem = 'error above tolerance';
  }
  const chosen = kept.sort(
    (a, b) => (a.speedRatio ?? 9) - (b.speedRatio ?? 9) || a.sizeRatio - b.sizeRatio,
  )[0];
  if (!chosen) {
    throw new ModelToolsError(
      'UNSUPPORTED',
      `no mode quantized this model within tolerance (${results.map((r) => `${r.mode}: ${r.problem}`).join('; ')}); ` +
        'raise --max-error, or give more representative --calibration inputs',
    );
  }
  return { fp32Ms: reference.medianMs, results, chosen };
}

function emptySummary(bytes: Uint8Array): QuantizeSummary {
  return { bytes, quantizedNodes: [], skippedNodes: [], notes: [] };
}

/** The table `--mode auto` prints, one row per mode, the chosen one marked. */
export function formatModeTable(fp32Ms: number, results: readonly ModeResult[], chosen?: ModeResult): string {
  const rows = [['mode', 'nodes', 'size', 'speed', 'ms', 'rel.err', 'top-1', 'note']];
  rows.push(['fp32', '-', '1.000×', '1.00×', fp32Ms.toFixed(1), '0', '-', '']);
  for (const r of results) {
    rows.push([
      `${r === chosen ? '* ' : ''}${r.mode}`,
      String(r.summary.quantizedNodes.length),
      `${r.sizeRatio.toFixed(3)}×`,
      r.speedRatio === undefined ? '-' : `${r.speedRatio.toFixed(2)}×`,
      r.medianMs === undefined ? '-' : r.medianMs.toFixed(1),
      r.error ? r.error.relative.toExponential(1) : '-',
      r.error?.top1 === undefined ? '-' : `${(r.error.top1 * 100).toFixed(1)}%`,
      r.problem ?? (r.speedRatio !== undefined && r.speedRatio > 1 ? 'slower than fp32' : ''),
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
