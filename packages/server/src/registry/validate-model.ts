import type { ModelFormat, TensorSpec } from '@edgewise/protocol';
import { ServerError } from '../errors.js';
import { defaultOnnxRuntime } from '../predict/onnx-runtime.js';

export interface ModelTensors {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

/** TFLite files carry "TFL3" at offset 4; everything else must decode as ONNX. */
export const sniffFormat = (bytes: Uint8Array): ModelFormat =>
  String.fromCharCode(...bytes.subarray(4, 8)) === 'TFL3' ? 'tflite' : 'onnx';

const refuse = (label: string, format: ModelFormat, why: string): never => {
  throw new ServerError(
    'BAD_REQUEST',
    `${label} is not a valid ${format} model: ${why}; upload the file unchanged`,
  );
};

/**
 * Parses and loads the model the way it will be used, so a corrupt file is refused at publish and
 * not at a client: ONNX is opened by the inference runtime (which checks the graph, not only the
 * protobuf), TFLite is decoded by model-tools' reader. The tensor specs come from the model itself.
 */
export async function loadModelTensors(
  bytes: Uint8Array,
  format: ModelFormat,
  label: string,
): Promise<ModelTensors> {
  // Loaded on first publish only: the inspector pulls in protobuf and flatbuffers decoders.
  const tools = await import('@edgewise/model-tools');
  let info: ModelTensors;
  try {
    if (format === 'tflite') {
      const model = tools.readTflite(bytes);
      const graph = model.subgraphs[0];
      if (!graph || graph.inputs.length === 0 || graph.outputs.length === 0)
        refuse(label, format, 'it has no subgraph with inputs and outputs');
    }
    // model-tools names dtypes as strings; the ones a manifest can carry are the protocol's.
    info = tools.inspectModel(bytes, format) as unknown as ModelTensors;
  } catch (error) {
    if (error instanceof ServerError) throw error;
    return refuse(label, format, (error as Error).message);
  }
  if (info.inputs.length === 0 || info.outputs.length === 0)
    refuse(label, format, 'it declares no inputs or outputs');
  if (format === 'onnx') {
    const { ort, name } = await defaultOnnxRuntime();
    let session: Awaited<ReturnType<typeof ort.InferenceSession.create>> | undefined;
    try {
      session = await ort.InferenceSession.create(bytes);
    } catch (error) {
      refuse(label, format, `${name} cannot load it (${(error as Error).message})`);
    } finally {
      await session?.release().catch(() => {});
    }
  }
  return info as ModelTensors;
}

const dynamic = (d: number | string) => typeof d === 'string' || d < 0;
const sameShape = (a: (number | string)[], b: (number | string)[]) =>
  a.length === b.length && a.every((d, i) => (dynamic(d) ? dynamic(b[i] as number | string) : d === b[i]));
const describe = (specs: readonly TensorSpec[]) =>
  specs.map((s) => `${s.name} ${s.dtype} [${s.shape.join(', ')}]`).join('; ');

/** A header that restates the specs must agree with the model (names, dtypes, fixed dimensions). */
export function checkDeclaredSpecs(
  label: string,
  kind: 'inputs' | 'outputs',
  declared: readonly TensorSpec[] | undefined,
  actual: readonly TensorSpec[],
): void {
  if (!declared) return;
  const agrees =
    declared.length === actual.length &&
    declared.every((d) => {
      const a = actual.find((t) => t.name === d.name);
      return a !== undefined && a.dtype === d.dtype && sameShape(d.shape, a.shape);
    });
  if (!agrees) {
    throw new ServerError(
      'BAD_REQUEST',
      `x-edgewise-model: ${kind} say ${describe(declared)} but ${label} has ${describe(actual)}; omit ${kind} (they are read from the model) or fix them`,
    );
  }
}
