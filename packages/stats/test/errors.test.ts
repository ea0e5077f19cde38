import { describe, expect, it } from 'vitest';
import {
  benjaminiHochberg,
  epsilonGreedy,
  holm,
  interpret,
  ipsEstimate,
  isStatsError,
  probabilityToBeatControl,
  StatsError,
  sampleSizeCohensD,
  sampleSizeTwoProportions,
  sequentialTest,
  srmTest,
  thompsonWeights,
  twoProportionZTest,
  ucb1,
} from '../src/index.js';

function expectBadArgument(run: () => unknown, message: RegExp): void {
  try {
    run();
  } catch (error) {
    expect(isStatsError(error)).toBe(true);
    expect(error).toBeInstanceOf(StatsError);
    expect((error as StatsError).code).toBe('BAD_ARGUMENT');
    expect((error as StatsError).message).toMatch(message);
    return;
  }
  throw new Error('expected a StatsError');
}

const arm = (name: string, pulls: number, rewardSum: number) => ({ name, pulls, rewardSum });

describe('invalid input throws StatsError BAD_ARGUMENT saying what was expected', () => {
  it('negative counts, successes above totals, empty arms and non-count scores', () => {
    expectBadArgument(
      () => twoProportionZTest({ successesA: -1, totalA: 10, successesB: 1, totalB: 10 }),
      /successesA must be a non-negative/,
    );
    expectBadArgument(
      () => twoProportionZTest({ successesA: 11, totalA: 10, successesB: 1, totalB: 10 }),
      /cannot exceed totalA/,
    );
    expectBadArgument(
      () => twoProportionZTest({ successesA: 0, totalA: 0, successesB: 1, totalB: 10 }),
      /totalA must be at least 1/,
    );
    // The "t-test on two single scores" pitfall: two accuracies are not counts.
    expectBadArgument(
      () => twoProportionZTest({ successesA: 0.91, totalA: 1, successesB: 0.93, totalB: 1 }),
      /whole counts/,
    );
    expectBadArgument(
      () => probabilityToBeatControl({ successesA: 5, totalA: 4, successesB: 1, totalB: 10 }),
      /cannot exceed/,
    );
    expectBadArgument(() => thompsonWeights([]), /arms must have at least 1/);
    expectBadArgument(() => ucb1([arm('a', -3, 0)]), /arms\[0\]\.pulls must be a non-negative/);
    expectBadArgument(
      () => thompsonWeights([arm('a', 3, 4)]),
      /rewardSum \(4 successes\) cannot exceed arms\[0\]\.pulls/,
    );
    expectBadArgument(() => srmTest({ counts: [10] }), /counts must have at least 2/);
    expectBadArgument(() => srmTest({ counts: [10, 12], weights: [1, 1, 1] }), /one entry per arm/);
    expectBadArgument(
      () => srmTest({ counts: [10, 12], weights: [1, 0] }),
      /weights\[1\] must be greater than 0/,
    );
    expectBadArgument(() => holm([]), /pValues must have at least 1/);
    expectBadArgument(() => benjaminiHochberg([0.2, 1.5]), /between 0 and 1/);
    expectBadArgument(
      () => sequentialTest({ control: arm('a', 10, 11), treatment: arm('b', 10, 1) }),
      /cannot exceed control\.pulls/,
    );
    expectBadArgument(
      () => ipsEstimate([{ arm: 'a', reward: 1, propensity: 0 }], { a: 1 }),
      /propensity must be in \(0, 1\]/,
    );
  });

  it('alpha, power and rates outside (0, 1)', () => {
    expectBadArgument(
      () => twoProportionZTest({ successesA: 1, totalA: 10, successesB: 1, totalB: 10 }, { alpha: 1 }),
      /alpha must be strictly between 0 and 1/,
    );
    expectBadArgument(
      () => sampleSizeCohensD({ effectSize: 0.2, alpha: 0 }),
      /alpha must be strictly between 0 and 1/,
    );
    expectBadArgument(
      () => sampleSizeCohensD({ effectSize: 0.2, power: 1.2 }),
      /power must be strictly between/,
    );
    expectBadArgument(
      () => sampleSizeTwoProportions({ baseline: 1.5, mde: 0.01 }),
      /baseline must be strictly between/,
    );
    expectBadArgument(
      () => sampleSizeTwoProportions({ baseline: 0.99, mde: 0.05 }),
      /must stay strictly between 0 and 1/,
    );
    expectBadArgument(() => sampleSizeTwoProportions({ baseline: 0.1, mde: 0 }), /mde must be non-zero/);
    expectBadArgument(
      () => sequentialTest({ control: arm('a', 10, 1), treatment: arm('b', 10, 1), alpha: -0.1 }),
      /alpha/,
    );
    expectBadArgument(() => epsilonGreedy([arm('a', 1, 1)], 2), /epsilon must be between 0 and 1/);
    expectBadArgument(
      () => thompsonWeights([arm('a', 1, 1), arm('b', 1, 1)], { minWeight: 0.6 }),
      /minWeight \(0.6\) × arms \(2\)/,
    );
    expectBadArgument(() => interpret({ alpha: 2 }), /alpha/);
  });
});
