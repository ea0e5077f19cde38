import type {
  ArmAggregate,
  ChannelRecord,
  EventRecord,
  ExperimentDefinition,
  ExperimentRecord,
  IngestResult,
  ModelVersionRecord,
  PolicySnapshot,
  TaskRecord,
  TimelinePoint,
  VersionStatus,
} from './records.js';

/**
 * Everything the server persists, behind one interface so SQLite (embedded, default) and Postgres
 * (`DATABASE_URL`) are interchangeable; `test/store-contract.ts` holds both to the same behaviour.
 */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Creates or upgrades the schema; safe when several processes start at once. */
  migrate(): Promise<void>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;

  /**
   * Stores the events whose ids are new and adds them to the per-arm aggregates, in one transaction
   * that is durably committed before this resolves. Ids already stored are counted as duplicates.
   */
  ingest(events: EventRecord[]): Promise<IngestResult>;
  aggregates(experiment: string): Promise<ArmAggregate[]>;
  timeline(experiment: string, bucketMs: number): Promise<TimelinePoint[]>;
  countEvents(): Promise<number>;

  /** Creates or replaces a definition; a changed definition gets a new policyVersion. */
  putExperiment(definition: ExperimentDefinition): Promise<ExperimentRecord>;
  getExperiment(key: string): Promise<ExperimentRecord | undefined>;
  listExperiments(): Promise<ExperimentRecord[]>;
  /**
   * Saves new bandit weights as policyVersion + 1, only if the stored version is still `basedOn`
   * (another replica may have won the race); returns the saved record or undefined.
   */
  savePolicy(key: string, weights: number[], basedOn: number): Promise<ExperimentRecord | undefined>;
  policyHistory(key: string): Promise<PolicySnapshot[]>;

  /** Throws CONFLICT if name@version exists: published versions are immutable. */
  publishModel(record: ModelVersionRecord, bytes: Uint8Array): Promise<void>;
  listModels(): Promise<ModelVersionRecord[]>;
  getModel(name: string, version: string): Promise<ModelVersionRecord | undefined>;
  modelBytes(name: string, version: string): Promise<Uint8Array | undefined>;
  setModelStatus(name: string, version: string, status: VersionStatus): Promise<void>;
  setChannel(channel: ChannelRecord): Promise<void>;
  listChannels(): Promise<ChannelRecord[]>;

  createTask(id: string, request: unknown): Promise<TaskRecord>;
  finishTask(id: string, outcome: { result: unknown } | { error: string }): Promise<void>;
  getTask(id: string): Promise<TaskRecord | undefined>;
  /** Tasks still pending (e.g. their process died), oldest first. */
  pendingTasks(limit: number): Promise<TaskRecord[]>;
}
