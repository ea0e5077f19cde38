// A request that stops sending fails instead of hanging; a slow one that keeps moving is never cut.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stallGuard } from '../../src/models/stall-guard.js';

describe('stallGuard', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/silent') return; // accepts the request, never answers
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      if (req.url === '/stalls') return void res.write('first bytes'); // then nothing, ever
      let sent = 0;
      const timer = setInterval(() => {
        res.write('x');
        if (++sent === 6) {
          clearInterval(timer);
          res.end();
        }
      }, 60); // 360 ms in all, never 200 ms without a byte
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  });

  const guarded = stallGuard((input, init) => fetch(input, init), 200);

  it('fails a request whose headers never come', async () => {
    await expect(guarded(`${url}/silent`)).rejects.toThrow(/sent nothing for 0.2 s/);
  });

  it('fails a body that stops arriving', async () => {
    const response = await guarded(`${url}/stalls`);
    await expect(response.arrayBuffer()).rejects.toThrow();
  });

  it('lets a slow body that keeps moving finish', async () => {
    const response = await guarded(`${url}/slow`);
    expect(new TextDecoder().decode(await response.arrayBuffer())).toBe('xxxxxx');
  });

  it('still answers to the caller’s own AbortSignal', async () => {
    const controller = new AbortController();
    const pending = stallGuard((i, o) => fetch(i, o), 5_000)(`${url}/silent`, { signal: controller.signal });
    controller.abort(new Error('the app gave up'));
    await expect(pending).rejects.toThrow(/the app gave up/);
  });
});
