import type { ExperimentDefinition, ExperimentRecord, PolicySnapshot } from './records.js';

/** Experiment definitions and the bandit policy state the server computes for them. */
export interface ExperimentStore {
  /** Creates or replaces a definition; a changed definition gets a new policyVersion. */
  put(definition: ExperimentDefinition): Promise<ExperimentRecord>;
  get(key: string): Promise<ExperimentRecord | undefined>;
  list(): Promise<ExperimentRecord[]>;
  /**
   * Saves new bandit weights as policyVersion + 1, only if the stored version is still `basedOn`
   * (another replica may have won the race); returns the saved record or undefined.
   */
  savePolicy(key: string, weights: number[], basedOn: number): Promise<ExperimentRecord | undefined>;
  policyHistory(key: string): Promise<PolicySnapshot[]>;
}
