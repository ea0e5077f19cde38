import { ModelToolsError } from '../errors.js';
import { loadLiteRtInNode } from '../runtime/litert-node.js';
import { encodeTfliteGraph } from '../tflite/rewrite/encode-graph.js';
import { isConstant, producersOf, type TfliteGraph } from '../tflite/rewrite/graph.js';
import { TensorType } from '../tflite/schema.js';

/** One calibration sample: one Float32Array per model input (or just the array, for one input). */
export type CalibrationSample = Float32Array | Float32Array[];

/** Float range seen for each tensor of subgraph 0, by tensor index. */
export type TensorRanges = Map<number, { min: number; max: number }>;

const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Runs the float model on every sample in LiteRT.js and records the range of every float activation.
 * LiteRT.js only hands back a graph's outputs, so it runs a probe copy of the model whose outputs are
 * all the float tensors an operator writes — the same trick as the converter's calibration wrapper.
 */
export async function calibrateTflite(
  graph: TfliteGraph,
  samples: CalibrationSample[],
): Promise<TensorRanges> {
  const s = graph.subgraphs[0]!;
  const producers = producersOf(s);
  const probed = s.tensors
    .map((t, i) => ({ t, i }))
    .filter(({ t, i }) => t.type === TensorType.FLOAT32 && producers[i]! >= 0 && !isConstant(graph, t))
    .map(({ i }) => i);
  const probe: TfliteGraph = { ...graph, signatures: [], subgraphs: [{ ...s, outputs: probed }] };
  const litert = await loadLiteRtInNode();
  const model = await litert.loadAndCompile(encodeTfliteGraph(probe), { accelerator: 'wasm' });
  // Ranges are matched to tensors by position: make sure LiteRT.js kept the subgraph's output order.
  const names = model.getOutputDetails().map((d) => d.name);
  if (names.length !== probed.length || names.some((n, k) => n !== s.tensors[probed[k]!]!.name)) {
    model.delete();
    throw new ModelToolsError(
      'UNSUPPORTED',
      "LiteRT.js reordered the calibration probe outputs (duplicate tensor names?); use mode 'dynamic-int8' for this model",
    );
  }
  const ranges: TensorRanges = new Map();
  const see = (index: number, values: ArrayLike<number>) => {
    const r = ranges.get(index) ?? { min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY };
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < r.min) r.min = v;
      if (v > r.max) r.max = v;
    }
    ranges.set(index, r);
  };
  try {
    for (const sample of samples) {
      const arrays = Array.isArray(sample) ? sample : [sample];
      if (arrays.length !== s.inputs.length) {
        throw new ModelToolsError(
          'BAD_ARGUMENT',
          `each calibration sample needs ${s.inputs.length} input arrays (one per model input), got ${arrays.length}`,
        );
      }
      const inputs = arrays.map((data, k) => {
        const shape = s.tensors[s.inputs[k]!]!.shape;
        if (data.length !== count(shape)) {
          throw new ModelToolsError(
            'BAD_ARGUMENT',
            `calibration input ${k} has ${data.length} values; the model's input "${s.tensors[s.inputs[k]!]!.name}" is [${shape}] = ${count(shape)} floats`,
          );
        }
        see(s.inputs[k]!, data);
        return new litert.Tensor(data, shape);
      });
      const outputs = await model.run(inputs);
      for (const t of inputs) t.delete();
      outputs.forEach((out, k) => {
        see(probed[k]!, out.toTypedArray() as Float32Array);
        out.delete();
      });
    }
  } finally {
    model.delete();
  }
  return ranges;
}
