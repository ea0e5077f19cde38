import type { ChannelRecord, ModelVersionRecord, VersionStatus } from '../records.js';
import type { RegistryStore } from '../registry-store.js';
import { alreadyPublished, bytesOf, type ModelVersionRow } from '../row-mapping.js';
import { type SqliteDatabase, toRecord } from './database.js';

export class SqliteRegistryStore implements RegistryStore {
  constructor(private readonly db: SqliteDatabase) {}

  async publish(record: ModelVersionRecord, bytes: Uint8Array): Promise<void> {
    const info = this.db
      .prepare(
        'INSERT INTO model_versions (name, version, record, status, data) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      )
      .run(record.name, record.version, JSON.stringify(record), record.status, Buffer.from(bytes));
    if (info.changes !== 1) throw alreadyPublished(record.name, record.version);
  }

  private versions(where: string, ...args: string[]): ModelVersionRecord[] {
    const rows = this.db
      .prepare(`SELECT record, status FROM model_versions ${where} ORDER BY name, version`)
      .all(...args) as ModelVersionRow[];
    return rows.map(toRecord.modelVersion);
  }

  async list(): Promise<ModelVersionRecord[]> {
    return this.versions('');
  }

  async get(name: string, version: string): Promise<ModelVersionRecord | undefined> {
    return this.versions('WHERE name = ? AND version = ?', name, version)[0];
  }

  async bytes(name: string, version: string): Promise<Uint8Array | undefined> {
    const row = this.db
      .prepare('SELECT data FROM model_versions WHERE name = ? AND version = ?')
      .get(name, version) as { data: Buffer } | undefined;
    return row ? bytesOf(row.data) : undefined;
  }

  async setStatus(name: string, version: string, status: VersionStatus): Promise<void> {
    this.db
      .prepare('UPDATE model_versions SET status = ? WHERE name = ? AND version = ?')
      .run(status, name, version);
  }

  async setChannel(channel: ChannelRecord): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO channels (name, channel, version) VALUES (?, ?, ?) ON CONFLICT (name, channel) DO UPDATE SET version = excluded.version',
      )
      .run(channel.name, channel.channel, channel.version);
  }

  async listChannels(): Promise<ChannelRecord[]> {
    return this.db
      .prepare('SELECT name, channel, version FROM channels ORDER BY name, channel')
      .all() as ChannelRecord[];
  }
}
