export { type CompressedSizes, compressedSizes } from './compressed-size.js';
export { type PrunedTensor, type PruneOptions, type PruneReport, pruneMagnitude } from './magnitude.js';
export { polynomialSchedule } from './schedule.js';
