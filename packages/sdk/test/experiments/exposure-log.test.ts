import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { chooseArm } from '../../src/experiments/assign-arm.js';
import type { ExperimentConfig } from '../../src/experiments/experiment-types.js';
import { ExposureLog } from '../../src/experiments/exposure-log.js';
import { indexedDbKeyValueStore, memoryKeyValueStore } from '../../src/experiments/key-value-store.js';

const experiment: ExperimentConfig = {
  key: 'iris-int8-vs-fp32',
  type: 'ab',
  seed: 7,
  policyVersion: 4,
  arms: [
    { name: 'fp32', model: 'iris', version: '1.0.0', weight: 1 },
    { name: 'int8', model: 'iris', version: '1.1.0', weight: 1 },
  ],
};

describe('exposure log', () => {
  it('reports the first exposure once per user, experiment and policy version — across reloads', async () => {
    const store = indexedDbKeyValueStore('exposure-test');
    const a = chooseArm('alice', experiment);
    expect((await new ExposureLog(store).record('alice', a)).first).toBe(true);
    const reloaded = new ExposureLog(store);
    expect((await reloaded.record('alice', a)).first).toBe(false);
    expect((await reloaded.record('bob', chooseArm('bob', experiment))).first).toBe(true);
    const nextPolicy = chooseArm('alice', experiment, { policy: { weights: [1, 1], policyVersion: 5 } });
    expect((await reloaded.record('alice', nextPolicy)).first).toBe(true);
  });

  it('reports only one first when the same exposure is recorded concurrently', async () => {
    const log = new ExposureLog(memoryKeyValueStore());
    const a = chooseArm('carol', experiment);
    const results = await Promise.all(Array.from({ length: 5 }, () => log.record('carol', a)));
    expect(results.filter((r) => r.first)).toHaveLength(1);
  });

  it('remembers the latest exposure so a reward can be tied to it', async () => {
    const log = new ExposureLog(memoryKeyValueStore());
    expect(await log.last('dave', experiment.key)).toBeUndefined();
    const a = chooseArm('dave', experiment);
    await log.record('dave', a, '1.0.1');
    expect(await log.last('dave', experiment.key)).toEqual({
      userId: 'dave',
      experiment: experiment.key,
      arm: a.arm,
      probability: 0.5,
      modelVersion: '1.0.1',
      policyVersion: '4',
      exposureId: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      ),
    });
  });

  it('gives each decision one id: kept across reloads and racing calls, new for a new policy version', async () => {
    const store = memoryKeyValueStore();
    const a = chooseArm('erin', experiment);
    const [first, racing] = await Promise.all([
      new ExposureLog(store).record('erin', a),
      new ExposureLog(store).record('erin', a),
    ]);
    const reload = await new ExposureLog(store).record('erin', a, a.version, 'int8');
    expect(first.exposureId).toBeDefined();
    expect(racing.exposureId).toBe(first.exposureId);
    expect(reload).toMatchObject({ first: false, exposureId: first.exposureId, variant: 'int8' });
    const reweighted = await new ExposureLog(store).record('erin', { ...a, policyVersion: '5' });
    expect(reweighted.first).toBe(true);
    expect(reweighted.exposureId).not.toBe(first.exposureId);
  });
});
