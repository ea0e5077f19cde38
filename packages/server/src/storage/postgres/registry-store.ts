import type pg from 'pg';
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
import { toRecord } from './database.js';

export class PostgresRegistryStore implements RegistryStore {
  constructor(private readonly pool: pg.Pool) {}

  async publish(record: ModelVersionRecord, bytes: Uint8Array): Promise<void> {
    // The file goes to model_chunks in the same transaction; `data` only holds pre-chunking files.
    const client = await this.pool.connect();
    let rowCount: number | null = 0;
    try {
      await client.query('BEGIN');
      ({ rowCount } = await client.query(
        'INSERT INTO model_versions (name, version, record, status, data) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
        [record.name, record.version, JSON.stringify(record), record.status, Buffer.alloc(0)],
      ));
      if (rowCount === 1)
        for (const [seq, chunk] of splitChunks(bytes).entries())
          await client.query('INSERT INTO model_chunks (name, version, seq, data) VALUES ($1, $2, $3, $4)', [
            record.name,
            record.version,
            seq,
            Buffer.from(chunk),
          ]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
    if (rowCount !== 1) throw alreadyPublished(record.name, record.version);
  }

  private async versions(where: string, args: string[]): Promise<ModelVersionRecord[]> {
    const { rows } = await this.pool.query<ModelVersionRow>(
      `SELECT record, status FROM model_versions ${where} ORDER BY name, version`,
      args,
    );
    return rows.map(toRecord.modelVersion);
  }

  list(): Promise<ModelVersionRecord[]> {
    return this.versions('', []);
  }

  async get(name: string, version: string): Promise<ModelVersionRecord | undefined> {
    return (await this.versions('WHERE name = $1 AND version = $2', [name, version]))[0];
  }

  private async chunk(name: string, version: string, seq: number): Promise<Uint8Array | undefined> {
    const { rows } = await this.pool.query<{ data: Buffer }>(
      'SELECT data FROM model_chunks WHERE name = $1 AND version = $2 AND seq = $3',
      [name, version, seq],
    );
    return rows[0] ? bytesOf(rows[0].data) : undefined;
  }

  readRange(name: string, version: string, start: number, end: number): AsyncIterable<Uint8Array> {
    return readRange(
      (seq) => this.chunk(name, version, seq),
      () => this.legacyBytes(name, version),
      start,
      end,
    );
  }

  async bytes(name: string, version: string): Promise<Uint8Array | undefined> {
    const { rows } = await this.pool.query<{ data: Buffer }>(
      'SELECT data FROM model_chunks WHERE name = $1 AND version = $2 ORDER BY seq',
      [name, version],
    );
    return rows.length ? bytesOf(Buffer.concat(rows.map((r) => r.data))) : this.legacyBytes(name, version);
  }

  private async legacyBytes(name: string, version: string): Promise<Uint8Array | undefined> {
    const { rows } = await this.pool.query<{ data: Buffer }>(
      'SELECT data FROM model_versions WHERE name = $1 AND version = $2',
      [name, version],
    );
    const data = rows[0]?.data;
    return data ? bytesOf(data) : undefined;
  }

  async setStatus(name: string, version: string, status: VersionStatus): Promise<void> {
    await this.pool.query('UPDATE model_versions SET status = $1 WHERE name = $2 AND version = $3', [
      status,
      name,
      version,
    ]);
  }

  async setChannel(channel: ChannelRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO channels (name, channel, version) VALUES ($1, $2, $3)
       ON CONFLICT (name, channel) DO UPDATE SET version = excluded.version`,
      [channel.name, channel.channel, channel.version],
    );
  }

  async listChannels(): Promise<ChannelRecord[]> {
    const { rows } = await this.pool.query<ChannelRecord>(
      'SELECT name, channel, version FROM channels ORDER BY name, channel',
    );
    return rows;
  }

  async putBaseline(b: BaselineRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO model_baselines (name, version, variant, summary, thresholds, created_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (name, version, variant) DO UPDATE SET summary = excluded.summary,
         thresholds = excluded.thresholds, created_at = excluded.created_at`,
      [
        b.name,
        b.version,
        b.variant,
        JSON.stringify(b.summary),
        b.thresholds ? JSON.stringify(b.thresholds) : null,
        b.createdAt,
      ],
    );
  }

  async baseline(name: string, version: string, variant: string): Promise<BaselineRecord | undefined> {
    const { rows } = await this.pool.query<BaselineRow>(
      'SELECT summary, thresholds, created_at FROM model_baselines WHERE name = $1 AND version = $2 AND variant = $3',
      [name, version, variant],
    );
    return rows[0] ? baselineFromRow({ name, version, variant }, rows[0]) : undefined;
  }
}
