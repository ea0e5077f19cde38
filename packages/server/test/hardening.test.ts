import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildServer } from '../src/app.js';
import { DASHBOARD_HTML } from '../src/dashboard/dashboard-page.js';
import { ISOLATION_HEADERS } from '../src/isolation-headers.js';

const KEY = 'pk_test';

async function folders() {
  const site = await mkdtemp(join(tmpdir(), 'ew-site-'));
  await writeFile(join(site, 'index.html'), '<!doctype html><title>x</title>');
  await writeFile(join(site, '.env'), 'SECRET=1');
  await mkdir(join(site, '.git'));
  await writeFile(join(site, '.git', 'config'), '[core]');
  const models = await mkdtemp(join(tmpdir(), 'ew-models-'));
  await mkdir(join(models, 'm', '1'), { recursive: true });
  await writeFile(join(models, 'm', '1', 'm.onnx'), Buffer.from([1, 2, 3]));
  await mkdir(join(models, 'src'));
  await writeFile(join(models, 'src', 'train.ts'), 'export {}');
  await mkdir(join(models, '.git'));
  await writeFile(join(models, '.git', 'config'), '[core]');
  const version = { url: 'm/1/m.onnx', inputs: [], outputs: [], status: 'approved' };
  const manifest = { schemaVersion: 1, models: { m: { channels: {}, versions: { '1': version } } } };
  await writeFile(join(models, 'manifest.json'), JSON.stringify(manifest));
  return { site, models };
}

describe('static and model files', () => {
  it('refuses dotfiles from --static and --models, also percent-encoded', async () => {
    const { site, models } = await folders();
    const app = await buildServer({ staticRoot: site, modelsRoot: models });
    for (const url of ['/.env', '/.git/config', '/%2eenv', '/%2Egit/config', '/models/.git/config']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).not.toContain('SECRET');
    }
    expect((await app.inject({ method: 'GET', url: '/' })).statusCode).toBe(200);
    await app.close();
  });

  it('serves only manifest.json and the files it names under /models/', async () => {
    const { models } = await folders();
    const app = await buildServer({ modelsRoot: models });
    expect((await app.inject({ method: 'GET', url: '/models/manifest.json' })).statusCode).toBe(200);
    const model = await app.inject({ method: 'GET', url: '/models/m/1/m.onnx' });
    expect(model.statusCode).toBe(200);
    expect(model.headers['x-content-type-options']).toBe('nosniff');
    for (const url of [
      '/models/src/train.ts',
      '/models/src/',
      '/models/m/1/',
      '/models/m/1/../../src/train.ts',
    ]) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(404);
    }
    await app.close();
  });
});

describe('security headers', () => {
  it('gives the dashboard a hash-only script CSP, no framing, nosniff, and keeps isolation', async () => {
    const app = await buildServer();
    const res = await app.inject({ method: 'GET', url: '/dashboard' });
    expect(res.statusCode).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    const script = /<script[^>]*>([\s\S]*?)<\/script>/.exec(DASHBOARD_HTML)?.[1] ?? '';
    const hash = createHash('sha256').update(script).digest('base64');
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    for (const [name, value] of Object.entries(ISOLATION_HEADERS)) expect(res.headers[name]).toBe(value);
    await app.close();
  });

  it('sends nosniff on API answers and errors too', async () => {
    const app = await buildServer();
    for (const url of ['/healthz', '/nowhere']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
    }
    await app.close();
  });
});

describe('rate limits', () => {
  const events = (remoteAddress: string, headers: Record<string, string> = {}) => ({
    method: 'POST' as const,
    url: '/v1/events',
    remoteAddress,
    headers: { 'x-edgewise-key': KEY, 'content-type': 'application/json', ...headers },
    payload: { events: [] },
  });

  it('limits per (write key, client), so a second client of the same key is not throttled', async () => {
    const app = await buildServer({ writeKeys: [KEY], rateLimitPerMinute: 2 });
    for (let i = 0; i < 2; i++) expect((await app.inject(events('10.0.0.1'))).statusCode).not.toBe(429);
    const limited = await app.inject(events('10.0.0.1'));
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json()).toMatchObject({
      error: 'RATE_LIMITED',
      message: expect.stringContaining('retry'),
    });
    expect((await app.inject(events('10.0.0.2'))).statusCode).not.toBe(429);
    await app.close();
  });

  it('ignores X-Forwarded-For unless trustProxy is set', async () => {
    const spoof = (ip: string) => events('10.0.0.9', { 'x-forwarded-for': ip });
    const direct = await buildServer({ writeKeys: [KEY], rateLimitPerMinute: 1 });
    await direct.inject(spoof('1.1.1.1'));
    expect((await direct.inject(spoof('2.2.2.2'))).statusCode).toBe(429);
    await direct.close();
    const proxied = await buildServer({ writeKeys: [KEY], rateLimitPerMinute: 1, trustProxy: true });
    await proxied.inject(spoof('1.1.1.1'));
    expect((await proxied.inject(spoof('2.2.2.2'))).statusCode).not.toBe(429);
    expect((await proxied.inject(spoof('1.1.1.1'))).statusCode).toBe(429);
    await proxied.close();
  });

  it('limits reads and admin writes too', async () => {
    const app = await buildServer({ adminToken: 'secret', rateLimits: { read: 1, admin: 1 } });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(429);
    const admin = {
      method: 'POST' as const,
      url: '/v1/experiments',
      headers: { authorization: 'Bearer secret' },
    };
    expect((await app.inject({ ...admin, payload: {} })).statusCode).not.toBe(429);
    expect((await app.inject({ ...admin, payload: {} })).statusCode).toBe(429);
    await app.close();
  });
});

describe('slow clients and bodies', () => {
  it('refuses an admin JSON body over the default 64 KiB', async () => {
    const app = await buildServer({ adminToken: 'secret' });
    const res = await app.inject({
      method: 'POST',
      url: '/v1/experiments',
      headers: { authorization: 'Bearer secret', 'content-type': 'application/json' },
      payload: JSON.stringify({ key: 'x'.repeat(100 * 1024) }),
    });
    expect(res.statusCode).toBe(413);
    await app.close();
  });

  it('cuts off a body dripped a byte at a time within the request timeout', async () => {
    const app = await buildServer({
      writeKeys: [KEY],
      timeouts: { requestTimeoutMs: 1500, headersTimeoutMs: 1000 },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    const started = Date.now();
    const closed = await new Promise<{ ms: number; answer: string }>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      let answer = '';
      let drip: NodeJS.Timeout | undefined;
      socket.on('connect', () => {
        socket.write(
          `POST /v1/events HTTP/1.1\r\nhost: x\r\nx-edgewise-key: ${KEY}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{`,
        );
        drip = setInterval(() => socket.writable && socket.write(' '), 200);
      });
      socket.on('data', (chunk) => {
        answer += chunk.toString();
      });
      socket.on('error', () => {});
      socket.on('close', () => {
        clearInterval(drip);
        resolve({ ms: Date.now() - started, answer });
      });
    });
    expect(closed.ms).toBeLessThan(5_000);
    expect(closed.answer).toMatch(/^HTTP\/1\.1 408/);
    await app.close();
  }, 10_000);
});
