import { describe, expect, it } from 'vitest';
import { Edgewise } from '../../src/edgewise.js';
import { EdgewiseError } from '../../src/errors.js';
import { assignArm, chooseArm } from '../../src/experiments/assign-arm.js';
import { validateExperiment } from '../../src/experiments/experiment-config.js';
import { loadInExperiment } from '../../src/experiments/experiment-load.js';
import type { Assignment, ExperimentConfig } from '../../src/experiments/experiment-types.js';
import { ExperimentsClient } from '../../src/experiments/experiments-client.js';
import { ExposureLog } from '../../src/experiments/exposure-log.js';
import { memoryKeyValueStore } from '../../src/experiments/key-value-store.js';
import { StickyAssignments } from '../../src/experiments/sticky-assignments.js';
import { heldOut, inNamespace, validateHoldout } from '../../src/experiments/targeting.js';
import type { Model } from '../../src/model.js';

const base: ExperimentConfig = {
  key: 'checkout',
  type: 'ab',
  seed: 'checkout',
  policyVersion: 1,
  arms: ['control', 'a', 'b'].map((name, i) => ({ name, model: 'm', version: `${i + 1}.0.0`, weight: 1 })),
};
const stop = { at: 1_764_000_000_000, by: 'guardrail' as const, reason: 'error_rate above 5%' };
const USERS = Array.from({ length: 400 }, (_, i) => `t-user-${i}`);

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(EdgewiseError);
    expect((error as EdgewiseError).code).toBe('CONFIG');
    return (error as Error).message;
  }
  throw new Error('expected a CONFIG error');
}

describe('validateExperiment: targeting fields', () => {
  it('accepts a condition, a namespace, guardrails and stops', () => {
    const config = {
      ...base,
      condition: { country: { $in: ['DE'] }, appVersion: { $vgte: '2.4.0' } },
      namespace: { name: 'checkout-layer', range: [0, 0.5] as [number, number] },
      guardrails: [{ metric: 'error_rate' as const, maxRelativeIncrease: 0.2 }],
      stopped: { ...stop, by: 'admin' as const },
      arms: base.arms.map((arm, i) =>
        i === 1 ? { ...arm, stopped: { ...stop, metric: 'error_rate' } } : arm,
      ),
    };
    expect(validateExperiment(config)).toBe(config);
  });

  it('refuses a bad condition with conditionProblem saying what to fix', () => {
    expect(
      configError(() => validateExperiment({ ...base, condition: { country: { $regex: 'D' } } })),
    ).toMatch(/condition\.country\.\$regex: unknown operator "\$regex"; use one of/);
    expect(configError(() => validateExperiment({ ...base, condition: { $or: [] } }))).toContain(
      'condition.$or: must be a non-empty array',
    );
  });

  it('refuses a namespace range that is empty, reversed or outside [0, 1]', () => {
    const ns = (range: unknown) => ({ ...base, namespace: { name: 'layer', range } });
    expect(configError(() => validateExperiment(ns([0.5, 0.5])))).toContain(
      'from (0.5) must be below to (0.5)',
    );
    expect(configError(() => validateExperiment(ns([0.7, 0.2])))).toContain('must be below');
    expect(configError(() => validateExperiment(ns([0, 1.5])))).toContain('within [0, 1]');
    expect(configError(() => validateExperiment(ns([0.2])))).toContain('namespace.range');
    expect(
      configError(() => validateExperiment({ ...base, namespace: { name: 'bad name', range: [0, 1] } })),
    ).toContain('namespace.name');
  });

  it('refuses guardrails that guardrailProblem finds fault with, or of an unknown metric', () => {
    const g = (guardrails: unknown) => ({ ...base, guardrails });
    expect(configError(() => validateExperiment(g([{ metric: 'error_rate' }])))).toContain(
      'guardrails[0]: give exactly one bound',
    );
    expect(configError(() => validateExperiment(g([{ metric: 'reward', maxAbsolute: 1 }])))).toContain(
      'a reward guardrail bounds a drop',
    );
    expect(configError(() => validateExperiment(g([{ metric: 'fps', maxAbsolute: 1 }])))).toContain(
      'guardrails[0].metric',
    );
    expect(configError(() => validateExperiment(g({ metric: 'load_ms' })))).toContain('"guardrails" must be');
  });

  it('refuses a malformed stop on an arm or the experiment', () => {
    expect(configError(() => validateExperiment({ ...base, stopped: { ...stop, by: 'robot' } }))).toContain(
      '"stopped" must be',
    );
    const arms = base.arms.map((arm, i) => (i === 2 ? { ...arm, stopped: { at: 'now' } } : arm));
    expect(configError(() => validateExperiment({ ...base, arms }))).toContain('arms[2].stopped');
  });
});

describe('targeting', () => {
  it('checks the condition against the attributes (none means {})', () => {
    const targeted = { ...base, condition: { plan: 'pro' } };
    for (const user of USERS.slice(0, 50)) {
      expect(assignArm(user, targeted)).toMatchObject({ reason: 'condition', inExperiment: false, index: 0 });
      expect(assignArm(user, targeted, { attributes: { plan: 'free' } }).reason).toBe('condition');
      expect(assignArm(user, targeted, { attributes: { plan: 'pro' } })).toEqual(assignArm(user, base));
    }
  });

  it('sends everyone to control, unlogged, when the experiment is stopped', () => {
    for (const user of USERS.slice(0, 50))
      expect(chooseArm(user, { ...base, stopped: stop })).toMatchObject({
        arm: 'control',
        inExperiment: false,
        reason: 'stopped',
        probability: 1,
      });
  });

  it("keeps a stopped A/B arm's range: its users run control and nobody else moves", () => {
    const stopped = { ...base, arms: base.arms.map((a, i) => (i === 1 ? { ...a, stopped: stop } : a)) };
    for (const user of USERS) {
      const before = assignArm(user, base);
      const after = assignArm(user, stopped);
      if (before.index === 1)
        expect(after).toMatchObject({ index: 0, inExperiment: false, reason: 'stopped' });
      else expect(after).toEqual(before);
    }
  });

  it('gives a stopped bandit arm nobody, sharing its traffic among the others', () => {
    const bandit: ExperimentConfig = {
      ...base,
      type: 'bandit',
      arms: base.arms.map((a, i) => (i === 2 ? { ...a, stopped: stop } : a)),
    };
    const seen = new Set<number>();
    for (const user of USERS) {
      const a = assignArm(user, bandit);
      expect(a.inExperiment).toBe(true);
      expect(a.probability).toBe(0.5);
      seen.add(a.index);
    }
    expect([...seen].sort()).toEqual([0, 1]);
    const allStopped = { ...bandit, arms: bandit.arms.map((a) => ({ ...a, stopped: stop })) };
    expect(assignArm('u', allStopped)).toMatchObject({ inExperiment: false, reason: 'stopped' });
  });

  it('hashes holdout and namespace with their own prefixes', () => {
    expect(heldOut('u', undefined)).toBe(false);
    expect(heldOut('u', { share: 1, seed: 'x' })).toBe(true);
    expect(heldOut('u', { share: 0, seed: 'x' })).toBe(false);
    expect(inNamespace('u', { name: 'n', range: [0, 1] })).toBe(true);
    expect(validateHoldout(undefined)).toBeUndefined();
    expect(configError(() => validateHoldout({ share: 2, seed: 'x' }))).toContain('holdout share must be');
    expect(configError(() => validateHoldout({ share: 0.1, seed: 3 }))).toContain('holdout seed must be');
  });
});

describe('stickiness only among eligible arms', () => {
  const sticky = { ...base, type: 'bandit' as const, sticky: true };

  it('drops a kept arm once it is stopped, and keeps the user out of a stopped A/B arm', async () => {
    const assignments = new StickyAssignments(memoryKeyValueStore());
    const user = USERS.find((u) => chooseArm(u, sticky).index === 1)!;
    expect((await assignments.choose(user, sticky)).arm).toBe('a');
    const stopped = { ...sticky, arms: sticky.arms.map((a, i) => (i === 1 ? { ...a, stopped: stop } : a)) };
    const after = await assignments.choose(user, stopped);
    expect(after.arm).not.toBe('a');
    expect(after).toMatchObject({ inExperiment: true, sticky: false });

    const ab = { ...base, key: 'checkout-ab', sticky: true };
    const abUser = USERS.find((u) => chooseArm(u, ab).index === 1)!;
    expect((await assignments.choose(abUser, ab)).arm).toBe('a');
    const abStopped = { ...ab, arms: ab.arms.map((a, i) => (i === 1 ? { ...a, stopped: stop } : a)) };
    expect(await assignments.choose(abUser, abStopped)).toMatchObject({
      arm: 'control',
      inExperiment: false,
      reason: 'stopped',
    });
  });

  it('does not keep a user the condition, namespace or holdout now excludes', async () => {
    const assignments = new StickyAssignments(memoryKeyValueStore());
    const user = USERS.find((u) => chooseArm(u, sticky).index === 2)!;
    expect((await assignments.choose(user, sticky)).arm).toBe('b');
    expect(await assignments.choose(user, { ...sticky, condition: { plan: 'pro' } })).toMatchObject({
      arm: 'control',
      inExperiment: false,
      reason: 'condition',
    });
    expect((await assignments.choose(user, sticky, { holdout: { share: 1, seed: 'all' } })).reason).toBe(
      'holdout',
    );
    const elsewhere = { name: 'layer', range: [0, 1e-9] as [number, number] };
    expect((await assignments.choose(user, { ...sticky, namespace: elsewhere })).reason).toBe('namespace');
    // Eligible again: the kept arm is still theirs.
    expect(await assignments.choose(user, sticky)).toMatchObject({ arm: 'b', sticky: true });
  });
});

describe('attributes', () => {
  it('threads the attributes into the assignment of a load', async () => {
    const targeted = { ...base, condition: { 'device.class': { $in: ['high'] } } };
    const user = USERS.find((u) => chooseArm(u, base).index === 2)!;
    const opened: Assignment[] = [];
    const load = (attributes?: { device: { class: string } }) =>
      loadInExperiment({
        userId: user,
        ...(attributes ? { attributes } : {}),
        config: targeted,
        assignments: new StickyAssignments(memoryKeyValueStore()),
        exposures: new ExposureLog(memoryKeyValueStore()),
        queue: undefined,
        open: async (arm) => {
          opened.push(arm);
          return { version: arm.version, describe: () => ({}) } as unknown as Model;
        },
        requireQueue: () => {
          throw new Error('no queue');
        },
      });
    await load({ device: { class: 'low' } });
    await load({ device: { class: 'high' } });
    await load();
    expect(opened.map((a) => a.arm)).toEqual(['control', 'b', 'control']);
  });

  it('are checked by Edgewise.create and the setter: a plain object of JSON values', async () => {
    const ew = await Edgewise.create({ attributes: { appVersion: '2.4.0', device: { class: 'high' } } });
    expect(ew.attributes).toEqual({ appVersion: '2.4.0', device: { class: 'high' } });
    ew.attributes = { plan: 'pro', tags: ['a', 1, null] };
    expect(ew.attributes.plan).toBe('pro');
    expect(configError(() => (ew.attributes = { when: new Date() } as never))).toContain(
      'attributes.when is a Date',
    );
    expect(configError(() => (ew.attributes = ['DE'] as never))).toContain('not a plain object');
    ew.attributes = undefined;
    expect(ew.attributes).toBeUndefined();
    await ew.close();
    await expect(Edgewise.create({ attributes: { n: Number.NaN } })).rejects.toThrow(/attributes\.n is NaN/);
  });
});

describe('ExperimentsClient.holdout', () => {
  const list = (body: unknown) => async () => new Response(JSON.stringify(body), { status: 200 });

  it('reads the holdout served with the experiments, and keeps it for offline use', async () => {
    const store = memoryKeyValueStore();
    const body = { experiments: [base], holdout: { share: 0.05, seed: 'global' } };
    expect(await new ExperimentsClient('/x', store, list(body)).holdout()).toEqual(body.holdout);
    const offline = new ExperimentsClient('/x', store, async () => {
      throw new Error('offline');
    });
    expect(await offline.holdout()).toEqual(body.holdout);
    expect(await new ExperimentsClient('/x', memoryKeyValueStore(), list([base])).holdout()).toBeUndefined();
  });

  it('refuses a malformed holdout with CONFIG', async () => {
    const client = new ExperimentsClient(
      '/x',
      memoryKeyValueStore(),
      list({ experiments: [base], holdout: { share: -1 } }),
    );
    await expect(client.holdout()).rejects.toThrow(/holdout share must be a number in \[0, 1\]/);
  });
});
