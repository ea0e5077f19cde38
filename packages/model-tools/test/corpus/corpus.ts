// The corpus: real third-party models with small deterministic inputs that mean something to them.
import { readFileSync } from 'node:fs';
import type { CalibrationFeed } from '../../src/quantize/calibrate.js';
import { sileroFrames } from '../support/silero.js';
import { CORPUS_FILES } from './files.js';
import { FONT_CHARACTERS, type GreyImage, placeOn, renderText, resizeToHeight } from './font.js';

export interface CorpusModel {
  name: string;
  path: string;
  feeds: () => CalibrationFeed[];
  /** Classifier outputs are judged by top-1 agreement instead of relative error. */
  classifier?: boolean;
  /** Relative L2 error auto may keep (default 0.1). */
  maxError?: number;
}

/**
 * Seeded text lines of capitals and digits (what the bitmap font has), 4–7 characters. O and 0 are left
 * out: in a 5×7 font they differ by one diagonal, so fp32 itself reads them on a knife edge (O/0/D),
 * and a line that flips there says nothing about quantization.
 */
export function textLines(count: number, seed = 2024): string[] {
  let s = seed;
  const next = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  return Array.from({ length: count }, () =>
    Array.from(
      { length: 4 + Math.floor(next() * 4) },
      () => LINE_CHARACTERS[Math.floor(next() * LINE_CHARACTERS.length)],
    ).join(''),
  );
}

/** Grey to the [1, 3, H, W] tensor PaddleOCR expects: per channel (v − mean) / std. */
function toChw(image: GreyImage, mean: number[], std: number[]) {
  const plane = image.width * image.height;
  const data = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++)
    for (let i = 0; i < plane; i++) data[c * plane + i] = (image.pixels[i]! - mean[c]!) / std[c]!;
  return { data, dims: [1, 3, image.height, image.width] };
}

const LINE_CHARACTERS = FONT_CHARACTERS.filter((c) => c !== 'O' && c !== '0');

const HALF = [0.5, 0.5, 0.5];
const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];

/** A text line as rec sees it: 48 px high, width a multiple of 8. */
export function recInput(text: string) {
  const line = resizeToHeight(renderText(text, 3), 48);
  return toChw(placeOn(line, Math.ceil(line.width / 8) * 8, 48, 0, 0), HALF, HALF);
}

function rotated180(image: GreyImage): GreyImage {
  return { ...image, pixels: image.pixels.slice().reverse() };
}

/** cls sees 48×192 lines; every other one upside down, which is what it classifies (0° / 180°). */
function clsInput(text: string, index: number) {
  const line = resizeToHeight(renderText(text, 3), 48);
  const placed = placeOn(line, 192, 48, 0, 0);
  return toChw(index % 2 ? rotated180(placed) : placed, HALF, HALF);
}

/** A small page: two lines at different sizes on 96×192 (det wants multiples of 32). */
function detInput(a: string, b: string) {
  const page = placeOn(renderText(a, 2), 192, 96, 4, 6);
  const second = renderText(b, 3);
  for (let y = 0; y < second.height; y++)
    for (let x = 0; x < Math.min(second.width, 180); x++)
      page.pixels[(44 + y) * 192 + 8 + x] = second.pixels[y * second.width + x]!;
  return toChw(page, IMAGENET_MEAN, IMAGENET_STD);
}

const SR = { data: BigInt64Array.of(16000n), dims: [] };

/** Frames of silence, then a voiced-like tone: the VAD's probability moves from ~0 up. */
function vadFrames(count: number) {
  const all = sileroFrames(24);
  return Array.from({ length: count }, (_, i) => all[Math.floor((i * all.length) / count)]!);
}

export const CORPUS: CorpusModel[] = [
  {
    name: 'silero-v5',
    path: CORPUS_FILES.sileroV5,
    feeds: () =>
      vadFrames(4).map((frame) => ({
        input: { data: frame, dims: [1, 512] },
        state: { data: new Float32Array(256), dims: [2, 1, 128] },
        sr: SR,
      })),
  },
  {
    name: 'silero-legacy',
    path: CORPUS_FILES.sileroLegacy,
    feeds: () =>
      vadFrames(4).map((frame) => ({
        input: { data: frame, dims: [1, 512] },
        sr: SR,
        h: { data: new Float32Array(128), dims: [2, 1, 64] },
        c: { data: new Float32Array(128), dims: [2, 1, 64] },
      })),
  },
  {
    name: 'ocr-det',
    path: CORPUS_FILES.det,
    // DB probability maps are nearly binary (0 paper, 1 text): a text edge moving one pixel is a large
    // L2 change, so the tolerance is wider than for smooth outputs.
    maxError: 0.35,
    feeds: () => {
      const lines = textLines(4, 7);
      return [{ x: detInput(lines[0]!, lines[1]!) }, { x: detInput(lines[2]!, lines[3]!) }];
    },
  },
  { name: 'ocr-rec', path: CORPUS_FILES.rec, feeds: () => textLines(8).map((t) => ({ x: recInput(t) })) },
  {
    name: 'ocr-cls',
    path: CORPUS_FILES.cls,
    classifier: true,
    feeds: () => textLines(16, 99).map((t, i) => ({ x: clsInput(t, i) })),
  },
];

let dictionary: string[] | undefined;

/** Greedy CTC decoding of rec's [1, T, 6625] probabilities: argmax, merge repeats, drop the blank (0). */
export function ctcDecode(probabilities: Float32Array): string {
  dictionary ??= readFileSync(CORPUS_FILES.recDictionary, 'utf8')
    .split('\n')
    .filter((l, i, a) => l !== '' || i < a.length - 1);
  const classes = dictionary.length + 2; // blank, the dictionary, then a space
  let text = '';
  let previous = 0;
  for (let t = 0; t + classes <= probabilities.length; t += classes) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (probabilities[t + k]! > probabilities[t + best]!) best = k;
    if (best !== 0 && best !== previous) text += best <= dictionary.length ? dictionary[best - 1] : ' ';
    previous = best;
  }
  return text;
}
