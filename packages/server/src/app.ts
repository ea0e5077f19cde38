import { type Holdout, holdoutProblem } from '@edgewise/protocol';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { collectorRoutes } from './collector/events-route.js';
import { dashboardRoutes } from './dashboard/dashboard-routes.js';
import { assignmentsRoutes } from './experiments/assignments-route.js';
import { contextualRoutes } from './experiments/contextual-routes.js';
import { experimentsRoutes } from './experiments/experiments-routes.js';
import { GuardrailMonitor } from './experiments/guardrail-monitor.js';
import { namespaceOverlap, overlapWithin } from './experiments/namespace-overlap.js';
import { PolicyScheduler } from './experiments/policy-scheduler.js';
import { stopRoutes } from './experiments/stop-routes.js';
import { installErrorHandler } from './http/error-handler.js';
import {
  DEFAULT_BODY_LIMIT_BYTES,
  DEFAULT_RATE_LIMITS,
  DEFAULT_TIMEOUTS,
  installRouteLimits,
  type RateLimits,
  serverTimeouts,
  type Timeouts,
} from './http/limits.js';
import { logSerializers, REDACT_PATHS } from './http/log-redaction.js';
import { sharedRateLimitStore } from './http/shared-rate-limit.js';
import { serveModels, serveStatic } from './http/static-files.js';
import { addIsolationHeaders } from './isolation-headers.js';
import { driftRoutes } from './monitoring/drift-routes.js';
import { healthRoutes } from './observability/health-routes.js';
import { ServerMetrics } from './observability/metrics.js';
import { installRequestMetrics } from './observability/request-metrics.js';
import { ModelSource } from './predict/model-source.js';
import { OnnxPredictor, type PredictorLimits } from './predict/onnx-predictor.js';
import { predictRoutes } from './predict/predict-routes.js';
import { type TaskLimits, TaskRunner } from './predict/task-runner.js';
import { readFileManifest } from './registry/file-manifest.js';
import { registryRoutes } from './registry/registry-routes.js';
import { resultsRoutes } from './results/results-routes.js';
import { openStore } from './storage/open-store.js';
import type { ExperimentDefinition } from './storage/records.js';
import type { Store } from './storage/store.js';

export interface ServerOptions {
  /** Folder with the built demo app (or any static site) served at `/`. */
  staticRoot?: string;
  /** Folder with model files (and their manifest.json) served at `/models/`. */
  modelsRoot?: string;
  /** `true` for JSON logs at info level, or pino options (e.g. a `stream`); secrets are always redacted. */
  logger?: boolean | { level?: string; stream?: NodeJS.WritableStream };
  /** An opened store; otherwise one is opened from `databaseUrl` (Postgres) or `sqlitePath`. */
  store?: Store;
  databaseUrl?: string;
  /** Postgres: days raw events are kept (more than 30), then dropped a daily partition at a time. Default: kept. */
  eventRetentionDays?: number;
  /** SQLite file; default in memory (tests). The CLI defaults to .edgewise-data/edgewise.db. */
  sqlitePath?: string;
  /** Public, write-only keys clients send events and predictions with. */
  writeKeys?: readonly string[];
  /** Secret for registry and experiment writes; without it those endpoints answer 403. */
  adminToken?: string;
  /** Origins allowed to call the API from another site; none by default (same origin only). */
  corsOrigins?: readonly string[];
  /** Requests per minute per (write key, client address) on /v1/events (default 1200). */
  rateLimitPerMinute?: number;
  /** Per-class limits per (write key, client address) per minute; see DEFAULT_RATE_LIMITS. */
  rateLimits?: Partial<RateLimits>;
  /**
   * Take the client address from X-Forwarded-For (Fastify's trustProxy: `true` or the
   * addresses/CIDRs of the proxies). Off by default: without a proxy that header is client-chosen.
   */
  trustProxy?: boolean | string | string[];
  /** Slow-client bounds (defaults: 60 s per request, 10 s for headers, 30 s idle). */
  timeouts?: Partial<Timeouts>;
  /** Largest /v1/events body (default 1 MiB). */
  eventsBodyLimitBytes?: number;
  /** Largest model upload (default 256 MiB). */
  modelBodyLimitBytes?: number;
  /** Experiments to create or update at start (e.g. from --experiments). */
  experiments?: readonly ExperimentDefinition[];
  /**
   * A share of users no experiment touches (`hashToUnit(userId, "holdout:" + seed) < share`), served
   * in GET /v1/experiments and applied by POST /v1/assignments. None by default.
   */
  holdout?: Holdout;
  /** How often bandit weights are recomputed (default 60 s; 0 = only on demand). */
  policyIntervalMs?: number;
  /** How long /readyz reports not-ready before the listener closes, for load balancers to notice (default 0). */
  shutdownDelayMs?: number;
  predictionCacheSize?: number;
  /** The clock events' timestamps are checked against (tests pin it); default Date.now. */
  now?: () => number;
  /** Limits of remote inference (cache bytes, input size) and async tasks (queue, retention). */
  predict?: Partial<PredictorLimits> & TaskLimits;
}

/** What the server holds besides Fastify, for the CLI and tests. */
export interface EdgewiseContext {
  store: Store;
  metrics: ServerMetrics;
  policies: PolicyScheduler;
  tasks: TaskRunner;
  isShuttingDown(): boolean;
  /** Not ready → wait shutdownDelayMs → stop accepting → finish in-flight requests and tasks → close the store. */
  shutdown(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    edgewise: EdgewiseContext;
  }
}

/**
 * Stores the start-up experiments, refusing layer overlaps among them and with stored experiments
 * they do not replace, so a file cannot put a user in two experiments of one namespace.
 */
async function putStartupExperiments(store: Store, definitions: readonly ExperimentDefinition[]) {
  if (definitions.length === 0) return;
  const within = overlapWithin(definitions);
  if (within) throw new Error(`start-up ${within}`);
  const keys = new Set(definitions.map((d) => d.key));
  const kept = (await store.experiments.list()).filter((e) => !keys.has(e.key));
  for (const definition of definitions) {
    const problem = namespaceOverlap(definition, kept);
    if (problem) throw new Error(`start-up experiment "${definition.key}": ${problem}`);
  }
  for (const definition of definitions) await store.experiments.put(definition);
}

function loggerOptions(logger: ServerOptions['logger']): FastifyServerOptions['logger'] {
  if (!logger) return false;
  const base = { redact: { paths: REDACT_PATHS, censor: '[redacted]' }, serializers: logSerializers };
  return logger === true
    ? { level: 'info', ...base }
    : { level: logger.level ?? 'info', ...base, ...(logger.stream ? { stream: logger.stream } : {}) };
}

/** Builds the Edgewise server: collector, registry, policies, results, remote inference, dashboard. */
export async function buildServer(options: ServerOptions = {}): Promise<FastifyInstance> {
  if (options.holdout) {
    const problem = holdoutProblem(options.holdout);
    if (problem) throw new Error(problem);
  }
  const app = Fastify({
    logger: loggerOptions(options.logger),
    // Routes that take more (events, predict, model uploads) say so; everything else is small JSON.
    bodyLimit: DEFAULT_BODY_LIMIT_BYTES,
    ...serverTimeouts({ ...DEFAULT_TIMEOUTS, ...options.timeouts }),
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
    // Strict input: no type coercion or silent stripping, so a bad payload is refused, not reshaped.
    ajv: {
      customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false, allowUnionTypes: true },
    },
    return503OnClosing: true,
  });
  addIsolationHeaders(app);
  installErrorHandler(app);

  const store =
    options.store ??
    openStore({
      databaseUrl: options.databaseUrl,
      sqlitePath: options.sqlitePath ?? ':memory:',
      ...(options.eventRetentionDays !== undefined ? { retentionDays: options.eventRetentionDays } : {}),
    });
  await store.migrate();
  // Partitions ahead of time (and retention) every hour; every replica may run it, one at a time.
  const housekeeping = setInterval(() => {
    store.maintain().catch((error: unknown) => app.log.error({ err: error }, 'store maintenance failed'));
  }, 3_600_000);
  housekeeping.unref();
  app.addHook('onClose', async () => clearInterval(housekeeping));
  await putStartupExperiments(store, options.experiments ?? []);

  const metrics = new ServerMetrics();
  installRequestMetrics(app, metrics);
  metrics.watchIngestQueue(store.events.commits);
  store.events.commits.observe((group) => {
    metrics.commitEvents.observe(group.events);
    metrics.commitDuration.observe({ store: store.kind }, group.seconds);
  });
  const fileManifest = options.modelsRoot ? await readFileManifest(options.modelsRoot) : undefined;
  const predictor = new OnnxPredictor(new ModelSource(store, fileManifest, options.modelsRoot), {
    sessions: 8,
    cachedPredictions: options.predictionCacheSize ?? 1000,
    ...options.predict,
  });
  const tasks = new TaskRunner(store, predictor, app.log, options.predict);
  const policies = new PolicyScheduler(store, metrics, app.log);
  const writeKeys = options.writeKeys ?? [];
  const rateLimitPerMinute = options.rateLimitPerMinute ?? DEFAULT_RATE_LIMITS.events;
  // Before any route and before @fastify/rate-limit, whose onRoute hook reads what this one sets.
  installRouteLimits(app, { ...DEFAULT_RATE_LIMITS, events: rateLimitPerMinute, ...options.rateLimits });

  let shuttingDown = false;
  let shutdownPromise: Promise<void> | undefined;
  app.decorate('edgewise', {
    store,
    metrics,
    policies,
    tasks,
    isShuttingDown: () => shuttingDown,
    shutdown() {
      shutdownPromise ??= (async () => {
        shuttingDown = true;
        if (options.shutdownDelayMs) await new Promise((r) => setTimeout(r, options.shutdownDelayMs));
        await app.close();
      })();
      return shutdownPromise;
    },
  } satisfies EdgewiseContext);
  app.addHook('onClose', async () => {
    shuttingDown = true;
    await policies.stop();
    await tasks.drain();
    await predictor.close();
    await store.close();
  });

  await app.register(cors, {
    origin: options.corsOrigins?.length ? [...options.corsOrigins] : false,
    methods: ['GET', 'HEAD', 'POST', 'PUT'],
    allowedHeaders: ['content-type', 'authorization', 'x-edgewise-key', 'if-none-match'],
    // The SDK backs off by Retry-After on 429/503; cross-origin it can only read exposed headers.
    exposedHeaders: ['retry-after', 'etag'],
    maxAge: 600,
  });
  // Replicas on one Postgres count into shared windows, so N of them enforce one limit, not N.
  const limits = store.limits;
  await app.register(rateLimit, {
    global: false,
    ...(limits ? { store: sharedRateLimitStore(limits) } : {}),
  });
  if (limits) {
    const prune = setInterval(() => {
      limits
        .prune(Date.now())
        .catch((error: unknown) => app.log.warn({ err: error }, 'pruning rate limits failed'));
    }, 60_000);
    prune.unref();
    app.addHook('onClose', async () => clearInterval(prune));
  }

  await app.register(healthRoutes, { store, metrics, isShuttingDown: () => shuttingDown });
  await app.register(collectorRoutes, {
    store,
    metrics,
    writeKeys,
    rateLimitPerMinute,
    bodyLimitBytes: options.eventsBodyLimitBytes ?? 1024 * 1024,
    ...(options.now ? { now: options.now } : {}),
    guardrails: new GuardrailMonitor(store, metrics, app.log, options.now),
  });
  await app.register(experimentsRoutes, {
    store,
    policies,
    adminToken: options.adminToken,
    maxAgeSeconds: Math.max(1, Math.round((options.policyIntervalMs ?? 60_000) / 1000)),
    ...(options.holdout ? { holdout: options.holdout } : {}),
  });
  await app.register(assignmentsRoutes, { store, writeKeys, holdout: options.holdout });
  await app.register(stopRoutes, {
    store,
    adminToken: options.adminToken,
    ...(options.now ? { now: options.now } : {}),
  });
  await app.register(resultsRoutes, { store });
  await app.register(contextualRoutes, { store });
  await app.register(registryRoutes, {
    store,
    adminToken: options.adminToken,
    fileManifest,
    modelBodyLimitBytes: options.modelBodyLimitBytes ?? 256 * 1024 * 1024,
  });
  await app.register(driftRoutes, {
    store,
    adminToken: options.adminToken,
    fileManifest,
    ...(options.now ? { now: options.now } : {}),
  });
  await app.register(predictRoutes, { store, predictor, tasks, metrics, writeKeys, rateLimitPerMinute });
  await app.register(dashboardRoutes);

  if (options.modelsRoot) await serveModels(app, options.modelsRoot, fileManifest);
  if (options.staticRoot) await serveStatic(app, options.staticRoot);

  app.addHook('onReady', async () => {
    await tasks.resume();
    tasks.startSweeping();
    policies.start(options.policyIntervalMs ?? 60_000);
  });
  return app;
}
