import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import { wireEvent } from './support/events.js';
import { eventServer, WRITE_KEY } from './support/server.js';
import { startServerProcess } from './support/server-process.js';

describe('graceful shutdown', () => {
  it('reports not ready, finishes the batch in flight, then closes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ew-shutdown-'));
    const db = join(dir, 'db.sqlite');
    const app = await eventServer({ sqlitePath: db, shutdownDelayMs: 20 });
    let arrived!: () => void;
    const requestArrived = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    app.addHook('onRequest', async (req) => {
      if (req.url === '/v1/events') arrived();
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;

    const body = JSON.stringify({ events: Array.from({ length: 50 }, () => wireEvent()) });
    const half = Math.floor(body.length / 2);
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/v1/events',
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': body.length,
            authorization: `Bearer ${WRITE_KEY}`,
          },
        },
        (res) => {
          let text = '';
          res.on('data', (c) => {
            text += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, half));
      // The rest goes once shutdown has begun, so the batch is in flight across it.
      requestArrived
        .then(async () => {
          const closing = app.edgewise.shutdown();
          const ready = await app.inject({ method: 'GET', url: '/readyz' });
          expect(ready.statusCode).toBe(503);
          req.end(body.slice(half));
          await closing;
        })
        .catch(reject);
    });
    const res = await response;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ accepted: 50, duplicates: 0 });
    await app.edgewise.shutdown();
    expect(app.server.listening).toBe(false);

    const store = new SqliteStore(db);
    expect(await store.events.count()).toBe(50);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ew-sigterm-'));
    const server = await startServerProcess(['--db', join(dir, 'db.sqlite')]);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });
});
