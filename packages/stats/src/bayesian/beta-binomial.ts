// Beta-Binomial comparison of two conversion rates. With a Beta(α, β) prior, arm X's rate has
// posterior Beta(α + successes, β + failures). Both quantities below are one-dimensional
// integrals against the treatment posterior, computed by adaptive Gauss–Legendre quadrature
// (absolute error below 1e-10), not by Monte Carlo.

import { betaBoth, betaPdf } from '../special/beta.js';
import { integrate } from '../special/quadrature.js';
import type { BetaPrior } from '../types.js';
import { requireCounts, requirePositive } from '../validate.js';

export interface BetaBinomialInput {
  successesA: number;
  totalA: number;
  successesB: number;
  totalB: number;
  /** Prior on both rates. Default Beta(1, 1), uniform. */
  prior?: BetaPrior;
}

interface Posteriors {
  aA: number;
  bA: number;
  aB: number;
  bB: number;
}

function posteriors(input: BetaBinomialInput): Posteriors {
  const a = requireCounts('A', input?.successesA, input?.totalA, { allowEmpty: true });
  const b = requireCounts('B', input.successesB, input.totalB, { allowEmpty: true });
  const prior = input.prior ?? { alpha: 1, beta: 1 };
  const pa = requirePositive('prior.alpha', prior.alpha);
  const pb = requirePositive('prior.beta', prior.beta);
  return { aA: pa + a.s, bA: pb + a.n - a.s, aB: pa + b.s, bB: pb + b.n - b.s };
}

/** Where Beta(a, b) has its mass: mean ± 40 sd, clipped to [0, 1]. */
function support(a: number, b: number): [number, number] {
  const mean = a / (a + b);
  const sd = Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1)));
  return [Math.max(0, mean - 40 * sd), Math.min(1, mean + 40 * sd)];
}

/**
 * P(rate B > rate A) under independent Beta posteriors: ∫ f_B(x) F_A(x) dx.
 *
 * @example
 * probabilityToBeatControl({ successesA: 100, totalA: 1000, successesB: 130, totalB: 1000 }); // 0.983
 */
export function probabilityToBeatControl(input: BetaBinomialInput): number {
  const { aA, bA, aB, bB } = posteriors(input);
  const [lo, hi] = support(aB, bB);
  const p = integrate((x) => betaPdf(x, aB, bB) * betaBoth(x, aA, bA)[0], lo, hi, 1e-11);
  return Math.min(1, Math.max(0, p));
}

export interface ExpectedLossResult {
  /** E[max(rate B − rate A, 0)]: what shipping A (keeping control) is expected to cost. */
  lossA: number;
  /** E[max(rate A − rate B, 0)]: what shipping B is expected to cost. Stop when it is below your threshold of caring. */
  lossB: number;
}

/** E[max(X − y, 0)] for X ~ Beta(a, b): (a/(a+b))·P(Beta(a+1, b) > y) − y·P(Beta(a, b) > y). */
function excess(y: number, a: number, b: number): number {
  const v = (a / (a + b)) * betaBoth(y, a + 1, b)[1] - y * betaBoth(y, a, b)[1];
  return Math.max(0, v);
}

/**
 * Expected loss (in conversion-rate units) of shipping each arm, under independent Beta
 * posteriors; the usual Bayesian stopping rule ships B once `lossB` is below a tolerance such as
 * 0.1% of the baseline.
 *
 * @example
 * expectedLoss({ successesA: 100, totalA: 1000, successesB: 130, totalB: 1000 });
 * // { lossA: 0.0300, lossB: 0.0000924 }
 */
export function expectedLoss(input: BetaBinomialInput): ExpectedLossResult {
  const { aA, bA, aB, bB } = posteriors(input);
  const [loB, hiB] = support(aB, bB);
  const [loA, hiA] = support(aA, bA);
  const lossB = integrate((y) => betaPdf(y, aB, bB) * excess(y, aA, bA), loB, hiB, 1e-13);
  const lossA = integrate((y) => betaPdf(y, aA, bA) * excess(y, aB, bB), loA, hiA, 1e-13);
  return { lossA, lossB };
}
