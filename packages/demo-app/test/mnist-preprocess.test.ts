import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RollingMedian } from '../src/app/latency.js';
import { type Gray, SIDE, toMnistInput } from '../src/draw/mnist-preprocess.js';

const expected = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../../models/expected/mnist.json'), 'utf8'),
) as { inputs: number[][] };

/** A 28×28 image drawn `scale` times larger at (dx, dy) on a canvas of `size`, as a person would. */
function enlarge(pixels: readonly number[], scale: number, size: number, dx: number, dy: number): Gray {
  const data = new Float32Array(size * size);
  for (let y = 0; y < SIDE * scale; y++)
    for (let x = 0; x < SIDE * scale; x++)
      data[(y + dy) * size + x + dx] = pixels[Math.floor(y / scale) * SIDE + Math.floor(x / scale)]!;
  return { width: size, height: size, data };
}

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]! / n;
    mb += b[i]! / n;
  }
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

describe('toMnistInput', () => {
  it('returns nothing for an empty canvas', () => {
    expect(toMnistInput({ width: 10, height: 10, data: new Float32Array(100) })).toBeUndefined();
  });

  it('recovers held-out MNIST digits drawn large and off-centre', () => {
    for (const pixels of expected.inputs) {
      const input = toMnistInput(enlarge(pixels, 7, 280, 60, 20));
      expect(input).toHaveLength(784);
      expect(correlation(input!, pixels)).toBeGreaterThan(0.97);
    }
  });

  it('fits the ink in a 20×20 box with its centre of mass at the centre', () => {
    const data = new Float32Array(100 * 100);
    for (let y = 10; y < 30; y++) for (let x = 60; x < 70; x++) data[y * 100 + x] = 1;
    const input = toMnistInput({ width: 100, height: 100, data })!;
    let mass = 0;
    let cx = 0;
    let cy = 0;
    let rows = 0;
    for (let y = 0; y < SIDE; y++) {
      let inRow = false;
      for (let x = 0; x < SIDE; x++) {
        const v = input[y * SIDE + x]!;
        mass += v;
        cx += x * v;
        cy += y * v;
        if (v > 0) inRow = true;
      }
      if (inRow) rows++;
    }
    expect(rows).toBe(20);
    expect(Math.abs(cx / mass - SIDE / 2)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(cy / mass - SIDE / 2)).toBeLessThanOrEqual(0.5);
  });
});

describe('RollingMedian', () => {
  it('is the median of the last N values', () => {
    const m = new RollingMedian(3);
    expect(m.median).toBeUndefined();
    for (const v of [100, 1, 2, 3]) m.add(v);
    expect(m.median).toBe(2);
    m.add(10);
    expect(m.count).toBe(3);
    expect(m.median).toBe(3);
  });
});
