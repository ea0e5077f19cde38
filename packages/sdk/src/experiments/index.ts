export { assignToGroup, md5Mod100 } from './ab-assignment.js';
export { assignArm, chooseArm } from './assign-arm.js';
export { armShares, type BucketRange, bucketRanges, rangeIndex } from './bucket-ranges.js';
export { validateExperiment } from './experiment-config.js';
export type {
  ArmAssignment,
  Assignment,
  AssignOptions,
  AssignReason,
  Attributes,
  BanditPolicyName,
  ExperimentArm,
  ExperimentConfig,
  ExperimentType,
  Holdout,
  ServerPolicy,
} from './experiment-types.js';
export { ExperimentsClient } from './experiments-client.js';
export { type ExposureContext, ExposureLog } from './exposure-log.js';
export { BUCKETS, hashBucket, hashToUnit } from './hash-to-unit.js';
export {
  defaultKeyValueStore,
  indexedDbKeyValueStore,
  type KeyValueStore,
  memoryKeyValueStore,
} from './key-value-store.js';
export { LocalBandit, type LocalBanditOptions } from './local-bandit.js';
export {
  type ArmStats,
  epsilonGreedyChoice,
  type LocalChoice,
  thompsonChoice,
  ucb1Choice,
} from './local-policies.js';
export { md5, md5Hex } from './md5.js';
export { type RandomSource, seededRandom } from './seeded-random.js';
export { StickyAssignments } from './sticky-assignments.js';
export { heldOut, inNamespace, validateHoldout } from './targeting.js';
