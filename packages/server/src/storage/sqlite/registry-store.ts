import { readRange, splitChunks } from '../model-chunks.js';
import type { BaselineRecord, ChannelRecord, ModelVersionRecord, VersionStatus } from '../records.js';
import type { RegistryStore } from '../registry-store.js';
import {
  alreadyPublished,
  type BaselineRow,
  baselineFromRow,
  bytesOf,
  type ModelVersionRow,
} from '../row-mapping.js';
import { type SqliteDatabase, toRecord } from './database.js';

export class SqliteRegistryStore implements RegistryStore {
  constructor(private readonly db: SqliteDatabase) {}

  async publish(record: ModelVersionRecord, bytes: Uint8Array): Promise<void> {
    // The file goes to model_chunks; `data` stays empty (it holds files published before chunking).
    const insert = this.db.prepare('INSERT INTO model_chunks (name, version, seq, data) VALUES (?, ?, ?, ?)');
    const changes = this.db.transaction(() => {
      const info = this.db
        .prepare(
          'INSERT INTO model_versions (name, version, record, status, data) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
        )
        .run(record.name, record.version, JSON.stringify(record), record.status, Buffer.alloc(0));
      if (info.changes === 1)
        for (const [seq, chunk] of splitChunks(bytes).entries())
          insert.run(record.name, record.version, seq, Buffer.from(chunk));
      return info.changes;
    })();
    if (changes !== 1) throw alreadyPublished(record.name, record.version);
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

  private chunk(name: string, version: string, seq: number): Uint8Array | undefined {
    const row = this.db
      .prepare('SELECT data FROM model_chunks WHERE name = ? AND version = ? AND seq = ?')
      .get(name, version, seq) as { data: Buffer } | undefined;
    return row ? bytesOf(row.data) : undefined;
  }

  readRange(name: string, version: string, start: number, end: number): AsyncIterable<Uint8Array> {
    return readRange(
      async (seq) => this.chunk(name, version, seq),
      async () => this.legacyBytes(name, version),
      start,
      end,
    );
  }

  async bytes(name: string, version: string): Promise<Uint8Array | undefined> {
    const rows = this.db
      .prepare('SELECT data FROM model_chunks WHERE name = ? AND version = ? ORDER BY seq')
      .all(name, version) as { data: Buffer }[];
    return rows.length ? bytesOf(Buffer.concat(rows.map((r) => r.data))) : this.legacyBytes(name, version);
  }

  private legacyBytes(name: string, version: string): Uint8Array | undefined {
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

  async putBaseline(b: BaselineRecord): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO model_baselines (name, version, variant, summary, thresholds, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (name, version, variant) DO UPDATE SET summary = excluded.summary,
           thresholds = excluded.thresholds, created_at = excluded.created_at`,
      )
      .run(
        b.name,
        b.version,
        b.variant,
        JSON.stringify(b.summary),
        b.thresholds ? JSON.stringify(b.thresholds) : null,
        b.createdAt,
      );
  }

  async baseline(name: string, version: string, variant: string): Promise<BaselineRecord | undefined> {
    const row = this.db
      .prepare(
        'SELECT summary, thresholds, created_at FROM model_baselines WHERE name = ? AND version = ? AND variant = ?',
      )
      .get(name, version, variant) as BaselineRow | undefined;
    return row ? baselineFromRow({ name, version, variant }, row) : undefined;
  }
}
