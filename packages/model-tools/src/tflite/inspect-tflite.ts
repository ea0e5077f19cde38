import { readTflite, type TfliteQuantization, type TfliteTensor } from './read.js';
import { TENSOR_TYPE_NAMES } from './schema.js';

export interface TfliteTensorInfo {
  name: string;
  /** 'float32', 'int8', … (TENSOR_TYPE_NAMES). */
  dtype: string;
  /** Dynamic dimensions (from shape_signature) as -1. */
  shape: number[];
  quantization?: { scale: number[]; zeroPoint: number[]; quantizedDimension: number };
}

export interface TfliteModelInfo {
  format: 'tflite';
  /** Schema version (3 for every current file). */
  version: number;
  description: string;
  inputs: TfliteTensorInfo[];
  outputs: TfliteTensorInfo[];
  /** Operators per op name, over all subgraphs; custom ops by their custom name. */
  opHistogram: Record<string, number>;
  /** Elements of every tensor that has stored data (weights, biases, constants), in all subgraphs. */
  parameterCount: number;
  /** Size of the file. */
  bytes: number;
}

function tensorInfo(t: TfliteTensor): TfliteTensorInfo {
  const q: TfliteQuantization | undefined = t.quantization;
  return {
    name: t.name,
    dtype: TENSOR_TYPE_NAMES[t.type] ?? `type_${t.type}`,
    shape: t.shapeSignature && t.shapeSignature.length === t.shape.length ? t.shapeSignature : t.shape,
    ...(q && q.scale.length > 0
      ? { quantization: { scale: q.scale, zeroPoint: q.zeroPoint, quantizedDimension: q.quantizedDimension } }
      : {}),
  };
}

/**
 * Describes a .tflite model: its main subgraph's interface, ops, parameter count and size.
 * Throws ModelToolsError NOT_TFLITE or TRUNCATED for files it cannot read.
 *
 * @example
 * const info = inspectTflite(bytes);
 * console.log(info.inputs[0].shape, info.opHistogram); // [-1, 784] { FULLY_CONNECTED: 2, SOFTMAX: 1 }
 */
export function inspectTflite(bytes: Uint8Array): TfliteModelInfo {
  const model = readTflite(bytes);
  const opHistogram: Record<string, number> = {};
  let parameterCount = 0;
  for (const graph of model.subgraphs) {
    for (const op of graph.operators) {
      const name = model.operatorCodes[op.opcodeIndex]?.name ?? `OPCODE_${op.opcodeIndex}`;
      opHistogram[name] = (opHistogram[name] ?? 0) + 1;
    }
    for (const t of graph.tensors) {
      if ((model.buffers[t.buffer]?.length ?? 0) > 0) parameterCount += t.shape.reduce((n, d) => n * d, 1);
    }
  }
  const main = model.subgraphs[0];
  const pick = (indices: number[]) =>
    indices.flatMap((i) => {
      const t = main?.tensors[i];
      return t ? [tensorInfo(t)] : [];
    });
  return {
    format: 'tflite',
    version: model.version,
    description: model.description,
    inputs: pick(main?.inputs ?? []),
    outputs: pick(main?.outputs ?? []),
    opHistogram,
    parameterCount,
    bytes: bytes.byteLength,
  };
}
