#!/usr/bin/env node
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildServer } from './app.js';
import { readExperimentsFile } from './experiments/experiments-file.js';
import { DEFAULT_RATE_LIMITS, DEFAULT_TIMEOUTS } from './http/limits.js';
import { ACCEPTED_PAST_DAYS } from './storage/postgres/partitions.js';

if (process.argv[2] === 'rebuild-aggregates') {
  const { rebuildCommand } = await import('./rebuild-command.js');
  process.exit(await rebuildCommand(process.argv.slice(3)));
}

const usage = `edgewise-server [--port 8080] [--host 127.0.0.1] [--models dir] [--static dir] [--db .edgewise-data/edgewise.db]
                [--experiments experiments.json] [--cors-origin https://app.example]... [--policy-interval 60]
                [--trust-proxy true|<proxy addresses/CIDRs, comma-separated>]
                [--holdout-share 0.05 --holdout-seed global]
       edgewise-server rebuild-aggregates [--experiment key] [--db path]   (see --help there)
env: DATABASE_URL (Postgres; else SQLite at --db), ADMIN_TOKEN, WRITE_KEYS (comma-separated pk_… keys),
     CORS_ORIGINS (comma-separated), TRUST_PROXY, RATE_LIMIT_PER_MINUTE, PREDICT_RATE_LIMIT_PER_MINUTE,
     READ_RATE_LIMIT_PER_MINUTE, ADMIN_RATE_LIMIT_PER_MINUTE, EVENT_RETENTION_DAYS (Postgres), REQUEST_TIMEOUT_MS, SHUTDOWN_DELAY_MS, LOG_LEVEL,
     EDGEWISE_HOLDOUT_SHARE, EDGEWISE_HOLDOUT_SEED (a share of users no experiment touches)`;

function fail(message: string): never {
  console.error(`edgewise-server: ${message}\n\n${usage}`);
  process.exit(2);
}

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    options: {
      host: { type: 'string', default: process.env.HOST ?? '127.0.0.1' },
      port: { type: 'string', default: process.env.PORT ?? '8080' },
      static: { type: 'string' },
      models: { type: 'string' },
      db: { type: 'string', default: process.env.EDGEWISE_DB ?? '.edgewise-data/edgewise.db' },
      experiments: { type: 'string' },
      'cors-origin': { type: 'string', multiple: true },
      'policy-interval': { type: 'string', default: '60' },
      // Off by default: without a proxy in front, X-Forwarded-For is whatever the client says.
      'trust-proxy': { type: 'string', default: process.env.TRUST_PROXY ?? '' },
      'holdout-share': { type: 'string', default: process.env.EDGEWISE_HOLDOUT_SHARE ?? '' },
      'holdout-seed': { type: 'string', default: process.env.EDGEWISE_HOLDOUT_SEED ?? '' },
      help: { type: 'boolean' },
    },
  });
}
try {
  parsed = parse();
} catch (error) {
  fail((error as Error).message);
}
const { values } = parsed;
if (values.help) {
  console.log(usage);
  process.exit(0);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail(`--port must be an integer between 0 and 65535, got "${values.port}"`);
const policySeconds = Number(values['policy-interval']);
if (!Number.isFinite(policySeconds) || policySeconds < 0)
  fail('--policy-interval must be seconds >= 0 (0 = on demand only)');
const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const numberEnv = (name: string, fallback: number) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) fail(`${name} must be a number >= 0, got "${raw}"`);
  return n;
};

const retentionDays = process.env.EVENT_RETENTION_DAYS ? numberEnv('EVENT_RETENTION_DAYS', 0) : undefined;
if (retentionDays !== undefined && !process.env.DATABASE_URL)
  fail('EVENT_RETENTION_DAYS needs Postgres (DATABASE_URL): the SQLite store keeps every event');
if (retentionDays !== undefined && retentionDays <= ACCEPTED_PAST_DAYS)
  fail(
    `EVENT_RETENTION_DAYS must be more than ${ACCEPTED_PAST_DAYS} (the collector accepts events up to ${ACCEPTED_PAST_DAYS} days old), got ${retentionDays}`,
  );

let writeKeys = list(process.env.WRITE_KEYS);
if (writeKeys.length === 0) {
  // Write keys are public anyway (they ship in pages); a fixed one keeps `npm start` working out of the box.
  writeKeys = ['pk_demo'];
  console.warn('edgewise-server: WRITE_KEYS is not set; accepting events with the demo key "pk_demo"');
}
const trustProxy = values['trust-proxy'] === 'true' ? true : list(values['trust-proxy']);
const rateLimits = {
  predict: numberEnv('PREDICT_RATE_LIMIT_PER_MINUTE', DEFAULT_RATE_LIMITS.predict),
  read: numberEnv('READ_RATE_LIMIT_PER_MINUTE', DEFAULT_RATE_LIMITS.read),
  admin: numberEnv('ADMIN_RATE_LIMIT_PER_MINUTE', DEFAULT_RATE_LIMITS.admin),
};

let holdout: { share: number; seed: string } | undefined;
if (values['holdout-share'] || values['holdout-seed']) {
  const share = Number(values['holdout-share']);
  if (!values['holdout-share'] || !Number.isFinite(share) || share < 0 || share > 1)
    fail(`--holdout-share must be a share in [0, 1] such as 0.05, got "${values['holdout-share']}"`);
  // A default seed would silently pick the same users on every server; naming it is a decision.
  if (!values['holdout-seed'])
    fail('--holdout-seed is required with --holdout-share (e.g. --holdout-seed global-2026)');
  holdout = { share, seed: values['holdout-seed'] };
}

const adminToken = process.env.ADMIN_TOKEN || undefined;
if (!adminToken)
  console.warn('edgewise-server: ADMIN_TOKEN is not set; registry and experiment writes are disabled');

let experiments: Awaited<ReturnType<typeof readExperimentsFile>> = [];
if (values.experiments) {
  try {
    experiments = await readExperimentsFile(resolve(values.experiments));
  } catch (error) {
    fail((error as Error).message);
  }
}

const app = await buildServer({
  ...(values.static ? { staticRoot: resolve(values.static) } : {}),
  ...(values.models ? { modelsRoot: resolve(values.models) } : {}),
  ...(retentionDays !== undefined ? { eventRetentionDays: retentionDays } : {}),
  ...(process.env.DATABASE_URL
    ? { databaseUrl: process.env.DATABASE_URL }
    : { sqlitePath: resolve(values.db) }),
  logger: { level: process.env.LOG_LEVEL ?? 'warn' },
  writeKeys,
  ...(adminToken ? { adminToken } : {}),
  corsOrigins: [...(values['cors-origin'] ?? []), ...list(process.env.CORS_ORIGINS)],
  rateLimitPerMinute: numberEnv('RATE_LIMIT_PER_MINUTE', DEFAULT_RATE_LIMITS.events),
  rateLimits,
  ...(trustProxy === true || trustProxy.length ? { trustProxy } : {}),
  timeouts: { requestTimeoutMs: numberEnv('REQUEST_TIMEOUT_MS', DEFAULT_TIMEOUTS.requestTimeoutMs) },
  shutdownDelayMs: numberEnv('SHUTDOWN_DELAY_MS', 0),
  policyIntervalMs: policySeconds * 1000,
  experiments,
  ...(holdout ? { holdout } : {}),
});
const address = await app.listen({ host: values.host, port });
const store =
  app.edgewise.store.kind === 'postgres' ? 'Postgres (DATABASE_URL)' : `SQLite ${resolve(values.db)}`;
console.log(`Edgewise server listening on ${address.replace('[::1]', 'localhost')} (${store})`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    app.edgewise.shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`edgewise-server: shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  });
}
