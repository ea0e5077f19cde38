import { ModelToolsError } from '../errors.js';
import type { AffineParams } from './int8-params.js';
import {
  readTflite,
  type TfliteModel,
  type TfliteOperator,
  type TfliteSubgraph,
  type TfliteTensor,
} from './read.js';
import {
  dequantize,
  fullyConnectedFloat,
  fullyConnectedHybrid,
  fullyConnectedInt8,
  quantize,
  softmaxFloat,
  softmaxInt8,
} from './reference-kernels.js';
import { ActivationFunctionType, BuiltinOperator, TensorType } from './schema.js';

type Values = Float32Array | Int8Array | Int32Array;

const RUNS = 'FULLY_CONNECTED (float, hybrid, int8), SOFTMAX (float, int8), QUANTIZE and DEQUANTIZE';

function unsupported(what: string): ModelToolsError {
  return new ModelToolsError(
    'UNSUPPORTED',
    `the reference interpreter runs ${RUNS} only; this model has ${what}`,
  );
}

function constantValues(model: TfliteModel, t: TfliteTensor): Values | undefined {
  const data = model.buffers[t.buffer];
  if (!data || data.length === 0) return undefined;
  // A copy: views into the file need not be aligned for Float32Array/Int32Array.
  const bytes = data.slice().buffer;
  if (t.type === TensorType.FLOAT32) return new Float32Array(bytes);
  if (t.type === TensorType.INT8) return new Int8Array(bytes);
  if (t.type === TensorType.INT32) return new Int32Array(bytes);
  throw unsupported(`a constant "${t.name}" of TensorType ${t.type}`);
}

function affineOf(t: TfliteTensor): AffineParams {
  const q = t.quantization;
  if (!q || q.scale.length === 0)
    throw unsupported(`an int8 tensor "${t.name}" without quantization parameters`);
  return { scale: q.scale[0]!, zeroPoint: q.zeroPoint[0] ?? 0 };
}

interface Run {
  model: TfliteModel;
  graph: TfliteSubgraph;
  batch: number;
  values: Map<number, Values>;
}

/** A tensor's values: computed earlier in this run, or its constant buffer. */
function valuesOf(run: Run, index: number): Values | undefined {
  if (index < 0) return undefined;
  return run.values.get(index) ?? constantValues(run.model, run.graph.tensors[index]!);
}

function fullyConnected(run: Run, op: TfliteOperator, x: Values): Values {
  const { graph } = run;
  const inT = graph.tensors[op.inputs[0]!]!;
  const wT = graph.tensors[op.inputs[1]!]!;
  const outT = graph.tensors[op.outputs[0]!]!;
  const w = valuesOf(run, op.inputs[1]!);
  const bias = valuesOf(run, op.inputs[2] ?? -1);
  const fc = op.fullyConnected;
  if (!w || !fc || fc.fusedActivation > ActivationFunctionType.RELU)
    throw unsupported(`FULLY_CONNECTED "${outT.name}"`);
  const shape = {
    batch: run.batch,
    inputSize: wT.shape[1]!,
    outputSize: wT.shape[0]!,
    relu: fc.fusedActivation === ActivationFunctionType.RELU,
  };
  const wScales = wT.quantization?.scale ?? [];
  if (x instanceof Float32Array && w instanceof Float32Array) {
    return fullyConnectedFloat(x, w, bias as Float32Array | undefined, shape);
  }
  if (x instanceof Float32Array && w instanceof Int8Array) {
    const hybrid = { ...shape, asymmetricInputs: fc.asymmetricQuantizeInputs };
    return fullyConnectedHybrid(x, w, wScales, bias as Float32Array | undefined, hybrid);
  }
  if (x instanceof Int8Array && w instanceof Int8Array) {
    const int32Bias = bias as Int32Array | undefined;
    return fullyConnectedInt8(x, affineOf(inT), w, wScales, int32Bias, affineOf(outT), shape);
  }
  throw unsupported(`FULLY_CONNECTED "${outT.name}" with input TensorType ${inT.type}, weights ${wT.type}`);
}

function step(run: Run, op: TfliteOperator): Values {
  const code = run.model.operatorCodes[op.opcodeIndex]!;
  const inT = run.graph.tensors[op.inputs[0]!]!;
  const outT = run.graph.tensors[op.outputs[0]!]!;
  const x = valuesOf(run, op.inputs[0]!);
  if (!x) throw unsupported(`operator ${code.name} reading "${inT.name}" before it is computed`);
  const width = outT.shape[outT.shape.length - 1]!;
  const beta = op.softmax?.beta ?? 1;
  switch (code.builtinCode) {
    case BuiltinOperator.FULLY_CONNECTED:
      return fullyConnected(run, op, x);
    case BuiltinOperator.SOFTMAX:
      if (x instanceof Float32Array) return softmaxFloat(x, run.batch, width, beta);
      if (x instanceof Int8Array)
        return softmaxInt8(x, affineOf(inT), affineOf(outT), run.batch, width, beta);
      break;
    case BuiltinOperator.QUANTIZE:
      if (x instanceof Float32Array) return quantize(x, affineOf(outT));
      break;
    case BuiltinOperator.DEQUANTIZE:
      if (x instanceof Int8Array) return dequantize(x, affineOf(inT));
      break;
  }
  throw unsupported(`operator ${code.name} on "${inT.name}" (TensorType ${inT.type})`);
}

/**
 * Runs a .tflite file written by denseModelToTflite in plain JS, following TFLite's reference kernels,
 * so tests can check what a file computes without a runtime. `input` holds whole rows of the graph
 * input (batch = input.length / features); returns the graph output, dequantized if it is int8.
 * int8 results may differ from a real TFLite runtime by one quantization step (see reference-kernels.ts).
 *
 * @example
 * const probs = runTfliteReference(denseModelToTflite(model, { quantization: 'float32' }), row);
 */
export function runTfliteReference(file: Uint8Array | TfliteModel, input: Float32Array): Float32Array {
  const model = file instanceof Uint8Array ? readTflite(file) : file;
  const graph = model.subgraphs[0];
  if (graph?.inputs.length !== 1 || graph.outputs.length !== 1) {
    throw unsupported('not exactly one subgraph input and one output');
  }
  const inputTensor = graph.tensors[graph.inputs[0]!]!;
  const features = inputTensor.shape[inputTensor.shape.length - 1] ?? 0;
  if (inputTensor.type !== TensorType.FLOAT32 || features === 0 || input.length % features !== 0) {
    throw new ModelToolsError(
      'BAD_ARGUMENT',
      `input has ${input.length} values; the model takes float32 rows of ${features} (give a whole number of rows)`,
    );
  }
  const run: Run = {
    model,
    graph,
    batch: input.length / features,
    values: new Map([[graph.inputs[0]!, input]]),
  };
  for (const op of graph.operators) run.values.set(op.outputs[0]!, step(run, op));
  const outIndex = graph.outputs[0]!;
  const out = run.values.get(outIndex);
  if (!out) throw unsupported(`an output "${graph.tensors[outIndex]!.name}" that no operator computes`);
  return out instanceof Int8Array
    ? dequantize(out, affineOf(graph.tensors[outIndex]!))
    : Float32Array.from(out);
}
