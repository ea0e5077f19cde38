import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { wireEvent } from './support/events.js';
import { ADMIN_TOKEN, adminHeaders, eventServer, WRITE_KEY, writeHeaders } from './support/server.js';

describe('observability and hardening', () => {
  it('exports Prometheus metrics: requests, latency, events ingested, duplicates dropped', async () => {
    const app = await eventServer();
    const events = [wireEvent(), wireEvent()];
    await app.inject({ method: 'POST', url: '/v1/events', headers: writeHeaders, payload: { events } });
    await app.inject({ method: 'POST', url: '/v1/events', headers: writeHeaders, payload: { events } });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0.0.4/);
    const text = res.body;
    expect(text).toContain('edgewise_events_ingested_total 2');
    expect(text).toContain('edgewise_events_duplicates_dropped_total 2');
    expect(text).toContain('edgewise_http_requests_total{method="POST",route="/v1/events",status="200"} 2');
    expect(text).toMatch(
      /edgewise_http_request_duration_seconds_bucket\{le="\+Inf",method="POST",route="\/v1\/events"\} 2/,
    );
    await app.close();
  });

  it('passes promtool check metrics, with Node process metrics and the ingest series beside ours', async () => {
    const promtool = spawnSync('promtool', ['--version']);
    if (promtool.status !== 0) {
      // CI installs it (.ci/run); a machine without it is told what to install, not passed silently.
      throw new Error('promtool is missing: apt-get install prometheus');
    }
    const app = await eventServer();
    await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: writeHeaders,
      payload: { events: [wireEvent(), wireEvent(), wireEvent()] },
    });
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    await app.close();
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);
    for (const series of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_heap_size_used_bytes',
      'nodejs_gc_duration_seconds_count',
      'edgewise_event_batch_size_bucket{le="5"} 1',
      'edgewise_ingest_commit_events_count 1',
      'edgewise_ingest_commit_duration_seconds_count{store="sqlite"} 1',
      'edgewise_ingest_queue_batches 0',
      'edgewise_ingest_queue_events 0',
    ])
      expect(text).toContain(series);
  });

  it('is ready while the database answers, and not once shutdown begins', async () => {
    const app = await eventServer({ shutdownDelayMs: 1 });
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({
      ready: true,
      store: 'sqlite',
    });
    const closing = app.edgewise.shutdown();
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    await closing;
  });

  it('never writes write keys or the admin token to the log', async () => {
    let log = '';
    const stream = new Writable({
      write(chunk, _enc, done) {
        log += chunk.toString();
        done();
      },
    });
    const app = await eventServer({ logger: { level: 'trace', stream } });
    await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: writeHeaders,
      payload: { events: [wireEvent()] },
    });
    await app.inject({
      method: 'POST',
      url: `/v1/events?key=${WRITE_KEY}`,
      payload: { events: [wireEvent()] },
    });
    await app.inject({
      method: 'POST',
      url: '/v1/experiments',
      headers: adminHeaders,
      payload: { bad: true },
    });
    await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { 'x-edgewise-key': WRITE_KEY },
      payload: '{',
    });
    await app.close();
    expect(log).toContain('/v1/events');
    expect(log).toContain('key=[redacted]');
    expect(log).not.toContain(WRITE_KEY);
    expect(log).not.toContain(ADMIN_TOKEN);
  });

  it('answers CORS preflights only for allowed origins', async () => {
    const app = await eventServer({ corsOrigins: ['https://shop.example'] });
    const preflight = (origin: string) =>
      app.inject({
        method: 'OPTIONS',
        url: '/v1/events',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,authorization',
        },
      });
    expect((await preflight('https://shop.example')).headers['access-control-allow-origin']).toBe(
      'https://shop.example',
    );
    expect((await preflight('https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
    await app.close();
  });

  it('serves the dashboard page', async () => {
    const app = await eventServer();
    const res = await app.inject({ method: 'GET', url: '/dashboard' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('/v1/experiments');
    await app.close();
  });
});
