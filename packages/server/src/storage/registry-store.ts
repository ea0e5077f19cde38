import type { BaselineRecord, ChannelRecord, ModelVersionRecord, VersionStatus } from './records.js';

/** Published model versions, their bytes, and the channels that point at them. */
export interface RegistryStore {
  /** Throws CONFLICT if name@version exists: published versions are immutable. */
  publish(record: ModelVersionRecord, bytes: Uint8Array): Promise<void>;
  list(): Promise<ModelVersionRecord[]>;
  get(name: string, version: string): Promise<ModelVersionRecord | undefined>;
  /** The whole file (for loading a session); downloads use `readRange`. */
  bytes(name: string, version: string): Promise<Uint8Array | undefined>;
  /** Bytes start..end (inclusive) of the file, a chunk at a time. */
  readRange(name: string, version: string, start: number, end: number): AsyncIterable<Uint8Array>;
  setStatus(name: string, version: string, status: VersionStatus): Promise<void>;
  setChannel(channel: ChannelRecord): Promise<void>;
  listChannels(): Promise<ChannelRecord[]>;
  /** Sets (or replaces: a baseline may be recomputed) a version's baseline summary. */
  putBaseline(baseline: BaselineRecord): Promise<void>;
  baseline(name: string, version: string, variant: string): Promise<BaselineRecord | undefined>;
}
