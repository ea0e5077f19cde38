import { ModelToolsError } from '../errors.js';
import { defaultOnnxRuntime, type OnnxRuntime } from '../runtime/onnx-runtime.js';

export interface BatchResult {
  inputName: string;
  outputName: string;
  /** Per input row, the model's output row. */
  outputs: Float32Array[];
  seconds: number;
  /** Which ONNX Runtime ran the rows, and why it was chosen. */
  runtime: Pick<OnnxRuntime, 'name' | 'version' | 'reason'>;
}

/**
 * Runs an ONNX model over rows of features, `batchSize` rows per call when the model's first
 * dimension is dynamic, else one row per call. The runtime is onnxruntime-node when installed, else
 * onnxruntime-web's WASM build (see chooseOnnxRuntime); pass `runtime` to pick one.
 */
export async function runBatch(
  modelBytes: Uint8Array,
  rows: Float32Array[],
  options: {
    batchSize?: number;
    inputName?: string;
    outputName?: string;
    onProgress?: (done: number) => void;
    runtime?: OnnxRuntime;
  } = {},
): Promise<BatchResult> {
  const runtime = options.runtime ?? (await defaultOnnxRuntime());
  const { ort } = runtime;
  let session: Awaited<ReturnType<typeof ort.InferenceSession.create>>;
  try {
    session = await ort.InferenceSession.create(modelBytes);
  } catch (error) {
    throw new ModelToolsError(
      'UNSUPPORTED',
      `${runtime.name} cannot load the model: ${(error as Error).message}`,
      { cause: error },
    );
  }
  try {
    const inputName = options.inputName ?? session.inputNames[0];
    const outputName = options.outputName ?? session.outputNames[0];
    if (!inputName || !session.inputNames.includes(inputName)) {
      throw new ModelToolsError(
        'BAD_ARGUMENT',
        `input "${options.inputName}" is not in the model; its inputs are ${session.inputNames.join(', ')}`,
      );
    }
    if (!outputName || !session.outputNames.includes(outputName)) {
      throw new ModelToolsError(
        'BAD_ARGUMENT',
        `output "${options.outputName}" is not in the model; its outputs are ${session.outputNames.join(', ')}`,
      );
    }
    if (session.inputNames.length > 1) {
      throw new ModelToolsError(
        'UNSUPPORTED',
        `batch feeds one input, but this model has ${session.inputNames.length} (${session.inputNames.join(', ')})`,
      );
    }
    const meta = session.inputMetadata.find((m) => m.name === inputName);
    const shape = meta?.isTensor ? meta.shape : [];
    const featureDim = shape[shape.length - 1];
    const width = rows[0]?.length ?? 0;
    if (typeof featureDim === 'number' && featureDim !== 4294967295 && featureDim !== width) {
      throw new ModelToolsError(
        'BAD_ARGUMENT',
        `the data has ${width} columns but input "${inputName}" takes ${featureDim} features per row`,
      );
    }
    const first = shape[0];
    const dynamicBatch = typeof first !== 'number' || first === 4294967295 || first === -1;
    const batchSize = dynamicBatch ? Math.max(1, options.batchSize ?? 256) : 1;

    const started = performance.now();
    const outputs: Float32Array[] = [];
    for (let start = 0; start < rows.length; start += batchSize) {
      const chunk = rows.slice(start, start + batchSize);
      const data = new Float32Array(chunk.length * width);
      chunk.forEach((row, i) => {
        data.set(row, i * width);
      });
      const result = await session.run({
        [inputName]: new ort.Tensor('float32', data, [chunk.length, width]),
      });
      const out = result[outputName];
      if (!out || !(out.data instanceof Float32Array)) {
        throw new ModelToolsError('UNSUPPORTED', `output "${outputName}" is not a float32 tensor`);
      }
      const per = out.data.length / chunk.length;
      for (let i = 0; i < chunk.length; i++) outputs.push(out.data.slice(i * per, (i + 1) * per));
      options.onProgress?.(Math.min(rows.length, start + chunk.length));
    }
    const { name, version, reason } = runtime;
    return {
      inputName,
      outputName,
      outputs,
      seconds: (performance.now() - started) / 1000,
      runtime: { name, version, reason },
    };
  } finally {
    await session.release();
  }
}

export function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
