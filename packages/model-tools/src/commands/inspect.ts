import { inspectOnnx } from '../onnx/index.js';
import { inspectTflite } from '../tflite/index.js';
import { parseCommandArgs } from './args.js';
import { type FileFormat, readInput, sniffFormat } from './read-model.js';

export const inspectUsage = 'inspect <model.onnx|model.tflite> [--json]';

export interface TensorInfo {
  name: string;
  dtype: string;
  shape: (number | string)[];
}

export interface ModelInfo {
  format: FileFormat;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  opHistogram: Record<string, number>;
  parameterCount: number;
  bytes: number;
}

export function inspectModel(bytes: Uint8Array, format: FileFormat): ModelInfo {
  return format === 'onnx' ? inspectOnnx(bytes) : inspectTflite(bytes);
}

function formatShape(shape: (number | string)[]): string {
  return `[${shape.map((d) => (typeof d === 'number' && d < 0 ? '?' : String(d))).join(', ')}]`;
}

export async function inspectCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs('inspect', argv, { json: { type: 'boolean' } }, ['model']);
  const path = positionals[0]!;
  const bytes = await readInput(path);
  const info = inspectModel(bytes, sniffFormat(bytes, path));
  if (values.json) {
    console.log(JSON.stringify(info, null, 2));
    return;
  }
  const lines = [
    `${path}: ${info.format}, ${info.bytes.toLocaleString('en')} bytes, ${info.parameterCount.toLocaleString('en')} parameters`,
    'inputs:',
    ...info.inputs.map((t) => `  ${t.name}  ${t.dtype}  ${formatShape(t.shape)}`),
    'outputs:',
    ...info.outputs.map((t) => `  ${t.name}  ${t.dtype}  ${formatShape(t.shape)}`),
    'ops:',
    ...Object.entries(info.opHistogram)
      .sort((a, b) => b[1] - a[1])
      .map(([op, n]) => `  ${op.padEnd(24)} ${n}`),
  ];
  console.log(lines.join('\n'));
}
