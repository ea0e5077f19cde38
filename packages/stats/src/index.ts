// @edgewise/stats — experiment statistics and bandit policies. Pure TypeScript, no dependencies,
// Node and browser. Plain objects in, plain objects out; bad input throws StatsError('BAD_ARGUMENT').

export { chooseArm, recordReward, updateRunningAverage } from './bandits/arms.js';
export {
  type ContextualDecision,
  type ContextualOpeResult,
  type ContextualPolicy,
  contextualOffPolicy,
  type OffPolicyValue,
} from './bandits/contextual-off-policy.js';
export { epsilonGreedy } from './bandits/epsilon-greedy.js';
export {
  type HierarchicalThompsonOptions,
  hierarchicalThompsonWeights,
} from './bandits/hierarchical-thompson.js';
export { type IpsSums, ipsFromSums } from './bandits/ips-from-sums.js';
export { type IpsResult, ipsEstimate, type LoggedDecision } from './bandits/off-policy.js';
// Bandits
export {
  type RewardModel,
  type ThompsonOptions,
  thompsonChoose,
  thompsonWeights,
} from './bandits/thompson.js';
export { ucb1 } from './bandits/ucb1.js';
// Bayesian
export {
  type BetaBinomialInput,
  type ExpectedLossResult,
  expectedLoss,
  probabilityToBeatControl,
} from './bayesian/beta-binomial.js';
// Drift between distributions (model monitoring)
export { ksStatistic, wassersteinDistance } from './drift/distribution-distance.js';
export { binWeights, PSI_FLOOR, psi, psiByQuantiles, quantileEdges } from './drift/psi.js';
export type { WeightedSample } from './drift/weighted-sample.js';
export { isStatsError, StatsError, type StatsErrorCode } from './errors.js';
export { benjaminiHochberg, holm } from './frequentist/multiple-comparisons.js';
export {
  type PowerTTestInput,
  powerTTestInd,
  type SampleSizeCohensDInput,
  type SampleSizeProportionsInput,
  sampleSizeCohensD,
  sampleSizeTwoProportions,
} from './frequentist/sample-size.js';
export { type SrmInput, type SrmResult, srmTest } from './frequentist/srm.js';
export {
  type WelchInput,
  type WelchOptions,
  type WelchResult,
  welchTTest,
} from './frequentist/welch-t-test.js';
// Frequentist tests and planning
export {
  type TwoProportionInput,
  twoProportionZTest,
  type ZTestOptions,
  type ZTestResult,
} from './frequentist/z-test.js';
// Verdicts
export { type InterpretInput, interpret, type Verdict, type VerdictStatus } from './interpret.js';
// Randomness
export {
  createRng,
  sampleBeta,
  sampleBinomial,
  sampleGamma,
  sampleNormal,
  sampleStudentT,
} from './random.js';
// Always-valid sequential testing
export {
  type ConfidenceSequenceMethod,
  type ConfidenceSequenceOptions,
  type ConfidenceSequenceResult,
  meanConfidenceSequence,
} from './sequential/confidence-sequence.js';
export {
  type ExceedanceInput,
  type ExceedanceResult,
  exceedanceTest,
} from './sequential/exceedance.js';
export {
  normalMixtureLogLikelihoodRatio,
  optimalMixtureRatio,
  type SequentialInput,
  type SequentialMetric,
  type SequentialResult,
  sequentialTest,
} from './sequential/msprt.js';
export { betaCdf, betaPdf, betaQuantile, betaSf } from './special/beta.js';
export { chiSquareCdf, chiSquareIsf, chiSquareQuantile, chiSquareSf } from './special/chi-square.js';
export { logBeta, logGamma, regularizedGammaP, regularizedGammaQ } from './special/gamma.js';
export { noncentralTCdf, noncentralTQuantile, noncentralTSf } from './special/noncentral-t.js';
// Special functions
export { normalCdf, normalIsf, normalPdf, normalQuantile, normalSf } from './special/normal.js';
export { studentTCdf, studentTIsf, studentTPdf, studentTQuantile, studentTSf } from './special/student-t.js';
export type { Alternative, ArmStats, ArmWeight, BetaPrior, Interval, MeanSample, Rng } from './types.js';
