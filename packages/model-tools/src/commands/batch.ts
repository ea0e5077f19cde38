import { readFile, writeFile } from 'node:fs/promises';
import { parseNumericCsv, toCsvLine } from '../batch/csv.js';
import { createProgressBar } from '../batch/progress-bar.js';
import { argmax, runBatch } from '../batch/run-batch.js';
import { ModelToolsError } from '../errors.js';
import { numberOption, parseCommandArgs } from './args.js';
import { readInput, sniffFormat } from './read-model.js';

export const batchUsage =
  'batch <model.onnx> <data.csv> --out <preds.csv> [--batch-size 256] [--input NAME] [--output NAME]';

export async function batchCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs(
    'batch',
    argv,
    {
      out: { type: 'string' },
      'batch-size': { type: 'string' },
      input: { type: 'string' },
      output: { type: 'string' },
    },
    ['model.onnx', 'data.csv'],
  );
  const [modelPath, dataPath] = positionals as [string, string];
  if (typeof values.out !== 'string')
    throw new ModelToolsError('BAD_ARGUMENT', 'batch needs --out <preds.csv>');
  const modelBytes = await readInput(modelPath);
  if (sniffFormat(modelBytes, modelPath) !== 'onnx') {
    throw new ModelToolsError(
      'UNSUPPORTED',
      'batch runs ONNX models; convert or pass the ONNX twin of this model',
    );
  }
  let text: string;
  try {
    text = await readFile(dataPath, 'utf8');
  } catch {
    throw new ModelToolsError('BAD_ARGUMENT', `${dataPath}: cannot read the data file`);
  }
  const table = parseNumericCsv(text, dataPath);
  const bar = createProgressBar(table.rows.length, 'batch');
  const result = await runBatch(modelBytes, table.rows, {
    batchSize: numberOption('batch-size', values['batch-size'], 256, [1, 1_000_000]),
    ...(typeof values.input === 'string' ? { inputName: values.input } : {}),
    ...(typeof values.output === 'string' ? { outputName: values.output } : {}),
    onProgress: (done) => bar.update(done),
  });
  const width = result.outputs[0]?.length ?? 0;
  const lines = [
    toCsvLine(['row', 'argmax', ...Array.from({ length: width }, (_, i) => `${result.outputName}_${i}`)]),
  ];
  result.outputs.forEach((out, i) => {
    lines.push(toCsvLine([i, argmax(out), ...Array.from(out, (v) => Number(v.toPrecision(7)))]));
  });
  await writeFile(values.out, `${lines.join('\n')}\n`);
  const rate = Math.round(table.rows.length / Math.max(result.seconds, 1e-9));
  const { runtime } = result;
  console.log(
    `wrote ${table.rows.length} predictions to ${values.out} (${result.seconds.toFixed(2)} s, ${rate} rows/s)`,
  );
  console.log(`runtime: ${runtime.name} ${runtime.version} (${runtime.reason})`);
}
