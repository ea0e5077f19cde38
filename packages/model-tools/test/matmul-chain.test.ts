// The MatMul-chain generator for large test models: onnxruntime-node and the ONNX checker accept both
// the one-file and the sharded external-data form, and the outputs match the JS reference.
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelToolsError } from '../src/errors.js';
import { decodeOnnx, encodeOnnx } from '../src/onnx/codec.js';
import {
  type MatmulChainFiles,
  type MatmulChainOptions,
  matmulChainReference,
  writeMatmulChain,
} from '../src/onnx/matmul-chain.js';
import { type ModelProto, onnx, type TensorProto } from '../src/onnx/proto.js';
import { toNumber } from '../src/onnx/tensor.js';
import { chooseOnnxRuntime, type OnnxRuntime } from '../src/runtime/onnx-runtime.js';
import { checkOnnxFileWithOnnx } from './support/onnx-checker.js';

const SMALL = { dim: 64, layers: 6, seed: 11 } satisfies MatmulChainOptions;

let dir: string;
let native: OnnxRuntime;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ew-matmul-chain-'));
  native = await chooseOnnxRuntime({ prefer: 'onnxruntime-node' });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

let written = 0;
const freshDir = () => join(dir, `case-${written++}`);

function seededInput(dim: number): Float32Array {
  return Float32Array.from({ length: dim }, (_, i) => Math.sin(i * 12.9898 + 1) * 0.9);
}

async function runWithOrt(files: MatmulChainFiles, input: Float32Array): Promise<Float32Array> {
  const { ort } = native;
  // A path, not bytes: ORT resolves external data next to the model file.
  const session = await ort.InferenceSession.create(files.model);
  try {
    const feeds = { [files.inputName]: new ort.Tensor('float32', input, [1, files.dim]) };
    const out = await session.run(feeds);
    return out[files.outputName]!.data as Float32Array;
  } finally {
    await session.release();
  }
}

/** max |actual - expected| over max |expected|: element-wise ratios blow up on values near zero. */
function relativeError(actual: Float32Array, expected: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return diff / scale;
}

const initializers = (model: ModelProto): TensorProto[] => model.graph?.initializer ?? [];

const norm = (v: Float32Array) => Math.hypot(...v);

async function allBytes(files: MatmulChainFiles): Promise<Buffer[]> {
  return Promise.all([files.model, ...files.externalData.map((d) => d.file)].map((f) => readFile(f)));
}

describe('writeMatmulChain, one file', () => {
  let files: MatmulChainFiles;
  beforeAll(async () => {
    files = await writeMatmulChain(freshDir(), SMALL);
  });

  it('keeps every weight inside the .onnx, in the size it reports', async () => {
    expect(files).toMatchObject({ externalData: [], inputName: 'input', outputName: 'output', dim: 64 });
    expect((await stat(files.model)).size).toBe(files.bytes);
    expect(files.bytes).toBeGreaterThan(SMALL.layers * SMALL.dim * SMALL.dim * 4);
  });

  it('is the protobuf that protobufjs itself writes for that model (fields in onnx.save order)', async () => {
    const bytes = new Uint8Array(await readFile(files.model));
    const model = decodeOnnx(bytes);
    expect(initializers(model).map((t) => t.name)).toEqual(['w0', 'w1', 'w2', 'w3', 'w4', 'w5']);
    expect((model.graph?.node ?? []).map((n) => n.opType)).toEqual(Array(6).fill('MatMul'));
    expect(toNumber(model.opsetImport[0]?.version)).toBe(13);
    expect(Buffer.from(encodeOnnx(model)).equals(Buffer.from(bytes))).toBe(true);
  });

  it('runs in onnxruntime-node to the JS reference within 1e-4', async () => {
    const input = seededInput(SMALL.dim);
    const expected = matmulChainReference(SMALL, input);
    expect(relativeError(await runWithOrt(files, input), expected)).toBeLessThan(1e-4);
  });

  it('passes onnx.checker.check_model and strict shape inference', () => {
    checkOnnxFileWithOnnx(files.model);
  });
});

describe('writeMatmulChain, external data in 3 shards', () => {
  const options = { ...SMALL, shards: 3 };
  let files: MatmulChainFiles;
  beforeAll(async () => {
    files = await writeMatmulChain(freshDir(), options);
  });

  it('writes the shards next to the model, two layers each, at page-aligned offsets', async () => {
    expect(files.externalData.map((d) => d.path)).toEqual([
      'model.onnx.data0',
      'model.onnx.data1',
      'model.onnx.data2',
    ]);
    for (const shard of files.externalData) expect((await stat(shard.file)).size).toBe(shard.bytes);
    const model = decodeOnnx(new Uint8Array(await readFile(files.model)));
    const where = initializers(model).map((t) => {
      expect(t.dataLocation).toBe(onnx.TensorProto.DataLocation.EXTERNAL);
      expect(t.rawData?.byteLength ?? 0).toBe(0);
      return Object.fromEntries((t.externalData ?? []).map((e) => [e.key, e.value]));
    });
    const length = String(SMALL.dim * SMALL.dim * 4);
    expect(where).toEqual([
      { location: 'model.onnx.data0', offset: '0', length },
      { location: 'model.onnx.data0', offset: length, length },
      { location: 'model.onnx.data1', offset: '0', length },
      { location: 'model.onnx.data1', offset: length, length },
      { location: 'model.onnx.data2', offset: '0', length },
      { location: 'model.onnx.data2', offset: length, length },
    ]);
  });

  it('pads to 4096-byte offsets when a layer is not a whole number of pages', async () => {
    const odd = await writeMatmulChain(freshDir(), { dim: 50, layers: 5, shards: 2 });
    const model = decodeOnnx(new Uint8Array(await readFile(odd.model)));
    const offsets = initializers(model).map((t) => t.externalData?.find((e) => e.key === 'offset')?.value);
    expect(offsets).toEqual(['0', '12288', '24576', '0', '12288']);
    expect(odd.externalData.map((d) => d.bytes)).toEqual([24576 + 10000, 12288 + 10000]);
    checkOnnxFileWithOnnx(odd.model);
  });

  it('runs in onnxruntime-node, loaded by path, to the JS reference within 1e-4', async () => {
    const input = seededInput(SMALL.dim);
    const expected = matmulChainReference(options, input);
    expect(relativeError(await runWithOrt(files, input), expected)).toBeLessThan(1e-4);
  });

  it('passes onnx.load (external data from the same dir) and check_model', () => {
    checkOnnxFileWithOnnx(files.model);
  });

  it('holds the same weights as the one-file form', async () => {
    const single = decodeOnnx(
      new Uint8Array(await readFile((await writeMatmulChain(freshDir(), SMALL)).model)),
    );
    const shards = await Promise.all(files.externalData.map((d) => readFile(d.file)));
    const length = SMALL.dim * SMALL.dim * 4;
    initializers(single).forEach((t, layer) => {
      const shard = shards[Math.floor(layer / 2)]!;
      const start = (layer % 2) * length;
      expect(Buffer.from(t.rawData ?? []).equals(shard.subarray(start, start + length))).toBe(true);
    });
  });
});

describe('matmulChainReference', () => {
  it('keeps the vector norm about steady through the layers (weights in ±sqrt(3/dim))', () => {
    const input = seededInput(256);
    const ratio = norm(matmulChainReference({ dim: 256, layers: 24, seed: 3 }, input)) / norm(input);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it('wants dim input values', () => {
    expect(() => matmulChainReference(SMALL, new Float32Array(3))).toThrow(/pass dim \(64\)/);
  });
});

describe('determinism', () => {
  it('gives byte-identical files for the same seed, and different ones for another seed', async () => {
    for (const shards of [0, 3]) {
      const a = await allBytes(await writeMatmulChain(freshDir(), { ...SMALL, shards }));
      const b = await allBytes(await writeMatmulChain(freshDir(), { ...SMALL, shards }));
      const c = await allBytes(await writeMatmulChain(freshDir(), { ...SMALL, shards, seed: 12 }));
      expect(a.every((bytes, i) => bytes.equals(b[i]!))).toBe(true);
      const data = (files: Buffer[]) => (shards === 0 ? files : files.slice(1));
      expect(data(a).some((bytes, i) => bytes.equals(data(c)[i]!))).toBe(false);
    }
  });
});

describe('bad options', () => {
  const cases: [string, MatmulChainOptions, RegExp][] = [
    ['dim 0', { dim: 0, layers: 2 }, /dim must be a positive integer.*got 0/],
    ['fractional dim', { dim: 1.5, layers: 2 }, /dim must be a positive integer.*got 1\.5/],
    ['negative layers', { dim: 4, layers: -1 }, /layers must be a positive integer.*got -1/],
    ['NaN layers', { dim: 4, layers: Number.NaN }, /layers must be a positive integer.*got NaN/],
    [
      'more shards than layers',
      { dim: 4, layers: 6, shards: 7 },
      /shards must be .* 0 .* to layers \(6\), got 7/,
    ],
    ['negative shards', { dim: 4, layers: 6, shards: -1 }, /shards must be an integer/],
    ['a seed outside uint32', { dim: 4, layers: 1, seed: -1 }, /seed must be an integer from 0 to 2\^32 - 1/],
    ['a name with a directory', { dim: 4, layers: 1, name: '../x' }, /name must be a plain file base name/],
  ];
  it.each(cases)('%s is a BAD_ARGUMENT that says what to pass', async (_, options, message) => {
    const error = await writeMatmulChain(freshDir(), options).catch((e) => e);
    expect(error).toBeInstanceOf(ModelToolsError);
    expect(error).toMatchObject({ code: 'BAD_ARGUMENT', message: expect.stringMatching(message) });
    expect(() => matmulChainReference(options, new Float32Array(4))).toThrow(message);
  });

  it('refuses a one-file model past protobuf 2 GiB before writing anything, pointing at shards', async () => {
    const target = freshDir();
    const error = await writeMatmulChain(target, { dim: 2048, layers: 129 }).catch((e) => e);
    expect(error).toMatchObject({
      code: 'BAD_ARGUMENT',
      message: expect.stringMatching(/2 GiB.*pass shards: N/),
    });
    await expect(readdir(target)).rejects.toThrow(/ENOENT/);
  });
});
