import type * as ort from 'onnxruntime-web';
import { ModelToolsError } from '../errors.js';
import { decodeOnnx } from '../onnx/codec.js';
import { DataType, type ValueInfoProto } from '../onnx/proto.js';
import { openOnnxSession } from '../onnx/run-onnx.js';
import { toNumber } from '../onnx/tensor.js';
import { type CalibrationFeed, toTensor } from './calibrate.js';

/** What one model did on the measurement inputs: median latency and every float output per input. */
export interface Measurement {
  medianMs: number;
  outputs: Record<string, Float32Array>[];
}

/** How far a quantized model's outputs are from the float model's. */
export interface OutputError {
  /** ‖q − f‖₂ / ‖f‖₂ over all float outputs and inputs: scale-free, 0.01 is 1 %. */
  relative: number;
  /** Share of rows (last axis) whose argmax matches; undefined when no output has a class axis. */
  top1?: number;
}

function graphInputs(bytes: Uint8Array): ValueInfoProto[] {
  const graph = decodeOnnx(bytes).graph ?? {};
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  return (graph.input ?? []).filter((i) => !initializers.has(i.name));
}

/**
 * Opens the model in onnxruntime-web WASM (one thread), runs every feed once (the first run warms up),
 * then times `runs` more runs of the first feed; the median is what users see, not the best case.
 */
export async function measureModel(
  bytes: Uint8Array,
  feeds: readonly CalibrationFeed[],
  runs = 5,
): Promise<Measurement> {
  const inputs = graphInputs(bytes);
  const session = await openOnnxSession(bytes);
  try {
    const toTensors = (feed: CalibrationFeed) => {
      const tensors: Record<string, ort.Tensor> = {};
      for (const input of inputs) {
        const value = feed[input.name ?? ''];
        if (!value) {
          throw new ModelToolsError(
            'BAD_ARGUMENT',
            `an example has no value for input "${input.name}"; give every input (a .json calibration file can)`,
          );
        }
        tensors[input.name!] = toTensor(input, value);
      }
      return tensors;
    };
    const outputs: Record<string, Float32Array>[] = [];
    for (const feed of feeds) {
      const result = await session.run(toTensors(feed));
      const floats: Record<string, Float32Array> = {};
      for (const [name, tensor] of Object.entries(result))
        if (tensor.type === 'float32') floats[name] = tensor.data as Float32Array;
      outputs.push(floats);
    }
    const times: number[] = [];
    const first = toTensors(feeds[0]!);
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      await session.run(first);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    return { medianMs: times[Math.floor(times.length / 2)]!, outputs };
  } finally {
    await session.release();
  }
}

/**
 * Relative L2 error and, for outputs whose last axis holds classes (2–100 000 wide, rows summing to ~1),
 * top-1 agreement. `classAxis` gives each output's last-axis width.
 */
export function compareOutputs(
  reference: Measurement,
  quantized: Measurement,
  classWidths: Record<string, number> = {},
): OutputError {
  let diff = 0;
  let norm = 0;
  let rows = 0;
  let agree = 0;
  reference.outputs.forEach((outputs, i) => {
    for (const [name, f] of Object.entries(outputs)) {
      const q = quantized.outputs[i]?.[name];
      if (!q || q.length !== f.length) continue;
      for (let j = 0; j < f.length; j++) {
        diff += (q[j]! - f[j]!) ** 2;
        norm += f[j]! ** 2;
      }
      const width = classWidths[name];
      if (!width || width < 2) continue;
      for (let r = 0; r + width <= f.length; r += width) {
        rows++;
        if (argmax(f, r, width) === argmax(q, r, width)) agree++;
      }
    }
  });
  const relative = norm > 0 ? Math.sqrt(diff / norm) : Math.sqrt(diff);
  return rows > 0 ? { relative, top1: agree / rows } : { relative };
}

function argmax(values: Float32Array, start: number, width: number): number {
  let best = start;
  for (let i = start + 1; i < start + width; i++) if (values[i]! > values[best]!) best = i;
  return best - start;
}

/** Last-axis widths of outputs declared with a fixed last dim of 2 or more: the classifier outputs. */
export function classWidths(bytes: Uint8Array): Record<string, number> {
  const widths: Record<string, number> = {};
  for (const output of decodeOnnx(bytes).graph?.output ?? []) {
    const dims = output.type?.tensorType?.shape?.dim ?? [];
    const last = dims.at(-1)?.dimValue;
    if (output.type?.tensorType?.elemType === DataType.FLOAT && last && toNumber(last) >= 2)
      widths[output.name ?? ''] = toNumber(last);
  }
  return widths;
}

/**
 * One made-up example for a model nobody gave inputs for: the declared shape (unknown dims 1 for the
 * first axis, 32 elsewhere), values in [0, 1). Good for timing; error on it means little.
 */
export function syntheticFeed(bytes: Uint8Array): CalibrationFeed {
  const feed: CalibrationFeed = {};
  let seed = 7;
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  for (const input of graphInputs(bytes)) {
    const dims = (input.type?.tensorType?.shape?.dim ?? []).map((d, i) =>
      d.dimValue ? toNumber(d.dimValue) : i === 0 ? 1 : 32,
    );
    const length = dims.reduce((n, d) => n * d, 1);
    const type = input.type?.tensorType?.elemType;
    const data =
      type === DataType.INT64
        ? new BigInt64Array(length)
        : type === DataType.INT32
          ? new Int32Array(length)
          : Float32Array.from({ length }, next);
    feed[input.name ?? ''] = { data, dims };
  }
  return feed;
}
