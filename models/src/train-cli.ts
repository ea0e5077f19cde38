// Trains both demo models and prints accuracy, training time, how closely the exported weights
// (run by predictDense) match tfjs, and a fingerprint of the weights for comparing runs.
// Run: npx tsx models/src/train-cli.ts [seed]
import { createHash } from 'node:crypto';
import type { DenseModel } from '../../packages/model-tools/src/dense-model.js';
import { accuracy, predictDense } from './predict-dense.js';
import { type TrainedModel, trainIris, trainMnist } from './train.js';

/** sha256 of every weight and bias, in layer order: equal fingerprints mean bit-identical weights. */
export function weightsFingerprint(model: DenseModel): string {
  const hash = createHash('sha256');
  for (const layer of model.layers) {
    hash.update(new Uint8Array(layer.weights.buffer, layer.weights.byteOffset, layer.weights.byteLength));
    hash.update(new Uint8Array(layer.bias.buffer, layer.bias.byteOffset, layer.bias.byteLength));
  }
  return hash.digest('hex');
}

function report(trained: TrainedModel): void {
  const { model, plan } = trained;
  let maxDiff = 0;
  trained.test.x.forEach((row, i) => {
    const ours = predictDense(model, row);
    const theirs = trained.tfjsTestOutputs[i]!;
    ours.forEach((v, o) => {
      maxDiff = Math.max(maxDiff, Math.abs(v - theirs[o]!));
    });
  });
  const shape = [model.layers[0]!.inputSize, ...model.layers.map((l) => l.outputSize)].join('→');
  const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
  console.log(
    [
      `${model.name} ${shape}  ${plan.epochs} epochs, batch ${plan.batchSize}, lr ${plan.learningRate}`,
      `  rows           train ${trained.train.y.length}, test ${trained.test.y.length}`,
      `  tfjs accuracy  train ${pct(trained.accuracy.train)}, test ${pct(trained.accuracy.test)}`,
      `  predictDense   train ${pct(accuracy(model, trained.train))}, test ${pct(accuracy(model, trained.test))}`,
      `  max |predictDense − tfjs| on test outputs: ${maxDiff.toExponential(2)}`,
      `  training       ${trained.seconds.toFixed(1)} s`,
      `  weights sha256 ${weightsFingerprint(model)}`,
    ].join('\n'),
  );
}

const seed = Number(process.argv[2] ?? 42);
report(await trainIris(seed));
report(await trainMnist(seed));
