import { readFile, writeFile } from 'node:fs/promises';
import { parseNumericCsv } from '../batch/csv.js';
import { ModelToolsError } from '../errors.js';
import { decodeOnnx, validateOps } from '../onnx/index.js';
import { convertFloat16, quantizeDynamicInt8, quantizeInt4, quantizeQdqInt8 } from '../quantize/index.js';
import { numberOption, parseCommandArgs } from './args.js';
import { readInput, sniffFormat } from './read-model.js';

export const quantizeUsage =
  'quantize <in.onnx> <out.onnx> --mode dynamic-int8|qdq-int8|int4|fp16 [--per-channel] [--block-size 32] ' +
  '[--calibration data.csv (qdq-int8: rows of the first input)] [--weight-only] ' +
  '[--keep-float32 node,node (fp16: nodes left in float32)]';

const MODES = ['dynamic-int8', 'qdq-int8', 'int4', 'fp16'] as const;
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
    },
    ['in.onnx', 'out.onnx'],
  );
  const [inPath, outPath] = positionals as [string, string];
  const mode = values.mode as Mode | undefined;
  if (!mode || !MODES.includes(mode)) {
    throw new ModelToolsError('BAD_ARGUMENT', `--mode must be one of ${MODES.join(', ')}`);
  }
  const bytes = await readInput(inPath);
  if (sniffFormat(bytes, inPath) !== 'onnx') {
    throw new ModelToolsError(
      'UNSUPPORTED',
      'quantize takes ONNX models; TFLite variants are written by the models/ build',
    );
  }
  validateOps(decodeOnnx(bytes));
  const perChannel = values['per-channel'] === true;

  let result: {
    bytes: Uint8Array;
    quantizedNodes: string[];
    skippedNodes: { name: string; reason: string }[];
  };
  if (mode === 'fp16') {
    const keepNodes = typeof values['keep-float32'] === 'string' ? values['keep-float32'].split(',') : [];
    const converted = convertFloat16(bytes, { keepNodes: keepNodes.map((n) => n.trim()).filter(Boolean) });
    result = {
      bytes: converted.bytes,
      quantizedNodes: converted.convertedInitializers,
      skippedNodes: converted.keptFloat32,
    };
    for (const note of converted.notes) console.log(`  ${note}`);
  } else if (mode === 'dynamic-int8') {
    result = await quantizeDynamicInt8(bytes, { perChannel });
  } else if (mode === 'int4') {
    result = await quantizeInt4(bytes, {
      blockSize: numberOption('block-size', values['block-size'], 32, [16, 256]),
    });
  } else {
    const weightOnly = values['weight-only'] === true;
    if (!weightOnly && typeof values.calibration !== 'string') {
      throw new ModelToolsError(
        'BAD_ARGUMENT',
        'qdq-int8 needs --calibration <data.csv> (representative rows of the first input), or --weight-only',
      );
    }
    const calibration =
      typeof values.calibration === 'string' ? await calibrationFeeds(bytes, values.calibration) : [];
    result = await quantizeQdqInt8(bytes, { calibration, perChannel, weightOnly });
  }
  await writeFile(outPath, result.bytes);
  const ratio = result.bytes.byteLength / bytes.byteLength;
  console.log(
    `${mode}: ${bytes.byteLength.toLocaleString('en')} → ${result.bytes.byteLength.toLocaleString('en')} bytes (${ratio.toFixed(3)}×), ` +
      (mode === 'fp16'
        ? `${result.quantizedNodes.length} tensor(s) stored as float16, ${result.skippedNodes.length} node(s) kept in float32`
        : `${result.quantizedNodes.length} node(s) quantized, ${result.skippedNodes.length} kept in float`),
  );
  for (const skipped of result.skippedNodes.slice(0, 20))
    console.log(`  kept ${skipped.name}: ${skipped.reason}`);
}

async function calibrationFeeds(modelBytes: Uint8Array, csvPath: string) {
  const model = decodeOnnx(modelBytes);
  const input = model.graph?.input?.[0];
  if (!input?.name) throw new ModelToolsError('UNSUPPORTED', 'the model has no graph input to calibrate');
  const table = parseNumericCsv(await readFile(csvPath, 'utf8'), csvPath);
  return table.rows.map((row) => ({ [input.name as string]: row }));
}
