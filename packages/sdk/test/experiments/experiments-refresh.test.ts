// Revalidating experiments against the real server: a 304 changes nothing, a changed definition is
// picked up, a list that fails validation or an unreachable server leaves the current one in force.
import { buildServer } from '@edgewise/server';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExperimentsClient } from '../../src/experiments/experiments-client.js';
import { memoryKeyValueStore } from '../../src/experiments/key-value-store.js';

const ADMIN = 'refresh-admin';
const arms = (weight: number) => [
  { name: 'control', model: 'iris', version: '1.0.0', weight: 1 },
  { name: 'treatment', model: 'iris', version: '1.1.0', weight },
];

describe('ExperimentsClient.refresh', () => {
  let server: FastifyInstance;
  let base: string;
  const requests: { status: number; conditional: boolean }[] = [];

  beforeAll(async () => {
    server = await buildServer({
      adminToken: ADMIN,
      policyIntervalMs: 0,
      experiments: [{ key: 'exp', type: 'ab', seed: 1, arms: arms(1) }],
    });
    base = await server.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => server?.close());

  const counting: typeof fetch = async (url, init) => {
    const response = await fetch(url, init);
    const headers = new Headers(init?.headers);
    requests.push({ status: response.status, conditional: headers.has('if-none-match') });
    return response;
  };

  it('answers false on a 304, true when the server changed, and serves the new definition', async () => {
    const client = new ExperimentsClient(`${base}/v1/experiments`, memoryKeyValueStore(), counting);
    expect(await client.refresh()).toBe(false); // nothing loaded yet: nothing to revalidate
    expect((await client.get('exp')).arms[1]!.weight).toBe(0.5);
    expect(await client.refresh()).toBe(false);
    expect(requests.at(-1)).toEqual({ status: 304, conditional: true });

    const put = await fetch(`${base}/v1/experiments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify({ key: 'exp', type: 'ab', seed: 1, arms: arms(3) }),
    });
    expect(put.status).toBe(200);
    expect(await client.refresh()).toBe(true);
    expect(requests.at(-1)).toEqual({ status: 200, conditional: true });
    expect((await client.get('exp')).arms[1]!.weight).toBe(0.75);
    expect(await client.refresh()).toBe(false);
  });

  it('keeps what it has when the server is unreachable or serves a list that fails validation', async () => {
    let answer: 'good' | 'bad' | 'down' = 'good';
    const flaky: typeof fetch = async (url, init) => {
      if (answer === 'down') throw new TypeError('fetch failed');
      if (answer === 'bad')
        return Response.json({ experiments: [{ key: 'exp', type: 'ab', seed: 1, arms: [] }] });
      return fetch(url, init);
    };
    const client = new ExperimentsClient(`${base}/v1/experiments`, memoryKeyValueStore(), flaky);
    const before = await client.get('exp');
    answer = 'down';
    expect(await client.refresh()).toBe(false);
    answer = 'bad';
    expect(await client.refresh()).toBe(false);
    expect(await client.get('exp')).toEqual(before);
  });
});
