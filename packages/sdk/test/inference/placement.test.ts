// Placement with the real parts: the model store over HTTP, the in-process engine on
// onnxruntime-web, and a device that claims WebGPU. Node has no WebGPU, so onnxruntime-web fails
// to create the WebGPU session for real — the failure placement must answer with the WASM file.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { convertFloat16 } from '@edgewise/model-tools';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isEdgewiseError } from '../../src/errors.js';
import { memoryKeyValueStore } from '../../src/experiments/key-value-store.js';
import { measuredPlan } from '../../src/inference/backend-race.js';
import type { BackendCapabilities } from '../../src/inference/capabilities.js';
import { InferenceEngine } from '../../src/inference/engine.js';
import type { EngineEvent, InferenceHost, LoadRequest } from '../../src/inference/engine-types.js';
import { type ModelFiles, place, planPlacement } from '../../src/inference/placement.js';
import { RemoteHost } from '../../src/inference/remote-host.js';
import type { ModelManifest, ModelVersion } from '../../src/models/manifest-types.js';
import { manifestFiles } from '../../src/models/model-files.js';
import { ModelStore } from '../../src/models/model-store.js';
import { memoryStorage } from '../../src/models/storage.js';
import { modelsRoot, realManifest } from '../models/helpers/manifests.js';
import { type ModelServer, startModelServer } from '../models/helpers/model-server.js';

const expected = JSON.parse(await readFile(`${modelsRoot}expected/iris.json`, 'utf8')) as {
  inputs: number[][];
  outputs: Record<string, number[][]>;
};

const withWebGpu: BackendCapabilities = {
  webgpu: {
    available: true,
    reason: 'test device',
    adapter: { vendor: 'test', architecture: 'claimed', description: '' },
  },
  wasm: { available: true, reason: 'WebAssembly is available' },
  simd: { available: true, reason: 'simd' },
  threads: { available: false, reason: 'not isolated', crossOriginIsolated: false, hardwareConcurrency: 2 },
};

/** iris 1.0.0 with one file per backend: a WebGPU-only fp16 variant and a WASM-only int8 one. */
async function perBackendManifest(fp16: Uint8Array): Promise<ModelManifest> {
  const real = realManifest();
  const v1 = structuredClone(real.models.iris?.versions['1.0.0']) as ModelVersion;
  const int8 = v1.variants?.int8;
  if (!int8) throw new Error('models/manifest.json has no iris int8 variant; rebuild the models');
  v1.variants = {
    fp16: {
      url: 'iris/1.0.0/iris.fp16.onnx',
      format: 'onnx',
      sha256: createHash('sha256').update(fp16).digest('hex'),
      bytes: fp16.byteLength,
      quantization: 'fp16',
      backends: ['webgpu'],
    },
    int8: { ...int8, backends: ['wasm'] },
  };
  return {
    schemaVersion: 1,
    generatedAt: real.generatedAt,
    models: { iris: { channels: { stable: '1.0.0' }, versions: { '1.0.0': v1 } } },
  };
}

describe('placement: the variant follows the backend', () => {
  let server: ModelServer;
  let manifest: ModelManifest;
  let store: ModelStore;
  let engine: InferenceEngine;

  beforeEach(async () => {
    server = await startModelServer(modelsRoot);
    // A real fp16 file of the same model, as model-tools writes it for WebGPU.
    const fp32 = new Uint8Array(await readFile(`${modelsRoot}iris/1.0.0/iris.fp32.onnx`));
    const fp16 = convertFloat16(fp32).bytes;
    manifest = await perBackendManifest(fp16);
    server.files.set('/models/iris/1.0.0/iris.fp16.onnx', { body: fp16 });
    server.files.set('/models/manifest.json', {
      body: new TextEncoder().encode(JSON.stringify(manifest)),
    });
    store = new ModelStore({ manifestUrl: `${server.url}/models/manifest.json`, storage: memoryStorage() });
    engine = new InferenceEngine();
  });

  afterEach(async () => {
    await engine.close();
    await server.close();
  });

  it('fetches and runs the int8 file on WASM when WebGPU fails at session creation', async () => {
    const notices: EngineEvent[] = [];
    const placed = await place({
      id: 'm1',
      plan: planPlacement(withWebGpu, { remote: false }),
      files: manifestFiles(store, 'iris', {}),
      hosts: { device: engine },
      runtimeBaseUrl: 'file:///',
      onFallback: (event) => notices.push(event),
    });

    const fetchedFiles = server.requests.filter((r) => r.endsWith('.onnx'));
    expect(fetchedFiles).toEqual([
      'GET /models/iris/1.0.0/iris.fp16.onnx',
      'GET /models/iris/1.0.0/iris.int8.onnx',
    ]);
    expect(placed.loaded.backend).toBe('wasm');
    expect(placed.file).toMatchObject({ variant: 'int8', quantization: 'int8-dynamic', source: 'network' });
    expect(placed.backendReason).toMatch(/^WebAssembly, SIMD, 1 thread .*\(after webgpu failed: .*webgpu/);
    expect(notices).toEqual([
      expect.objectContaining({ type: 'fallback', modelId: 'm1', from: 'webgpu', to: 'wasm' }),
    ]);

    // What runs is the int8 file: its outputs, not the fp32 or the fp16 ones.
    const out = await placed.host.run('m1', {
      input: { data: Float32Array.from(expected.inputs[0]!), dims: [1, 4] },
    });
    Array.from(out.probabilities!.data as Float32Array).forEach((p, j) => {
      expect(p).toBeCloseTo(expected.outputs.int8![0]![j]!, 5);
    });
    // The unused fp16 file may be evicted again; the int8 one stays in use until release.
    const cached = await store.cache.list();
    expect(cached.map((c) => c.sha256).sort()).toEqual(
      [
        manifest.models.iris!.versions['1.0.0']!.variants!.int8!.sha256,
        manifest.models.iris!.versions['1.0.0']!.variants!.fp16!.sha256,
      ].sort(),
    );
  });

  it('downloads one file once when two backends share it', async () => {
    const shared = structuredClone(manifest);
    const version = shared.models.iris!.versions['1.0.0']!;
    delete version.variants;
    server.files.set('/models/manifest.json', { body: new TextEncoder().encode(JSON.stringify(shared)) });
    const placed = await place({
      id: 'm2',
      plan: planPlacement(withWebGpu, { remote: false }),
      files: manifestFiles(store, 'iris', {}),
      hosts: { device: engine },
      runtimeBaseUrl: 'file:///',
    });
    expect(server.requests.filter((r) => r.endsWith('.onnx'))).toEqual([
      'GET /models/iris/1.0.0/iris.fp32.onnx',
    ]);
    expect(placed).toMatchObject({ loaded: { backend: 'wasm' }, file: { variant: undefined } });
  });

  it('moves to the server, downloading nothing, when no device backend can run the model', async () => {
    const requests: string[] = [];
    const remote = new RemoteHost('http://127.0.0.1:1/', {}, async (url) => {
      requests.push(String(url));
      return new Response('{}', { status: 500 });
    });
    const placed = await place({
      id: 'm3',
      plan: planPlacement(withWebGpu, { preference: ['webgpu', 'remote'], remote: true }),
      files: manifestFiles(store, 'iris', {}),
      hosts: { device: engine, remote },
      runtimeBaseUrl: 'file:///',
    });
    expect(placed.loaded).toMatchObject({ backend: 'remote', runtime: 'server' });
    expect(placed.file).toMatchObject({ name: 'iris', version: '1.0.0', variant: undefined });
    expect(server.requests.filter((r) => r.endsWith('.onnx'))).toEqual([
      'GET /models/iris/1.0.0/iris.fp16.onnx',
    ]);
    expect(requests).toEqual([]);
  });

  it('says VERSION_NOT_FOUND, not BACKEND_UNAVAILABLE, when no backend has a file', async () => {
    const files: ModelFiles = manifestFiles(store, 'iris', { format: 'tflite' });
    const error = await place({
      id: 'm4',
      plan: planPlacement(withWebGpu, { preference: ['webgpu'], remote: false }),
      files,
      hosts: { device: engine },
      runtimeBaseUrl: 'file:///',
    }).catch((e: unknown) => e);
    expect(isEdgewiseError(error) && error.code).toBe('VERSION_NOT_FOUND');
    expect(server.requests.filter((r) => r.endsWith('.onnx') || r.endsWith('.tflite'))).toEqual([]);
  });

  it('lists every failure and every skipped backend when nothing can run the model', async () => {
    const error = await place({
      id: 'm5',
      plan: planPlacement(withWebGpu, { preference: ['webgpu', 'remote'], remote: false }),
      files: manifestFiles(store, 'iris', { variant: 'fp16' }),
      hosts: { device: engine },
      runtimeBaseUrl: 'file:///',
    }).catch((e: unknown) => e);
    expect(isEdgewiseError(error) && error.code).toBe('BACKEND_UNAVAILABLE');
    expect((error as Error).message).toMatch(/webgpu: .*; skipped: remote \(no server configured/);
  });

  it('times each device backend once per model version and device, and reuses the result', async () => {
    const memory = memoryKeyValueStore();
    const request = {
      id: 'm6',
      plan: planPlacement(withWebGpu, { preference: ['webgpu', 'wasm'], remote: false }),
      files: manifestFiles(store, 'iris', {}),
      hosts: { device: engine },
      runtimeBaseUrl: 'file:///',
    };
    const first = await measuredPlan(request, { memory, device: 'test-device', budgetMs: 200 });
    expect(first.candidates.map((c) => c.backend)).toEqual(['wasm', 'webgpu']);
    expect(first.measured).toEqual([
      { backend: 'webgpu', error: expect.stringMatching(/webgpu/i) },
      { backend: 'wasm', medianMs: expect.any(Number), runs: expect.any(Number) },
    ]);
    expect(first.candidates[0]!.reason).toMatch(
      /measured on this device: webgpu not measured .*, wasm \d+\.\d\d ms/,
    );
    const placed = await place({ ...request, plan: first });
    expect(placed.loaded.backend).toBe('wasm');

    const requests = server.requests.length;
    const again = await measuredPlan(request, { memory, device: 'test-device' });
    expect(again.candidates[0]!.reason).toMatch(/measured on this device \(remembered\)/);
    expect(server.requests.slice(requests).filter((r) => r.endsWith('.onnx'))).toEqual([]);
    const elsewhere = await measuredPlan(request, { memory, device: 'another-device', budgetMs: 100 });
    expect(elsewhere.candidates[0]!.reason).not.toMatch(/remembered/);
  });
});

describe('placement: shader-f16 decides whether WebGPU gets the fp16 file', () => {
  let server: ModelServer;
  let engine: InferenceEngine;
  let fp16: Uint8Array;
  const gpu = (shaderF16: boolean): BackendCapabilities => ({
    ...withWebGpu,
    webgpu: { ...withWebGpu.webgpu, shaderF16 },
  });
  /** A device host that loads any file on the first backend it is given (a WebGPU that works). */
  const accepting = (): InferenceHost & { loads: LoadRequest[] } => {
    const loads: LoadRequest[] = [];
    return {
      loads,
      async load(_id, request) {
        loads.push(request);
        const [first] = request.candidates;
        return {
          backend: first!.backend,
          reason: first!.reason,
          threads: 1,
          runtime: 'fake',
          inputs: [],
          outputs: [],
          failed: [],
        };
      },
      run: async () => ({}),
      runMany: async () => [],
      dispose: async () => {},
      onEvent: () => {},
      close: async () => {},
    };
  };

  /** iris 1.0.0 as fp32 base + an fp16 variant, or (onlyFp16) one fp16 file for every backend. */
  async function serve(onlyFp16: boolean): Promise<ModelStore> {
    const real = realManifest();
    const v1 = structuredClone(real.models.iris?.versions['1.0.0']) as ModelVersion;
    const file = {
      url: 'iris/1.0.0/iris.fp16.onnx',
      format: 'onnx' as const,
      sha256: createHash('sha256').update(fp16).digest('hex'),
      bytes: fp16.byteLength,
      quantization: 'fp16' as const,
    };
    if (onlyFp16) {
      delete v1.variants;
      delete v1.backends;
      Object.assign(v1, file);
    } else v1.variants = { fp16: file };
    const manifest: ModelManifest = {
      schemaVersion: 1,
      generatedAt: real.generatedAt,
      models: { iris: { channels: { stable: '1.0.0' }, versions: { '1.0.0': v1 } } },
    };
    server.files.set('/models/iris/1.0.0/iris.fp16.onnx', { body: fp16 });
    server.files.set('/models/manifest.json', { body: new TextEncoder().encode(JSON.stringify(manifest)) });
    return new ModelStore({ manifestUrl: `${server.url}/models/manifest.json`, storage: memoryStorage() });
  }

  beforeEach(async () => {
    server = await startModelServer(modelsRoot);
    fp16 = convertFloat16(new Uint8Array(await readFile(`${modelsRoot}iris/1.0.0/iris.fp32.onnx`))).bytes;
    engine = new InferenceEngine();
  });

  afterEach(async () => {
    await engine.close();
    await server.close();
  });

  it('gives WebGPU with shader-f16 the fp16 file, and says so', async () => {
    const store = await serve(false);
    const host = accepting();
    const placed = await place({
      id: 'f1',
      plan: planPlacement(gpu(true), { remote: false }),
      files: manifestFiles(store, 'iris', { shaderF16: true }),
      hosts: { device: host },
      runtimeBaseUrl: 'file:///',
    });
    expect(placed.loaded.backend).toBe('webgpu');
    expect(placed.file).toMatchObject({ variant: 'fp16', quantization: 'fp16' });
    expect(placed.backendReason).toMatch(/has shader-f16: fp16 files run on it/);
  });

  it('gives WebGPU without shader-f16 the fp32 file instead, and says why', async () => {
    const store = await serve(false);
    const host = accepting();
    const placed = await place({
      id: 'f2',
      plan: planPlacement(gpu(false), { remote: false }),
      files: manifestFiles(store, 'iris', { shaderF16: false }),
      hosts: { device: host },
      runtimeBaseUrl: 'file:///',
    });
    expect(placed.loaded.backend).toBe('webgpu');
    expect(placed.file).toMatchObject({ variant: undefined, quantization: 'fp32' });
    expect(placed.backendReason).toMatch(/no shader-f16 on this adapter: an fp32 .*instead of fp16/);
    expect(server.requests.filter((r) => r.endsWith('.onnx'))).toEqual([
      'GET /models/iris/1.0.0/iris.fp32.onnx',
    ]);
  });

  it('skips WebGPU for an fp16-only version without shader-f16, and runs the fp16 file on WASM', async () => {
    const store = await serve(true);
    const notices: EngineEvent[] = [];
    const placed = await place({
      id: 'f3',
      plan: planPlacement(gpu(false), { remote: false }),
      files: manifestFiles(store, 'iris', { shaderF16: false }),
      hosts: { device: engine },
      runtimeBaseUrl: 'file:///',
      onFallback: (event) => notices.push(event),
    });
    expect(placed.loaded.backend).toBe('wasm');
    expect(placed.file).toMatchObject({ quantization: 'fp16' });
    expect(placed.backendReason).toMatch(
      /^WebAssembly, .*\(after webgpu failed: no shader-f16 on this WebGPU adapter, and for iris@1\.0\.0 its only files for webgpu are fp16/,
    );
    // WebGPU never downloaded or tried the file: one download, for WASM.
    expect(server.requests.filter((r) => r.endsWith('.onnx'))).toEqual([
      'GET /models/iris/1.0.0/iris.fp16.onnx',
    ]);
    expect(notices).toEqual([expect.objectContaining({ from: 'webgpu', to: 'wasm' })]);
    const out = await placed.host.run('f3', {
      input: { data: Float32Array.from(expected.inputs[0]!), dims: [1, 4] },
    });
    Array.from(out.probabilities!.data as Float32Array).forEach((p, j) => {
      expect(p).toBeCloseTo(expected.outputs.fp32![0]![j]!, 2);
    });
  });
});
