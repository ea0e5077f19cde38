import { readFile } from 'node:fs/promises';
import { modelsRoot } from './server.js';
import { experimentsArgs, startServerProcess } from './server-process.js';

/** What one run of the hostile memory scenario measured. */
export interface HostileLoadFigures {
  predicts: number;
  predictElements: number;
  events: number;
  eventsRejected: number;
  /** Resident memory after start-up, at the end, and its peak over the run (VmHWM), in bytes. */
  rssStart: number;
  rssEnd: number;
  rssPeak: number;
  timelineMs: number;
  timelineArms: string[];
  statuses: Record<string, number>;
}

async function status(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = new RegExp(`${field}:\\s+(\\d+)\\s+kB`).exec(text);
  if (!kb) throw new Error(`/proc/${pid}/status has no ${field}`);
  return Number(kb[1]) * 1024;
}

/**
 * The attacks of issue 19 on a real server process (the CLI, SQLite): `predicts` distinct inputs of
 * `rows` × 4 floats to /v1/predict, 8 in flight (what once filled the answer cache until the heap
 * ran out), then `events` exposures each naming a new arm (what once grew the timeline without end),
 * then one timeline read. Linux only: resident memory comes from /proc.
 */
export async function runHostileLoad(options: {
  predicts: number;
  rows: number;
  events: number;
}): Promise<HostileLoadFigures> {
  const server = await startServerProcess(
    ['--models', modelsRoot, '--db', ':memory:', ...experimentsArgs()],
    {
      WRITE_KEYS: 'pk_mem',
      PREDICT_RATE_LIMIT_PER_MINUTE: '1000000',
      RATE_LIMIT_PER_MINUTE: '1000000',
      READ_RATE_LIMIT_PER_MINUTE: '1000000',
    },
  );
  const pid = server.child.pid as number;
  const headers = { authorization: 'Bearer pk_mem', 'content-type': 'application/json' };
  const statuses: Record<string, number> = {};
  const count = (code: number) => {
    statuses[code] = (statuses[code] ?? 0) + 1;
  };
  try {
    const warm = await fetch(`${server.url}/v1/predict`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: 'iris', inputs: { input: { dims: [1, 4], data: [1, 2, 3, 4] } } }),
    });
    if (warm.status !== 200) throw new Error(`warm-up predict answered ${warm.status}: ${await warm.text()}`);
    const rssStart = await status(pid, 'VmRSS');
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < options.predicts; i = next++) {
        // Distinct per request, so every answer is a cache miss the byte budget has to absorb.
        const data = Array.from({ length: options.rows * 4 }, (_, k) => ((k * 31 + i) % 97) / 10 + i * 1e-6);
        const res = await fetch(`${server.url}/v1/predict`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ model: 'iris', inputs: { input: { dims: [options.rows, 4], data } } }),
        });
        await res.arrayBuffer();
        count(res.status);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));

    let rejected = 0;
    // The CLI server runs on the real clock, so a minute ago is inside the collector's window.
    const ts = new Date(Date.now() - 60_000).toISOString();
    for (let sent = 0; sent < options.events; sent += 500) {
      const events = Array.from({ length: Math.min(500, options.events - sent) }, (_, k) => ({
        id: crypto.randomUUID(),
        type: 'exposure',
        userId: `u${sent + k}`,
        experiment: 'exp',
        arm: `arm-${sent + k}`,
        probability: 0.5,
        modelVersion: '1.0.0',
        ts,
      }));
      const res = await fetch(`${server.url}/v1/events`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ events }),
      });
      count(res.status);
      const body = (await res.json()) as { rejected?: unknown[] };
      rejected += body.rejected?.length ?? 0;
    }
    const started = performance.now();
    const timeline = await fetch(`${server.url}/v1/experiments/exp/timeline`);
    const body = (await timeline.json()) as { arms: string[] };
    const timelineMs = performance.now() - started;
    count(timeline.status);
    return {
      predicts: options.predicts,
      predictElements: options.rows * 4,
      events: options.events,
      eventsRejected: rejected,
      rssStart,
      rssEnd: await status(pid, 'VmRSS'),
      rssPeak: await status(pid, 'VmHWM'),
      timelineMs,
      timelineArms: body.arms,
      statuses,
    };
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
}
