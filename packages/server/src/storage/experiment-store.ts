import type {
  ArmStop,
  AuditRecord,
  ExperimentDefinition,
  ExperimentRecord,
  PolicySnapshot,
} from './records.js';

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
  savePolicy(
    key: string,
    weights: number[],
    basedOn: number,
    contextWeights?: Record<string, number[]>,
  ): Promise<ExperimentRecord | undefined>;
  policyHistory(key: string): Promise<PolicySnapshot[]>;
  /**
   * Runs `work` as the one holder of the experiment's policy lease among every process on this
   * database, and resolves undefined without running it when another holds it: one leader per
   * experiment computes its policy, the others skip.
   */
  withPolicyLease<T>(key: string, work: () => Promise<T>): Promise<T | undefined>;
  /**
   * Stops one arm (or, arm null, the whole experiment) and writes the audit row, in one
   * transaction. False, and nothing written, when it is already stopped.
   */
  stop(key: string, arm: string | null, stop: ArmStop, actor: string): Promise<boolean>;
  /** Lifts a stop and writes the audit row, in one transaction; false when it was not stopped. */
  resume(key: string, arm: string | null, actor: string, reason?: string): Promise<boolean>;
  /** Every stop and resume of the experiment, oldest first. */
  audit(key: string): Promise<AuditRecord[]>;
}
