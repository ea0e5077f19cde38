import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './harness/chromium.js';
import { startCollector } from './harness/collector.js';

const KEY = 'pk_dashboard';
const ADMIN = 'dashboard-admin';
const T0 = Date.parse('2026-11-25T12:00:00Z');

/**
 * Five minutes of traffic, one new user per exposure, rewards tied to their decision: treatment
 * gets more of it and converts better as time goes on. One user of treatment cannot run it.
 */
function traffic(experiment: string) {
  const events: object[] = [];
  const base = { experiment, probability: 0.5, modelVersion: '1.0.0' };
  events.push({
    ...base,
    id: randomUUID(),
    type: 'ineligible',
    arm: 'treatment',
    userId: 'old-phone',
    ts: T0,
    reason: 'no WebGPU',
  });
  for (let minute = 0; minute < 5; minute++) {
    const ts = T0 + minute * 60_000;
    for (const [arm, n, rate] of [
      ['control', 100 - minute * 10, 0.1],
      ['treatment', 100 + minute * 10, 0.2],
    ] as const) {
      for (let i = 0; i < n; i++) {
        const userId = `${arm}-${minute}-${i}`;
        const exposureId = randomUUID();
        events.push({ ...base, id: exposureId, type: 'exposure', arm, userId, ts });
        events.push({
          ...base,
          id: randomUUID(),
          type: 'reward',
          arm,
          userId,
          ts,
          exposureId,
          value: i < n * rate ? 1 : 0,
        });
      }
    }
  }
  return events;
}

describe('/dashboard in Chromium', () => {
  let app: FastifyInstance;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    const experiment = {
      key: 'checkout-bandit',
      type: 'bandit',
      seed: 1,
      policy: 'thompson',
      arms: [
        { name: 'control', model: 'iris', version: '1.0.0', weight: 0.5 },
        { name: 'treatment', model: 'iris', version: '1.0.0-int8', weight: 0.5 },
      ],
    };
    ({ app, api: url } = await startCollector({
      writeKey: KEY,
      adminToken: ADMIN,
      experiments: [experiment],
    }));
    const events = traffic('checkout-bandit');
    for (let i = 0; i < events.length; i += 500) {
      const res = await fetch(`${url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-edgewise-key': KEY },
        body: JSON.stringify({ events: events.slice(i, i + 500) }),
      });
      expect(res.status).toBe(200);
    }
    await fetch(`${url}/v1/experiments/checkout-bandit/policy`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('lists experiments with users, ineligible users and p-values, and plots allocation, users, reward rates and confidence sequences', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${url}/dashboard`);
    await page.waitForSelector('body[data-ready]');
    expect(await page.getAttribute('body', 'data-ready')).toBe('true');
    expect(errors).toEqual([]);

    const section = page.locator('section[data-experiment="checkout-bandit"]');
    await expect(section.locator('h2').textContent()).resolves.toBe('checkout-bandit');
    expect(await section.locator('.meta').first().textContent()).toContain('policy v2');
    expect(await section.locator('tr[data-arm]').count()).toBe(2);
    // users, not events: 5 minutes of 100 − 10·minute control users; the ineligible user apart
    const control = section.locator('tr[data-arm="control"]');
    expect(await control.locator('td[data-col="users"]').textContent()).toBe('400');
    expect(await control.locator('td[data-col="decisions"]').textContent()).toBe('400');
    const treatmentRow = section.locator('tr[data-arm="treatment"]');
    expect(await treatmentRow.locator('td[data-col="ineligible-users"]').textContent()).toBe('1');
    const raw = await treatmentRow.locator('td[data-col="p-raw"]').textContent();
    expect(Number(raw)).toBeGreaterThan(0);
    expect(Number(raw)).toBeLessThan(1);
    // two arms, one comparison: Holm leaves it as it is
    expect(await treatmentRow.locator('td[data-col="p-adjusted"]').textContent()).toBe(raw);
    expect(await section.locator('svg[data-plot="users"] path[data-series]').count()).toBe(2);

    // allocation: one line per arm across the five buckets, treatment's share rising
    const allocation = section.locator('svg[data-plot="allocation"]');
    expect(await allocation.locator('path[data-series]').count()).toBe(2);
    const treatmentPath = (await allocation.locator('path[data-series="treatment"]').getAttribute('d')) ?? '';
    const ys = [...treatmentPath.matchAll(/[ML][\d.]+ ([\d.]+)/g)].map((m) => Number(m[1]));
    expect(ys).toHaveLength(5);
    expect(ys[4]).toBeLessThan(ys[0] as number); // SVG y grows downward: a smaller y is a larger share

    expect(await section.locator('svg[data-plot="rates"] path[data-series]').count()).toBe(2);
    const differences = section.locator('svg[data-plot="differences"]');
    expect(await differences.locator('path[data-series="treatment"]').count()).toBe(1);
    expect(await differences.locator('polygon[data-band="treatment"]').count()).toBe(1);
    await page.close();
  });
});
