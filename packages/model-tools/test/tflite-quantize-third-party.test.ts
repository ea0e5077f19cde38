import { beforeAll, describe, expect, it } from 'vitest';
import { ModelToolsError } from '../src/errors.js';
import { quantizeTflite, type TfliteQuantizeMode } from '../src/quantize-tflite/index.js';
import { loadLiteRtInNode } from '../src/runtime/litert-node.js';
import {
  readThirdPartyModel,
  THIRD_PARTY_MODELS,
  type ThirdPartyModel,
  thirdPartyInput,
} from './tflite-third-party-inputs.js';

// The quantizers on two models we did not build (MediaPipe's, shipped as float16 weights): the
// quantized files must load in LiteRT.js and answer like the float model on synthetic pictures of
// what each model looks for. The reference is the shipped file itself, run in the same runtime.

async function runAll(bytes: Uint8Array, inputs: Float32Array[]): Promise<Float32Array[][]> {
  const litert = await loadLiteRtInNode();
  const model = await litert.loadAndCompile(bytes, { accelerator: 'wasm' });
  try {
    const shape = model.getInputDetails()[0]!.shape;
    const results: Float32Array[][] = [];
    for (const x of inputs) {
      const input = new litert.Tensor(x, shape);
      const outputs = await model.run([input]);
      input.delete();
      results.push(outputs.map((o) => Float32Array.from(o.toTypedArray() as Float32Array)));
      for (const o of outputs) o.delete();
    }
    return results;
  } finally {
    model.delete();
  }
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const argmax = (a: Float32Array) => a.reduce((best, v, i) => (v > a[best]! ? i : best), 0);

/** What a user of each model reads from it, compared between the float model and a quantized one. */
interface Errors {
  /** Share of inputs where the quantized model gives the same yes/no (face found; hand present). */
  top1Agreement: number;
  /** face: change of the best face's score; hand: of presence and handedness. */
  probability: number;
  /** face: the best face's box; hand: the landmarks — largest change in input pixels. */
  pixels: number;
}

/** BlazeFace short range's anchors: 16×16 cells × 2 (stride 8), then 8×8 × 6 (stride 16); centres in pixels. */
const FACE_ANCHORS = [
  ...Array.from({ length: 16 * 16 * 2 }, (_, i) => [
    ((Math.floor(i / 2) % 16) + 0.5) * 8,
    (Math.floor(i / 32) + 0.5) * 8,
  ]),
  ...Array.from({ length: 8 * 8 * 6 }, (_, i) => [
    ((Math.floor(i / 6) % 8) + 0.5) * 16,
    (Math.floor(i / 48) + 0.5) * 16,
  ]),
];

/** The face the detector reports: its best anchor's score and box (centre x, y, width, height) in pixels. */
function bestFace(out: Float32Array[]): { score: number; box: number[] } {
  const a = argmax(out[1]!);
  const r = out[0]!.subarray(a * 16, a * 16 + 4);
  return {
    score: sigmoid(out[1]![a]!),
    box: [FACE_ANCHORS[a]![0]! + r[0]!, FACE_ANCHORS[a]![1]! + r[1]!, r[2]!, r[3]!],
  };
}

function compare(m: ThirdPartyModel, want: Float32Array[][], got: Float32Array[][]): Errors {
  const e: Errors = { top1Agreement: 0, probability: 0, pixels: 0 };
  want.forEach((w, i) => {
    const g = got[i]!;
    if (m.id === 'face') {
      // outputs: regressors [1, 896, 16] (box offsets, 6 keypoints), classificators [1, 896, 1] (logits).
      const [fw, fg] = [bestFace(w), bestFace(g)];
      e.probability = Math.max(e.probability, Math.abs(fw.score - fg.score));
      fw.box.forEach((v, k) => {
        e.pixels = Math.max(e.pixels, Math.abs(v - fg.box[k]!));
      });
      // "Same answer": both see a face (score > 0.5) or neither does.
      if (fw.score > 0.5 === fg.score > 0.5) e.top1Agreement += 1 / want.length;
    } else {
      // outputs: 21 landmarks × (x, y, z) in pixels, presence, handedness, world landmarks.
      if (w[1]![0]! > 0.5 === g[1]![0]! > 0.5) e.top1Agreement += 1 / want.length;
      for (const k of [1, 2]) e.probability = Math.max(e.probability, Math.abs(w[k]![0]! - g[k]![0]!));
      w[0]!.forEach((v, j) => {
        if (j % 3 !== 2) e.pixels = Math.max(e.pixels, Math.abs(v - g[0]![j]!));
      });
    }
  });
  if (want.length)
    console.log(
      m.id,
      'float scores',
      want.map((w) => (m.id === 'face' ? bestFace(w).score : w[1]![0]!).toFixed(2)).join(' '),
    );
  return e;
}

// Bounds measured on these inputs with margin (see the README's TFLite section for the numbers).
const bounds: Record<
  string,
  Record<TfliteQuantizeMode, { probability: number; pixels: number; ratio: number }>
> = {
  // measured: score Δ 0.025 / 0.093, box Δ 7.6 / 8.9 px of 128
  face: {
    'dynamic-int8': { probability: 0.05, pixels: 12, ratio: 0.8 },
    int8: { probability: 0.15, pixels: 14, ratio: 0.85 },
  },
  // measured: presence/handedness Δ 0.13 / 0.21, landmarks Δ 23 / 34 px of 224 (float presence 0.46–0.83)
  hand: {
    'dynamic-int8': { probability: 0.2, pixels: 32, ratio: 0.62 },
    int8: { probability: 0.3, pixels: 45, ratio: 0.7 },
  },
};

describe.each(THIRD_PARTY_MODELS)('quantizeTflite on $pkg/$file', (m) => {
  let bytes: Uint8Array;
  let inputs: Float32Array[];
  let calibration: Float32Array[];
  let reference: Float32Array[][];

  beforeAll(async () => {
    bytes = readThirdPartyModel(m);
    inputs = Array.from({ length: 8 }, (_, i) => thirdPartyInput(m, 100 + i));
    calibration = Array.from({ length: 24 }, (_, i) => thirdPartyInput(m, i));
    reference = await runAll(bytes, inputs);
  });

  it.each(['dynamic-int8', 'int8'] as const)(
    '%s loads in LiteRT.js and answers like the float model',
    async (mode) => {
      const q = await quantizeTflite(bytes, { mode, calibration });
      const got = await runAll(q.bytes, inputs);
      const e = compare(m, reference, got);
      const ratio = q.outputBytes / q.inputBytes;
      console.log(
        `${m.id} ${mode}: ${q.inputBytes} → ${q.outputBytes} bytes (${ratio.toFixed(3)}× the shipped fp16 file, ` +
          `${(q.outputBytes / q.float32Bytes).toFixed(3)}× fp32), ${q.quantizedWeights} weights int8, ` +
          `${q.keptFloat.length} kept float; top-1 ${e.top1Agreement}, probability Δ ${e.probability.toFixed(4)}, pixels Δ ${e.pixels.toFixed(2)}`,
      );
      const b = bounds[m.id]![mode];
      expect(ratio).toBeLessThan(b.ratio);
      expect(e.top1Agreement).toBe(1);
      expect(e.probability).toBeLessThan(b.probability);
      expect(e.pixels).toBeLessThan(b.pixels);
    },
  );
});

describe('quantizeTflite refusals', () => {
  const face = THIRD_PARTY_MODELS[0]!;

  it('refuses a model with nothing left to quantize (UNSUPPORTED), in both modes', async () => {
    const once = await quantizeTflite(readThirdPartyModel(face), { mode: 'dynamic-int8', minElements: 0 });
    const calibration = [thirdPartyInput(face, 1)];
    for (const mode of ['dynamic-int8', 'int8'] as const) {
      const error = await quantizeTflite(once.bytes, { mode, calibration }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ModelToolsError);
      expect((error as ModelToolsError).code).toBe('UNSUPPORTED');
      expect((error as Error).message).toMatch(/nothing to quantize.*pass the float model/);
    }
  });

  it('asks for calibration of the right size (BAD_ARGUMENT) and for a TFLite file (NOT_TFLITE)', async () => {
    const bytes = readThirdPartyModel(face);
    await expect(quantizeTflite(bytes, { mode: 'int8' })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(quantizeTflite(bytes, { mode: 'int8', calibration: [new Float32Array(3)] })).rejects.toThrow(
      /128,128,3\] = 49152 floats/,
    );
    await expect(quantizeTflite(new Uint8Array(64), { mode: 'dynamic-int8' })).rejects.toMatchObject({
      code: 'NOT_TFLITE',
    });
  });
});
