// Builds the demo models from scratch: trains iris and MNIST classifiers (seeded, tfjs on WASM),
// exports ONNX fp32 / dynamic int8 / int4 and TFLite fp32 / hybrid int8 / full int8, measures each
// file's held-out accuracy in a real runtime (onnxruntime-web, LiteRT.js), and writes
// models/manifest.json, models/expected/*.json and models/metrics.json. Run: npm run models
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  addToManifest,
  argmax,
  type DenseModel,
  denseModelToOnnx,
  denseModelToTflite,
  describeArtifact,
  emptyManifest,
  inspectModel,
  quantizeDynamicInt8,
  quantizeInt4,
  runBatch,
  runTfliteInNode,
} from '@edgewise/model-tools';
import type { ModelArtifact, ModelManifest, Quantization, TensorSpec } from '@edgewise/protocol';
import { trainIris, trainMnist } from '../src/train.js';

const root = join(import.meta.dirname, '..');
const VERSION = '1.0.0';
const SEED = 42;
/** How many held-out rows go into models/expected/<name>.json for tests to replay. */
const EXPECTED_ROWS = { iris: 30, mnist: 24 };

interface Trained {
  model: DenseModel;
  accuracy: { train: number; test: number };
  train: { x: Float32Array[]; y: number[] };
  test: { x: Float32Array[]; y: number[] };
  seconds: number;
}

interface VariantPlan {
  id: string;
  file: string;
  format: 'onnx' | 'tflite';
  quantization: Quantization;
  backends?: ModelArtifact['backends'];
  bytes: Uint8Array;
}

function accuracyOf(outputs: Float32Array[], labels: number[]): number {
  let right = 0;
  outputs.forEach((out, i) => {
    if (argmax(out) === labels[i]) right++;
  });
  return right / labels.length;
}

/**
 * Dynamic int8 quantizes activations with one scale per batch, so outputs depend on the batch they ran
 * in; expected outputs are therefore recorded one row at a time, as an app calling predict() runs them.
 */
async function predict(plan: VariantPlan, rows: Float32Array[], batchSize = 500): Promise<Float32Array[]> {
  return plan.format === 'onnx'
    ? (await runBatch(plan.bytes, rows, { batchSize })).outputs
    : runTfliteInNode(plan.bytes, rows);
}

/** The ONNX node name denseModelToOnnx gives the last layer's MatMul. */
function headOf(model: DenseModel): string {
  return `dense_${model.layers.length - 1}/MatMul`;
}

async function variantsOf(trained: Trained): Promise<VariantPlan[]> {
  const name = trained.model.name;
  const fp32 = denseModelToOnnx(trained.model);
  const calibration = trained.train.x.slice(0, 200);
  return [
    { id: 'fp32', file: `${name}.fp32.onnx`, format: 'onnx', quantization: 'fp32', bytes: fp32 },
    {
      id: 'int8',
      file: `${name}.int8.onnx`,
      format: 'onnx',
      quantization: 'int8-dynamic',
      backends: ['wasm'],
      bytes: (await quantizeDynamicInt8(fp32, { perChannel: false })).bytes,
    },
    {
      id: 'int4',
      file: `${name}.int4.onnx`,
      format: 'onnx',
      quantization: 'int4',
      backends: ['webgpu', 'wasm'],
      // The classifier head stays float, as LLM int4 recipes keep lm_head: 4-bit blocks on the few
      // logits cost MNIST most of a point, and the head is 1% of the weights.
      bytes: quantizeInt4(fp32, { blockSize: 32, excludeNodes: [headOf(trained.model)] }).bytes,
    },
    {
      id: 'tflite-fp32',
      file: `${name}.fp32.tflite`,
      format: 'tflite',
      quantization: 'fp32',
      bytes: denseModelToTflite(trained.model, { quantization: 'float32' }),
    },
    {
      id: 'tflite-int8-hybrid',
      file: `${name}.int8-hybrid.tflite`,
      format: 'tflite',
      quantization: 'int8-hybrid',
      bytes: denseModelToTflite(trained.model, { quantization: 'hybrid-int8' }),
    },
    {
      id: 'tflite-int8',
      file: `${name}.int8.tflite`,
      format: 'tflite',
      quantization: 'int8',
      bytes: denseModelToTflite(trained.model, { quantization: 'int8', calibration }),
    },
  ];
}

const LABELS: Record<string, string[]> = {
  iris: ['setosa', 'versicolor', 'virginica'],
  mnist: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
};

async function buildOne(manifest: ModelManifest, trained: Trained, metrics: Record<string, unknown>) {
  const name = trained.model.name as 'iris' | 'mnist';
  const dir = join(root, name, VERSION);
  await mkdir(dir, { recursive: true });
  const plans = await variantsOf(trained);
  const expectedRows = trained.test.x.slice(0, EXPECTED_ROWS[name]);
  const expected: Record<string, number[][]> = {};
  const figures: Record<string, unknown> = {};
  const fp32Bytes = plans[0]!.bytes.byteLength;

  for (const plan of plans) {
    await writeFile(join(dir, plan.file), plan.bytes);
    const outputs = await predict(plan, trained.test.x);
    const accuracy = accuracyOf(outputs, trained.test.y);
    expected[plan.id] = (await predict(plan, expectedRows, 1)).map((o) => Array.from(o));
    figures[plan.id] = {
      file: `${name}/${VERSION}/${plan.file}`,
      bytes: plan.bytes.byteLength,
      sizeRatio: Number((plan.bytes.byteLength / fp32Bytes).toFixed(4)),
      testAccuracy: accuracy,
    };
    const artifact = describeArtifact(plan.bytes, {
      url: `${name}/${VERSION}/${plan.file}`,
      format: plan.format,
      quantization: plan.quantization,
      metrics: { accuracy: Number(accuracy.toFixed(4)), testRows: trained.test.y.length },
      ...(plan.backends ? { backends: plan.backends } : {}),
    });
    const info = inspectModel(plan.bytes, plan.format);
    const spec = (t: { name: string; dtype: string; shape: (number | string)[] }): TensorSpec => ({
      name: t.name,
      dtype: t.dtype as TensorSpec['dtype'],
      shape: t.shape,
    });
    Object.assign(
      manifest,
      addToManifest(manifest, {
        name,
        version: VERSION,
        ...(plan.id === 'fp32' ? {} : { variant: plan.id }),
        artifact,
        inputs: info.inputs.map(spec),
        outputs: info.outputs.map(spec),
        labels: LABELS[name]!,
        status: 'approved',
        channels: plan.id === 'fp32' ? ['stable'] : [],
        createdAt: '2026-11-25T00:00:00.000Z',
      }),
    );
    console.log(
      `${name} ${plan.id.padEnd(20)} ${String(plan.bytes.byteLength).padStart(8)} B  ×${(plan.bytes.byteLength / fp32Bytes).toFixed(3)}  accuracy ${(accuracy * 100).toFixed(2)}%`,
    );
  }
  metrics[name] = {
    seed: SEED,
    trainRows: trained.train.y.length,
    testRows: trained.test.y.length,
    tfjsAccuracy: trained.accuracy,
    trainingSeconds: Number(trained.seconds.toFixed(1)),
    variants: figures,
  };
  const expectedFile = join(root, 'expected', `${name}.json`);
  await mkdir(dirname(expectedFile), { recursive: true });
  await writeFile(
    expectedFile,
    `${JSON.stringify(
      {
        model: name,
        version: VERSION,
        note: "Held-out rows and each variant's outputs, one row per run, from onnxruntime-web (ONNX) and LiteRT.js (TFLite) in Node.",
        inputName: trained.model.inputName,
        outputName: trained.model.outputName,
        inputs: expectedRows.map((r) => Array.from(r)),
        labels: trained.test.y.slice(0, expectedRows.length),
        outputs: expected,
      },
      null,
      1,
    )}\n`,
  );
}

const manifest = emptyManifest(new Date('2026-11-25T00:00:00.000Z'));
const metrics: Record<string, unknown> = {};
await buildOne(manifest, (await trainIris(SEED)) as Trained, metrics);
await buildOne(manifest, (await trainMnist(SEED)) as Trained, metrics);
manifest.generatedAt = '2026-11-25T00:00:00.000Z';
await writeFile(join(root, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
await writeFile(join(root, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
console.log('wrote models/manifest.json, models/metrics.json, models/expected/*.json');
