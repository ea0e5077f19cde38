import { readFile, writeFile } from 'node:fs/promises';
import { ModelToolsError } from '../errors.js';
import { decodeOnnx, validateOps } from '../onnx/index.js';
import { DataType } from '../onnx/proto.js';
import {
  evaluateMode,
  formatModeTable,
  type ModeResult,
  QUANTIZE_MODES,
  type QuantizeMode,
  quantizeAuto,
} from '../quantize/auto.js';
import type { CalibrationFeed } from '../quantize/calibrate.js';
import { parseCalibrationFile } from '../quantize/calibration-file.js';
import { convertFloat16, quantizeDynamicInt8, quantizeInt4, quantizeQdqInt8 } from '../quantize/index.js';
import { measureModel, syntheticFeed } from '../quantize/measure.js';
import type { QuantizeSummary } from '../quantize/quantize-summary.js';
import { numberOption, parseCommandArgs } from './args.js';
import { quantizeTfliteCommand } from './quantize-tflite.js';
import { readInput, sniffFormat } from './read-model.js';

export const quantizeUsage =
  'quantize <in.onnx|in.tflite> <out> --mode auto|dynamic-int8|qdq-int8|int4|fp16 [--per-channel] [--block-size 32] ' +
  '[--calibration data.csv|.npy|.json (examples to calibrate qdq-int8 and measure error on)] [--weight-only] ' +
  '[--max-error 0.05 (auto: largest relative error kept)] [--min-top1 0.99 (auto, classifiers)] ' +
  '[--keep-float32 node,node (fp16: nodes left in float32)]';

const MODES = ['auto', ...QUANTIZE_MODES] as const;
type Mode = (typeof MODES)[number];

export async function quantizeCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs(
    'quantize',
    argv,
    {
      mode: { type: 'string' },
      'per-channel': { type: 'boolean' },
      'block-size': { type: 'string' },
      calibration: { type: 'string' },
      'weight-only': { type: 'boolean' },
      'keep-float32': { type: 'string' },
      'max-error': { type: 'string' },
      'min-top1': { type: 'string' },
    },
    ['in.onnx', 'out.onnx'],
  );
  const [inPath, outPath] = positionals as [string, string];
  const mode = values.mode as Mode | undefined;
  if (!mode || !MODES.includes(mode)) {
    throw new ModelToolsError('BAD_ARGUMENT', `--mode must be one of ${MODES.join(', ')}`);
  }
  const bytes = await readInput(inPath);
  if (sniffFormat(bytes, inPath) === 'tflite') {
    return quantizeTfliteCommand(
      bytes,
      outPath,
      mode,
      typeof values.calibration === 'string' ? values.calibration : undefined,
    );
  }
  validateOps(decodeOnnx(bytes));
  const calibration =
    typeof values.calibration === 'string' ? await calibrationFeeds(bytes, values.calibration) : undefined;

  if (mode === 'auto') {
    const summary = await quantizeAuto(bytes, {
      feeds: calibration ?? [syntheticFeed(bytes)],
      maxError: numberOption('max-error', values['max-error'], 0.05, [0, 10]),
      minTop1:
        values['min-top1'] === undefined
          ? undefined
          : numberOption('min-top1', values['min-top1'], 0.99, [0, 1]),
      modes: QUANTIZE_MODES.filter((m) => m !== 'qdq-int8' || calibration),
    });
    if (!calibration)
      console.log('  no --calibration: error measured on one made-up input, qdq-int8 not tried');
    console.log(formatModeTable(summary.fp32Ms, summary.results, summary.chosen));
    await writeFile(outPath, summary.chosen.summary.bytes);
    console.log(`auto: kept ${summary.chosen.mode}, wrote ${outPath}`);
    return;
  }

  const result = await quantizeOne(mode, bytes, values, calibration);
  if (result.quantizedNodes.length === 0) {
    // A file that is the float model under another name would be shipped as "quantized"; refuse.
    throw new ModelToolsError(
      'UNSUPPORTED',
      `${mode} quantized no node (${result.skippedNodes.length} kept in float, e.g. ` +
        `${result.skippedNodes[0]?.reason ?? 'no MatMul, Gemm or Conv with constant weights'}); ` +
        `nothing was written: try --mode auto or another mode`,
    );
  }
  await writeFile(outPath, result.bytes);
  report(mode, bytes, result);
  const measured = await measure(mode, bytes, result, calibration);
  console.log(formatModeTable(measured.fp32Ms, [measured.result]));
  if (measured.result.speedRatio !== undefined && measured.result.speedRatio > 1) {
    console.log(
      `  warning: the ${mode} model is ${measured.result.speedRatio.toFixed(2)}× slower than fp32 on onnxruntime-web ` +
        'WASM (one thread); --mode auto picks the fastest mode within tolerance',
    );
  }
}

async function quantizeOne(
  mode: QuantizeMode,
  bytes: Uint8Array,
  values: Record<string, unknown>,
  calibration: CalibrationFeed[] | undefined,
): Promise<QuantizeSummary> {
  const perChannel = values['per-channel'] === true;
  if (mode === 'fp16') {
    const keepNodes = typeof values['keep-float32'] === 'string' ? values['keep-float32'].split(',') : [];
    const converted = convertFloat16(bytes, { keepNodes: keepNodes.map((n) => n.trim()).filter(Boolean) });
    return {
      bytes: converted.bytes,
      quantizedNodes: converted.convertedInitializers,
      skippedNodes: converted.keptFloat32,
      notes: converted.notes,
    };
  }
  if (mode === 'dynamic-int8') return quantizeDynamicInt8(bytes, { perChannel });
  if (mode === 'int4') {
    return quantizeInt4(bytes, {
      blockSize: numberOption('block-size', values['block-size'], 32, [16, 256]),
    });
  }
  const weightOnly = values['weight-only'] === true;
  if (!weightOnly && !calibration) {
    throw new ModelToolsError(
      'BAD_ARGUMENT',
      'qdq-int8 needs --calibration <data.csv|.npy|.json> (representative examples), or --weight-only',
    );
  }
  return quantizeQdqInt8(bytes, { calibration: calibration ?? [], perChannel, weightOnly });
}

function report(mode: QuantizeMode, bytes: Uint8Array, result: QuantizeSummary): void {
  const ratio = result.bytes.byteLength / bytes.byteLength;
  console.log(
    `${mode}: ${bytes.byteLength.toLocaleString('en')} → ${result.bytes.byteLength.toLocaleString('en')} bytes (${ratio.toFixed(3)}×), ` +
      (mode === 'fp16'
        ? `${result.quantizedNodes.length} tensor(s) stored as float16, ${result.skippedNodes.length} node(s) kept in float32`
        : `${result.quantizedNodes.length} node(s) quantized, ${result.skippedNodes.length} kept in float`),
  );
  for (const note of result.notes) console.log(`  ${note}`);
  for (const skipped of result.skippedNodes.slice(0, 20))
    console.log(`  kept ${skipped.name}: ${skipped.reason}`);
}

/** Speed and error against fp32 for a single mode; a model that cannot be run here is reported, not fatal. */
async function measure(
  mode: QuantizeMode,
  bytes: Uint8Array,
  result: QuantizeSummary,
  calibration: CalibrationFeed[] | undefined,
): Promise<{ fp32Ms: number; result: ModeResult }> {
  const feeds = calibration?.slice(0, 8) ?? [syntheticFeed(bytes)];
  try {
    const reference = await measureModel(bytes, feeds);
    return {
      fp32Ms: reference.medianMs,
      result: await evaluateMode(mode, bytes, result, feeds, reference, 5),
    };
  } catch (error) {
    if (!(error instanceof ModelToolsError)) throw error;
    const problem = `not measured: ${error.message}; pass --calibration with every input`;
    return {
      fp32Ms: Number.NaN,
      result: { mode, summary: result, sizeRatio: result.bytes.byteLength / bytes.byteLength, problem },
    };
  }
}

async function calibrationFeeds(modelBytes: Uint8Array, path: string): Promise<CalibrationFeed[]> {
  const graph = decodeOnnx(modelBytes).graph;
  const initializers = new Set((graph?.initializer ?? []).map((t) => t.name));
  const inputs = (graph?.input ?? []).filter((i) => !initializers.has(i.name));
  const first = inputs[0]?.name;
  if (!first) throw new ModelToolsError('UNSUPPORTED', 'the model has no graph input to calibrate');
  const int64 = new Set(
    inputs.filter((i) => i.type?.tensorType?.elemType === DataType.INT64).map((i) => i.name ?? ''),
  );
  return parseCalibrationFile(new Uint8Array(await readFile(path)), path, first, int64);
}
