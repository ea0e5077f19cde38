import { describe, expect, it } from 'vitest';
import { loadIris, loadMnist, stratifiedSplit } from '../src/datasets.js';
import { shiftImage } from '../src/image-shift.js';
import { mulberry32, permutation, shuffled } from '../src/seeded-random.js';

function countBy(labels: number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  return counts;
}

describe('seeded random', () => {
  it('repeats the same sequence for the same seed and a different one for another seed', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, mulberry32(seed));
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(42).every((v) => v >= 0 && v < 1)).toBe(true);
  });

  it('shuffles into a permutation without touching the input', () => {
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    const out = shuffled(items, mulberry32(1));
    expect(items).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...out].sort()).toEqual(items);
    expect(permutation(8, mulberry32(1))).toEqual(out.map((v) => v - 1));
  });
});

describe('stratifiedSplit', () => {
  const labels = [...Array(50).fill(0), ...Array(30).fill(1), ...Array(20).fill(2)] as number[];

  it('gives each class its share of train and test, with no row in both', () => {
    const split = stratifiedSplit(labels, { train: 80, test: 20 }, 7);
    expect(new Set([...split.train, ...split.test]).size).toBe(100);
    expect(countBy(split.test.map((i) => labels[i]!))).toEqual(
      new Map([
        [0, 10],
        [1, 6],
        [2, 4],
      ]),
    );
  });

  it('is a pure function of the seed', () => {
    const sizes = { train: 60, test: 20 };
    expect(stratifiedSplit(labels, sizes, 3)).toEqual(stratifiedSplit(labels, sizes, 3));
    expect(stratifiedSplit(labels, sizes, 3).test).not.toEqual(stratifiedSplit(labels, sizes, 4).test);
  });

  it('refuses a split larger than the dataset', () => {
    expect(() => stratifiedSplit(labels, { train: 90, test: 20 }, 1)).toThrow(/Ask for fewer rows/);
  });
});

describe('loadIris', () => {
  it('splits 120/30 with 10 of each species held out, the same way for the same seed', () => {
    const iris = loadIris(42);
    expect(iris.train.x).toHaveLength(120);
    expect(iris.test.x).toHaveLength(30);
    expect(iris.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(iris.featureNames).toHaveLength(4);
    expect(countBy(iris.test.y)).toEqual(
      new Map([
        [0, 10],
        [1, 10],
        [2, 10],
      ]),
    );
    expect(loadIris(42)).toEqual(iris);
    expect(loadIris(1).test.x).not.toEqual(iris.test.x);
  });
});

describe('loadMnist', () => {
  it('splits the 10,000 digits 8000/2000, stratified, with pixels in [0, 1]', () => {
    const mnist = loadMnist(42);
    expect(mnist.train.x).toHaveLength(8000);
    expect(mnist.test.x).toHaveLength(2000);
    const all = countBy([...mnist.train.y, ...mnist.test.y]);
    for (const [digit, count] of countBy(mnist.test.y)) {
      expect(Math.abs(count - all.get(digit)! / 5)).toBeLessThanOrEqual(1);
    }
    const row = mnist.test.x[0]!;
    expect(row).toHaveLength(784);
    expect(row.every((v) => v >= 0 && v <= 1)).toBe(true);
    // Every row object is distinct, so no digit sits in both sets.
    const train = new Set(mnist.train.x);
    expect(mnist.test.x.some((r) => train.has(r))).toBe(false);
  });
});

describe('shiftImage', () => {
  it('moves pixels right/down and fills the vacated edge with zeros', () => {
    const image = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(shiftImage(image, 3, 1, 0))).toEqual([0, 1, 2, 0, 4, 5, 0, 7, 8]);
    expect(Array.from(shiftImage(image, 3, 0, -1))).toEqual([4, 5, 6, 7, 8, 9, 0, 0, 0]);
    expect(Array.from(shiftImage(image, 3, 0, 0))).toEqual(Array.from(image));
  });
});
