import { readFile, writeFile } from 'node:fs/promises';
import { parseNumericCsv } from '../batch/csv.js';
import { ModelToolsError } from '../errors.js';
import { computeBaseline, putBaseline } from '../publish/baseline.js';
import { numberOption, parseCommandArgs } from './args.js';
import { readInput, sniffFormat } from './read-model.js';

export const baselineUsage =
  'baseline <model.onnx> <data.csv> --name N --version V [--variant int8] [--output-kind classes|values] ' +
  '[--input NAME] [--output NAME] [--max-psi 0.25] [--max-ks 0.2] (--out baseline.json | --server URL --token T)';

/** The options `publish --baseline` shares with this command. */
export const BASELINE_OPTIONS = {
  variant: { type: 'string' },
  'output-kind': { type: 'string' },
  input: { type: 'string' },
  output: { type: 'string' },
  'max-psi': { type: 'string' },
  'max-ks': { type: 'string' },
} as const;

/** The drift thresholds the flags set for this file (the server's defaults otherwise). */
function thresholdsOf(values: Record<string, unknown>): { psi?: number; ks?: number } | undefined {
  const out: { psi?: number; ks?: number } = {};
  if (values['max-psi'] !== undefined)
    out.psi = numberOption('max-psi', values['max-psi'] as string, 0.25, [1e-6, 100]);
  if (values['max-ks'] !== undefined)
    out.ks = numberOption('max-ks', values['max-ks'] as string, 0.2, [1e-6, 1]);
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Runs the model over the CSV's rows and stores the summary as the version's baseline (drift is measured against it). */
export async function runBaseline(
  modelBytes: Uint8Array,
  modelPath: string,
  dataPath: string,
  values: Record<string, unknown>,
  target: { name: string; version: string },
  to: { out?: string; server?: string; token?: string },
): Promise<void> {
  if (sniffFormat(modelBytes, modelPath) !== 'onnx')
    throw new ModelToolsError(
      'UNSUPPORTED',
      'a baseline is computed with the ONNX file; pass the ONNX twin of this model',
    );
  const kind = values['output-kind'] ?? 'classes';
  if (kind !== 'classes' && kind !== 'values')
    throw new ModelToolsError('BAD_ARGUMENT', `--output-kind must be classes or values, got ${String(kind)}`);
  let text: string;
  try {
    text = await readFile(dataPath, 'utf8');
  } catch {
    throw new ModelToolsError('BAD_ARGUMENT', `${dataPath}: cannot read the baseline data`);
  }
  const { rows } = parseNumericCsv(text, dataPath);
  const { summary, inputName, outputName } = await computeBaseline(modelBytes, rows, {
    outputKind: kind,
    ...(typeof values.input === 'string' ? { inputName: values.input } : {}),
    ...(typeof values.output === 'string' ? { outputName: values.output } : {}),
  });
  const variant = typeof values.variant === 'string' ? values.variant : undefined;
  const thresholds = thresholdsOf(values);
  const what = `baseline of ${target.name}@${target.version}${variant ? ` (${variant})` : ''}: ${summary.predictions} rows, monitor { inputs: ['${inputName}'], outputs: { ${outputName}: '${kind}' } }`;
  if (to.server) {
    if (!to.token)
      throw new ModelToolsError(
        'BAD_ARGUMENT',
        'storing a baseline on a server needs --token (the admin token)',
      );
    await putBaseline(
      to.server,
      to.token,
      { ...target, ...(variant ? { variant } : {}) },
      summary,
      thresholds,
    );
    console.log(`stored the ${what} on ${to.server}`);
    return;
  }
  if (!to.out)
    throw new ModelToolsError(
      'BAD_ARGUMENT',
      'baseline needs --out <file.json> or --server <url> --token <token>',
    );
  await writeFile(
    to.out,
    `${JSON.stringify({ name: target.name, version: target.version, ...(variant ? { variant } : {}), ...(thresholds ? { thresholds } : {}), summary })}\n`,
  );
  console.log(`wrote the ${what} to ${to.out}`);
}

export async function baselineCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs(
    'baseline',
    argv,
    {
      name: { type: 'string' },
      version: { type: 'string' },
      out: { type: 'string' },
      server: { type: 'string' },
      token: { type: 'string' },
      ...BASELINE_OPTIONS,
    },
    ['model.onnx', 'data.csv'],
  );
  const [modelPath, dataPath] = positionals as [string, string];
  if (typeof values.name !== 'string' || typeof values.version !== 'string')
    throw new ModelToolsError('BAD_ARGUMENT', 'baseline needs --name and --version');
  await runBaseline(
    await readInput(modelPath),
    modelPath,
    dataPath,
    values,
    { name: values.name, version: values.version },
    {
      ...(typeof values.out === 'string' ? { out: values.out } : {}),
      ...(typeof values.server === 'string' ? { server: values.server } : {}),
      ...(typeof values.token === 'string' ? { token: values.token } : {}),
    },
  );
}
