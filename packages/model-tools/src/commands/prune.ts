import { writeFile } from 'node:fs/promises';
import { ModelToolsError } from '../errors.js';
import { decodeOnnx, validateOps } from '../onnx/index.js';
import { pruneMagnitude } from '../prune/index.js';
import { numberOption, parseCommandArgs } from './args.js';
import { readInput, sniffFormat } from './read-model.js';

export const pruneUsage =
  'prune <in.onnx> <out.onnx> --sparsity 0.5 [--schedule constant|polynomial] [--steps 10]';

export async function pruneCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs(
    'prune',
    argv,
    { sparsity: { type: 'string' }, schedule: { type: 'string' }, steps: { type: 'string' } },
    ['in.onnx', 'out.onnx'],
  );
  const [inPath, outPath] = positionals as [string, string];
  if (values.sparsity === undefined)
    throw new ModelToolsError('BAD_ARGUMENT', 'prune needs --sparsity, e.g. 0.5');
  const sparsity = numberOption('sparsity', values.sparsity, 0.5, [0, 0.999]);
  const schedule = (values.schedule ?? 'constant') as 'constant' | 'polynomial';
  if (schedule !== 'constant' && schedule !== 'polynomial') {
    throw new ModelToolsError('BAD_ARGUMENT', '--schedule must be constant or polynomial');
  }
  const bytes = await readInput(inPath);
  if (sniffFormat(bytes, inPath) !== 'onnx')
    throw new ModelToolsError('UNSUPPORTED', 'prune takes ONNX models');
  validateOps(decodeOnnx(bytes));
  const report = pruneMagnitude(bytes, {
    sparsity,
    schedule,
    steps: numberOption('steps', values.steps, 10, [1, 1000]),
  });
  await writeFile(outPath, report.bytes);
  console.log(JSON.stringify({ ...report, bytes: report.bytes.byteLength }, null, 2));
}
