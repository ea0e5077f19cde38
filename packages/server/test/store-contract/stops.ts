import { expect, it } from 'vitest';
import type { ExperimentStore } from '../../src/storage/store.js';
import { TEST_EXPERIMENT } from '../support/server.js';

const T = Date.parse('2026-12-02T12:00:00Z');

/** Stops, resumes and their audit log; `fresh()` returns an ExperimentStore on an empty database. */
export function stopsContract(fresh: () => Promise<ExperimentStore>): void {
  it('stops an arm once, with the audit row, and keeps it through a re-POSTed definition', async () => {
    const experiments = await fresh();
    const before = await experiments.put(TEST_EXPERIMENT);
    expect(before.stops).toEqual([]);
    const stop = {
      at: T,
      by: 'guardrail' as const,
      reason: 'latency_p95 too high',
      metric: 'latency_p95' as const,
    };
    expect(await experiments.stop('exp', 'a', stop, 'guardrail')).toBe(true);
    expect(await experiments.stop('exp', 'a', { ...stop, reason: 'again' }, 'guardrail')).toBe(false);
    expect((await experiments.get('exp'))?.stops).toEqual([{ arm: 'a', ...stop }]);
    // A changed definition bumps the policy version; the stop stays.
    const changed = await experiments.put({ ...TEST_EXPERIMENT, seed: 2 });
    expect(changed.policyVersion).toBe(before.policyVersion + 1);
    expect(changed.stops).toEqual([{ arm: 'a', ...stop }]);
    expect((await experiments.list())[0]?.stops).toEqual([{ arm: 'a', ...stop }]);
    expect(await experiments.audit('exp')).toMatchObject([
      {
        experiment: 'exp',
        action: 'stop',
        arm: 'a',
        actor: 'guardrail',
        reason: 'latency_p95 too high',
        at: T,
      },
    ]);
  });

  it('stops and resumes the whole experiment apart from its arms, auditing each change', async () => {
    const experiments = await fresh();
    await experiments.put(TEST_EXPERIMENT);
    await experiments.put({ ...TEST_EXPERIMENT, key: 'other' });
    const stop = { at: T, by: 'admin' as const, reason: 'incident 42' };
    expect(await experiments.stop('exp', null, stop, 'admin')).toBe(true);
    expect(await experiments.stop('exp', 'b', { ...stop, reason: 'slow' }, 'admin')).toBe(true);
    const stops = (await experiments.get('exp'))?.stops ?? [];
    expect(stops).toHaveLength(2);
    expect(stops).toContainEqual({ arm: null, ...stop });
    expect(stops).toContainEqual({ arm: 'b', ...stop, reason: 'slow' });
    expect((await experiments.get('other'))?.stops).toEqual([]);
    expect((await experiments.list()).find((e) => e.key === 'other')?.stops).toEqual([]);

    expect(await experiments.resume('exp', null, 'admin', 'fixed')).toBe(true);
    expect(await experiments.resume('exp', null, 'admin')).toBe(false);
    expect(await experiments.resume('exp', 'a', 'admin')).toBe(false);
    expect((await experiments.get('exp'))?.stops).toEqual([{ arm: 'b', ...stop, reason: 'slow' }]);
    const audit = await experiments.audit('exp');
    expect(audit.map((a) => [a.action, a.arm, a.actor, a.reason])).toEqual([
      ['stop', null, 'admin', 'incident 42'],
      ['stop', 'b', 'admin', 'slow'],
      ['resume', null, 'admin', 'fixed'],
    ]);
    expect(audit[0]!.id).toBeLessThan(audit[2]!.id);
    expect(await experiments.audit('other')).toEqual([]);
  });
}
