import { describe, expect, it } from 'vitest';
import { assignArm } from '../../src/experiments/assign-arm.js';
import type { ExperimentConfig } from '../../src/experiments/experiment-types.js';
import { heldOut, inNamespace } from '../../src/experiments/targeting.js';

const RANGES: [number, number][] = [
  [0, 0.3],
  [0.3, 0.7],
  [0.7, 1],
];
const layer: ExperimentConfig[] = RANGES.map((range, i) => ({
  key: `layer-${i}`,
  type: 'ab',
  seed: `layer-seed-${i}`,
  policyVersion: 1,
  namespace: { name: 'checkout', range },
  arms: ['control', 'treatment'].map((name) => ({ name, model: 'm', version: '1.0.0', weight: 1 })),
}));
const N = 100_000;

describe('a layer of three experiments', () => {
  it(`puts none of ${N} ids in two experiments, and gives each its range's share within 1%`, () => {
    const counts = [0, 0, 0];
    let inNone = 0;
    for (let i = 0; i < N; i++) {
      const userId = `user-${i}`;
      const entered = layer.map((e) => assignArm(userId, e).inExperiment);
      const n = entered.filter(Boolean).length;
      if (n > 1) throw new Error(`${userId} is in ${n} experiments of one layer`);
      if (n === 0) inNone++;
      entered.forEach((inIt, e) => {
        if (inIt) counts[e]!++;
      });
    }
    // The three ranges tile [0, 1): everyone is in exactly one.
    expect(inNone).toBe(0);
    RANGES.forEach(([from, to], e) => {
      expect(Math.abs(counts[e]! / N - (to - from)), `layer-${e}`).toBeLessThan(0.01);
    });
  });

  it('keeps the holdout out of every experiment of the layer, and only the holdout', () => {
    const holdout = { share: 0.05, seed: 'global' };
    let held = 0;
    for (let i = 0; i < 10_000; i++) {
      const userId = `user-${i}`;
      const out = heldOut(userId, holdout);
      if (out) held++;
      for (const e of layer) {
        const a = assignArm(userId, e, { holdout });
        if (out) expect(a).toMatchObject({ inExperiment: false, reason: 'holdout', arm: 'control' });
        else expect(a.reason).toBe(inNamespace(userId, e.namespace!) ? 'assigned' : 'namespace');
      }
    }
    expect(Math.abs(held / 10_000 - 0.05)).toBeLessThan(0.01);
  });
});
