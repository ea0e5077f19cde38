import { mkdir, open } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ModelToolsError } from '../errors.js';
import { encodeOnnx } from './codec.js';
import { PRODUCER_NAME } from './dense-to-onnx.js';
import { minimumIrVersion } from './opset-upgrade.js';
import { DataType, type NodeProto, onnx, type TensorProto } from './proto.js';
import { tensorValueInfo } from './value-info.js';

export interface MatmulChainOptions {
  dim: number;
  layers: number;
  /** An integer from 0 to 2^32 - 1; default 0. */
  seed?: number;
  /** 0 or absent: weights inside the .onnx; N ≥ 1: external data in N shard files */
  shards?: number;
  /** File base name, default 'model': writes `<name>.onnx` and `<name>.onnx.data<k>`. */
  name?: string;
}

export interface MatmulChainFiles {
  /** Absolute path of the .onnx file. */
  model: string;
  externalData: {
    /** The location as written in the model, relative to its directory, e.g. 'model.onnx.data0'. */
    path: string;
    /** Absolute path. */
    file: string;
    bytes: number;
  }[];
  /** Size of the .onnx file. */
  bytes: number;
  inputName: 'input';
  outputName: 'output';
  dim: number;
  layers: number;
  seed: number;
}

const OPSET = 13;
const INPUT = 'input';
const OUTPUT = 'output';
/** onnx.save aligns external tensors to pages so runtimes can mmap each one. */
const SHARD_ALIGNMENT = 4096;
/** protobuf's hard limit on one message; past it runtimes refuse the file. */
const PROTOBUF_LIMIT = 2 ** 31 - 1;
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

interface Plan {
  dim: number;
  layers: number;
  seed: number;
  shards: number;
  name: string;
}

/**
 * Writes a chain of `layers` MatMuls by [dim, dim] float32 weights (input [1, dim] → output [1, dim])
 * with seeded uniform weights, as one .onnx or with external data in `shards` files. Streams one
 * layer at a time, so a 600 MB model needs about one layer (dim² × 4 bytes) of memory.
 *
 * @example
 * const files = await writeMatmulChain(dir, { dim: 2048, layers: 36, shards: 3 });
 * const session = await ort.InferenceSession.create(files.model); // a path: ORT finds the shards next to it
 */
export async function writeMatmulChain(dir: string, options: MatmulChainOptions): Promise<MatmulChainFiles> {
  const plan = checkOptions(options);
  const placements = placeLayers(plan);
  const parts = modelParts(plan, placements);
  if (parts.totalBytes > PROTOBUF_LIMIT) {
    throw new ModelToolsError(
      'BAD_ARGUMENT',
      `a ${plan.layers}-layer chain of dim ${plan.dim} is ${parts.totalBytes} bytes, over protobuf's 2 GiB ` +
        'limit for one .onnx file; pass shards: N to keep the weights in external data files',
    );
  }
  const root = resolve(dir);
  await mkdir(root, { recursive: true });
  // One buffer for every layer: each write is awaited before the next layer overwrites it.
  const weights = new Float32Array(plan.dim * plan.dim);

  const externalData: MatmulChainFiles['externalData'] = [];
  // Shards first: a model file on disk then always has its data complete beside it.
  for (let shard = 0; shard < plan.shards; shard++) {
    const location = shardLocation(plan, shard);
    const file = join(root, location);
    const handle = await open(file, 'w');
    let end = 0;
    try {
      for (const [layer, placement] of placements.entries()) {
        if (placement?.location !== location) continue;
        fillLayerWeights(weights, plan, layer);
        // Positional writes leave the alignment gaps as holes, which read back as zeros.
        await writeAll(handle, littleEndian(weights), placement.offset);
        end = placement.offset + placement.length;
      }
    } finally {
      await handle.close();
    }
    externalData.push({ path: location, file, bytes: end });
  }

  const model = join(root, `${plan.name}.onnx`);
  const handle = await open(model, 'w');
  try {
    await writeAll(handle, parts.head, null);
    for (let layer = 0; layer < plan.layers; layer++) {
      await writeAll(handle, parts.initializerHeads[layer]!, null);
      if (plan.shards > 0) continue;
      fillLayerWeights(weights, plan, layer);
      await writeAll(handle, littleEndian(weights), null);
    }
    await writeAll(handle, parts.tail, null);
  } finally {
    await handle.close();
  }
  return {
    model,
    externalData,
    bytes: parts.totalBytes,
    inputName: INPUT,
    outputName: OUTPUT,
    dim: plan.dim,
    layers: plan.layers,
    seed: plan.seed,
  };
}

/**
 * The float32 reference: input (length dim) through every layer, computed in JS with the same seeded
 * weights (regenerates them layer by layer; never holds more than one layer).
 */
export function matmulChainReference(options: MatmulChainOptions, input: Float32Array): Float32Array {
  const plan = checkOptions(options);
  const { dim } = plan;
  if (input.length !== dim) {
    throw new ModelToolsError('BAD_ARGUMENT', `input has ${input.length} values; pass dim (${dim}) of them`);
  }
  const weights = new Float32Array(dim * dim);
  let x = Float32Array.from(input);
  for (let layer = 0; layer < plan.layers; layer++) {
    fillLayerWeights(weights, plan, layer);
    // Sums in float64 then rounds per layer: closer to ORT's float32 kernels than any fixed float32 order.
    const sums = new Float64Array(dim);
    for (let k = 0; k < dim; k++) {
      const xk = x[k]!;
      const row = k * dim;
      for (let j = 0; j < dim; j++) sums[j]! += xk * weights[row + j]!;
    }
    x = Float32Array.from(sums);
  }
  return x;
}

function checkOptions(options: MatmulChainOptions): Plan {
  const { dim, layers, seed = 0, shards = 0, name = 'model' } = options;
  if (!Number.isSafeInteger(dim) || dim < 1) {
    throw new ModelToolsError('BAD_ARGUMENT', `dim must be a positive integer (the vector size), got ${dim}`);
  }
  if (!Number.isSafeInteger(layers) || layers < 1) {
    throw new ModelToolsError(
      'BAD_ARGUMENT',
      `layers must be a positive integer (MatMuls in the chain), got ${layers}`,
    );
  }
  if (!Number.isSafeInteger(shards) || shards < 0 || shards > layers) {
    throw new ModelToolsError(
      'BAD_ARGUMENT',
      `shards must be an integer from 0 (weights inside the .onnx) to layers (${layers}), got ${shards}`,
    );
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new ModelToolsError('BAD_ARGUMENT', `seed must be an integer from 0 to 2^32 - 1, got ${seed}`);
  }
  // Runtimes resolve external data next to the model and reject locations that climb out of its directory.
  if (name === '' || /[/\\]/.test(name) || name === '.' || name === '..') {
    throw new ModelToolsError(
      'BAD_ARGUMENT',
      `name must be a plain file base name such as 'model' (no directories), got '${name}'`,
    );
  }
  return { dim, layers, seed, shards, name };
}

function shardLocation(plan: Plan, shard: number): string {
  return `${plan.name}.onnx.data${shard}`;
}

/**
 * Where each layer's weights go with external data (none inline): shards take contiguous runs of about
 * layers/shards layers, every shard at least one, each tensor at a page-aligned offset.
 */
function placeLayers(plan: Plan): (Placement | undefined)[] {
  const length = plan.dim * plan.dim * 4;
  const placements: (Placement | undefined)[] = Array.from({ length: plan.layers }, () => undefined);
  for (let shard = 0; shard < plan.shards; shard++) {
    const first = Math.ceil((shard * plan.layers) / plan.shards);
    const end = Math.ceil(((shard + 1) * plan.layers) / plan.shards);
    let offset = 0;
    for (let layer = first; layer < end; layer++) {
      placements[layer] = { location: shardLocation(plan, shard), offset, length };
      offset = Math.ceil((offset + length) / SHARD_ALIGNMENT) * SHARD_ALIGNMENT;
    }
  }
  return placements;
}

/**
 * Layer `layer`'s weights, row-major [dim, dim], uniform in [-a, a] with a = sqrt(3/dim): variance
 * 1/dim per weight keeps the vector's norm about constant through any number of layers. Each layer
 * has its own PRNG stream so the reference can regenerate it without the layers before it.
 */
function fillLayerWeights(weights: Float32Array, plan: Plan, layer: number): void {
  const limit = Math.sqrt(3 / plan.dim);
  const scale = (2 * limit) / 4294967296;
  const next = mulberry32(layerSeed(plan.seed, layer));
  for (let i = 0; i < weights.length; i++) weights[i] = next() * scale - limit;
}

/** Mixes (seed, layer) so neighbouring seeds and layers start unrelated streams (murmur3's finalizer). */
function layerSeed(seed: number, layer: number): number {
  let h = (seed ^ Math.imul(layer + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** mulberry32: a fast 32-bit PRNG, plenty for test weights; returns uint32 values. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** raw_data and external data are little-endian; on such hosts (all of them, in practice) no copy. */
function littleEndian(values: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN_HOST) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return out;
}

async function writeAll(
  handle: Awaited<ReturnType<typeof open>>,
  bytes: Uint8Array,
  position: number | null,
): Promise<void> {
  let done = 0;
  while (done < bytes.byteLength) {
    const at = position === null ? null : position + done;
    const { bytesWritten } = await handle.write(bytes, done, bytes.byteLength - done, at);
    done += bytesWritten;
  }
}

interface Placement {
  location: string;
  offset: number;
  length: number;
}

interface ModelParts {
  /** ModelProto fields before the graph, the graph's tag and length, and the graph's nodes and name. */
  head: Uint8Array;
  /** Per layer: the initializer's tag and length and its TensorProto up to (not including) its raw values. */
  initializerHeads: Uint8Array[];
  /** The graph's inputs and outputs, then the ModelProto fields after the graph. */
  tail: Uint8Array;
  totalBytes: number;
}

/**
 * The .onnx file as small protobufjs-encoded pieces around the weights, in onnx.save's field order.
 * Concatenated protobuf messages merge, so each piece is encoded on its own and only the lengths of
 * the enclosing graph and tensors, which count the weights, are written by hand.
 */
function modelParts(plan: Plan, placements: readonly (Placement | undefined)[]): ModelParts {
  const { dim, layers } = plan;
  const inline = plan.shards === 0;
  const rawBytes = dim * dim * 4;
  const nodes: NodeProto[] = Array.from({ length: layers }, (_, i) => ({
    name: `matmul${i}`,
    opType: 'MatMul',
    input: [i === 0 ? INPUT : `x${i}`, `w${i}`],
    output: [i === layers - 1 ? OUTPUT : `x${i + 1}`],
  }));
  const graphStart = onnx.GraphProto.encode({ node: nodes, name: `matmul_chain_${dim}x${layers}` }).finish();
  const graphEnd = onnx.GraphProto.encode({
    input: [tensorValueInfo(INPUT, DataType.FLOAT, [1, dim])],
    output: [tensorValueInfo(OUTPUT, DataType.FLOAT, [1, dim])],
  }).finish();

  const initializerHeads: Uint8Array[] = [];
  let graphBytes = graphStart.byteLength + graphEnd.byteLength;
  for (let i = 0; i < layers; i++) {
    const tensor: TensorProto = { name: `w${i}`, dims: [dim, dim], dataType: DataType.FLOAT };
    const placement = placements[i];
    if (placement) {
      tensor.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
      tensor.externalData = [
        { key: 'location', value: placement.location },
        { key: 'offset', value: String(placement.offset) },
        { key: 'length', value: String(placement.length) },
      ];
    }
    const fields = onnx.TensorProto.encode(tensor).finish();
    const rawField = inline ? concat(fieldKey(9), varint(rawBytes)) : new Uint8Array(0);
    const tensorBytes = fields.byteLength + rawField.byteLength + (inline ? rawBytes : 0);
    const head = concat(fieldKey(5), varint(tensorBytes), fields, rawField);
    initializerHeads.push(head);
    graphBytes += head.byteLength + (inline ? rawBytes : 0);
  }

  const modelStart = encodeOnnx({
    irVersion: Math.max(8, minimumIrVersion(OPSET)),
    producerName: PRODUCER_NAME,
  });
  const modelEnd = encodeOnnx({ opsetImport: [{ domain: '', version: OPSET }] });
  const head = concat(modelStart, fieldKey(7), varint(graphBytes), graphStart);
  const tail = concat(graphEnd, modelEnd);
  const graphKeyBytes = head.byteLength - modelStart.byteLength - graphStart.byteLength;
  return {
    head,
    initializerHeads,
    tail,
    totalBytes: modelStart.byteLength + graphKeyBytes + graphBytes + modelEnd.byteLength,
  };
}

/** The key of a length-delimited field (wire type 2); field numbers here are all below 16. */
function fieldKey(field: number): Uint8Array {
  return Uint8Array.of((field << 3) | 2);
}

/** A protobuf varint; by division, since lengths may pass 2^31 before the size check rejects them. */
function varint(value: number): Uint8Array {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Uint8Array.from(bytes);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}
