// Remote inference runs on onnxruntime-node when it is installed and on onnxruntime-web WASM when it
// is not (simulated with an injected loader), /healthz says which, and both answer the same.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerError } from '../src/errors.js';
import type { ModelSource } from '../src/predict/model-source.js';
import { OnnxPredictor } from '../src/predict/onnx-predictor.js';
import { chooseOnnxRuntime, defaultOnnxRuntime, type OnnxRuntime } from '../src/predict/onnx-runtime.js';
import { modelsRoot, testServer } from './support/server.js';

const missingNode = async (specifier: string) => {
  if (specifier === 'onnxruntime-node') throw new Error("Cannot find package 'onnxruntime-node'");
  return import(specifier);
};

/** A source that serves one model file, so the predictor can be built without a store. */
function oneModel(name: string): ModelSource {
  const path = join(modelsRoot, `${name}/1.0.0/${name}.fp32.onnx`);
  return {
    resolve: async () => ({
      name,
      version: '1.0.0',
      sha256: name,
      load: async () => new Uint8Array(readFileSync(path)),
    }),
  } as unknown as ModelSource;
}

function predictor(name: string, runtime: OnnxRuntime): OnnxPredictor {
  return new OnnxPredictor(
    oneModel(name),
    { sessions: 2, cachedPredictions: 0 },
    { runtime: async () => runtime },
  );
}

describe('inference runtime', () => {
  let native: OnnxRuntime;
  let wasm: OnnxRuntime;
  beforeAll(async () => {
    native = await chooseOnnxRuntime({ prefer: 'auto' });
    wasm = await chooseOnnxRuntime({ prefer: 'auto', load: missingNode });
  });

  it('picks onnxruntime-node when installed and WASM when it is not, with a reason', () => {
    expect(native).toMatchObject({ name: 'onnxruntime-node', reason: expect.stringContaining('installed') });
    expect(wasm).toMatchObject({ name: 'onnxruntime-web', reason: expect.stringContaining('not available') });
  });

  it('answers 503-coded UNAVAILABLE when onnxruntime-node is required but missing', async () => {
    const error = await chooseOnnxRuntime({ prefer: 'onnxruntime-node', load: missingNode }).catch((e) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ code: 'UNAVAILABLE', statusCode: 503 });
    expect(error.message).toContain('npm install onnxruntime-node');
  });

  it('gives the same predictions on both runtimes (iris, mnist) within 1e-5', async () => {
    for (const name of ['iris', 'mnist']) {
      const expected = JSON.parse(readFileSync(join(modelsRoot, `expected/${name}.json`), 'utf8')) as {
        inputName: string;
        inputs: number[][];
      };
      const width = expected.inputs[0]!.length;
      const request = {
        model: name,
        inputs: {
          [expected.inputName]: { dims: [expected.inputs.length, width], data: expected.inputs.flat() },
        },
      };
      const [a, b] = [predictor(name, native), predictor(name, wasm)];
      const outA = Object.values((await a.predict(request)).outputs)[0]!.data as number[];
      const outB = Object.values((await b.predict(request)).outputs)[0]!.data as number[];
      expect(outA.length).toBe(outB.length);
      const diff = Math.max(...outA.map((v, i) => Math.abs(v - (outB[i] as number))));
      console.log(`${name} via /v1/predict's predictor: max |node - wasm| ${diff.toExponential(2)}`);
      expect(diff).toBeLessThan(1e-5);
      expect(await a.describeRuntime()).toMatchObject({ name: 'onnxruntime-node' });
      expect(await b.describeRuntime()).toMatchObject({ name: 'onnxruntime-web' });
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('/healthz inference', () => {
  let app: Awaited<ReturnType<typeof testServer>>;
  beforeAll(async () => {
    app = await testServer({ modelsRoot });
  });
  afterAll(async () => {
    await app.close();
  });

  it('names the runtime the predictor uses, its version and why', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    const chosen = await defaultOnnxRuntime();
    expect(res.json()).toEqual({
      status: 'ok',
      inference: { runtime: chosen.name, version: chosen.version, reason: chosen.reason },
    });
    expect(chosen.name).toBe('onnxruntime-node');
  });
});
