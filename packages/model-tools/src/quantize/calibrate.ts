import * as ort from 'onnxruntime-web';
import { ModelToolsError } from '../errors.js';
import { decodeOnnx, encodeOnnx } from '../onnx/codec.js';
import { DataType, type ModelProto, type ValueInfoProto } from '../onnx/proto.js';
import { openOnnxSession } from '../onnx/run-onnx.js';
import { toNumber } from '../onnx/tensor.js';

type FeedArray = Float32Array | Int32Array | BigInt64Array | Uint8Array | Int8Array;

/** One input value: a typed array shaped from the model's input (one dynamic dim inferred), or data + dims. */
export type CalibrationValue = FeedArray | { data: FeedArray; dims: readonly number[] };

/** One example: a value for each graph input, by name. */
export type CalibrationFeed = Record<string, CalibrationValue>;

export interface ValueRange {
  min: number;
  max: number;
}

/**
 * Shape for a bare typed array: the input's declared dims, its last unknown dim inferred from the length
 * and any other unknown dim (a batch, usually) taken as 1.
 */
function shapeFor(input: ValueInfoProto, length: number): number[] {
  const declared = (input.type?.tensorType?.shape?.dim ?? []).map((d) =>
    d.dimValue ? toNumber(d.dimValue) : -1,
  );
  const inferred = declared.lastIndexOf(-1);
  const dims = declared.map((d, i) => (d >= 0 || i === inferred ? d : 1));
  const known = dims.filter((d) => d >= 0).reduce((n, d) => n * d, 1);
  const fits = inferred < 0 ? known === length : known > 0 && length % known === 0 && length > 0;
  if (!fits) {
    throw new ModelToolsError(
      'BAD_ARGUMENT',
      `calibration value for "${input.name}" has ${length} numbers, which does not fit its shape ` +
        `[${declared.map((d) => (d < 0 ? '?' : d)).join(', ')}]; pass { data, dims } to give the shape`,
    );
  }
  return dims.map((d) => (d < 0 ? length / known : d));
}

export function toTensor(input: ValueInfoProto, value: CalibrationValue): ort.Tensor {
  if (ArrayBuffer.isView(value)) return new ort.Tensor(value, shapeFor(input, value.length));
  return new ort.Tensor(value.data, [...value.dims]);
}

function widen(ranges: Map<string, ValueRange>, name: string, data: ArrayLike<number>): void {
  const range = ranges.get(name) ?? { min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY };
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < range.min) range.min = v;
    if (v > range.max) range.max = v;
  }
  ranges.set(name, range);
}

/**
 * Min/max of the named float tensors over the calibration feeds (onnxruntime's MinMax calibration):
 * runs the float model in onnxruntime-web with those tensors added as graph outputs. Only names of the
 * top-level graph can be observed this way.
 */
export async function calibrateRanges(
  model: ModelProto,
  names: readonly string[],
  feeds: readonly CalibrationFeed[],
): Promise<Map<string, ValueRange>> {
  const probe = decodeOnnx(encodeOnnx(model));
  const graph = probe.graph!;
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  const inputs = (graph.input ?? []).filter((i) => !initializers.has(i.name));
  const inputNames = new Set(inputs.map((i) => i.name));
  const outputs = new Set((graph.output ?? []).map((o) => o.name));
  const fetched = names.filter((n) => !inputNames.has(n));
  for (const name of fetched) {
    if (!outputs.has(name))
      graph.output = [...(graph.output ?? []), { name, type: { tensorType: { elemType: DataType.FLOAT } } }];
  }
  const session = await openOnnxSession(encodeOnnx(probe), 'the model for calibration');
  const ranges = new Map<string, ValueRange>();
  try {
    for (const [index, feed] of feeds.entries()) {
      const tensors: Record<string, ort.Tensor> = {};
      for (const input of inputs) {
        const value = feed[input.name ?? ''];
        if (!value) {
          throw new ModelToolsError(
            'BAD_ARGUMENT',
            `calibration example ${index} has no value for input "${input.name}"`,
          );
        }
        tensors[input.name!] = toTensor(input, value);
      }
      for (const name of names) {
        if (inputNames.has(name)) widen(ranges, name, tensors[name]!.data as Float32Array);
      }
      if (fetched.length === 0) continue;
      const results = await session.run(tensors, fetched);
      for (const name of fetched) widen(ranges, name, results[name]!.data as Float32Array);
    }
  } finally {
    await session.release();
  }
  return ranges;
}
