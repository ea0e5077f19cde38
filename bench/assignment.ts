// assignArm throughput: the same calls in Node and in Chromium, interleaved round by round.
import type { Page } from 'playwright';
import { median, perSecond } from './stats.js';

/** A two-arm A/B test as GET /v1/experiments serves it. */
export const EXPERIMENT = {
  key: 'bench-ab',
  type: 'ab' as const,
  seed: 7,
  policyVersion: 1,
  arms: [
    { name: 'fp32', model: 'mnist', version: '1.0.0', weight: 1 },
    { name: 'int8', model: 'mnist', version: '1.0.0', weight: 1 },
  ],
};

type AssignArm = (userId: string, experiment: typeof EXPERIMENT) => { index: number };

/** Calls per second over `calls` distinct user ids; the arm counts are kept so nothing is optimised away. */
export function timeAssign(assignArm: AssignArm, calls: number): { perSecond: number; arm0: number } {
  const ids = Array.from({ length: calls }, (_, i) => `user-${i}`);
  let arm0 = 0;
  const started = performance.now();
  for (const id of ids) if (assignArm(id, EXPERIMENT).index === 0) arm0++;
  return { perSecond: perSecond(calls, performance.now() - started), arm0 };
}

type BenchWindow = { bench: { edgewise: { assignArm: AssignArm } } };

export async function runAssignment(
  page: Page,
  assignArm: AssignArm,
  rounds: number,
  calls: number,
): Promise<{ node: number; chromium: number }> {
  const node: number[] = [];
  const chromium: number[] = [];
  for (let round = 0; round < rounds; round++) {
    node.push(timeAssign(assignArm, calls).perSecond);
    chromium.push(
      await page.evaluate(
        ([calls, experiment]) => {
          const { assignArm } = (window as unknown as BenchWindow).bench.edgewise;
          const ids = Array.from({ length: calls }, (_, i) => `user-${i}`);
          let arm0 = 0;
          const started = performance.now();
          for (const id of ids) if (assignArm(id, experiment).index === 0) arm0++;
          const ms = performance.now() - started;
          return arm0 >= 0 ? (calls * 1000) / ms : 0;
        },
        [calls, EXPERIMENT] as const,
      ),
    );
  }
  return { node: median(node), chromium: median(chromium) };
}
