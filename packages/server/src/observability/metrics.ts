import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

const UNLINTED_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** What the event store reports of its group commit, read when /metrics is scraped. */
export interface IngestQueueReader {
  /** Batches (and their events) waiting for the next group commit. */
  queued(): { batches: number; events: number };
}

/**
 * The series this server exports at /metrics, on prom-client: Node's process metrics (CPU, memory,
 * event-loop lag, GC, handles) plus ours. One registry per server instance, not prom-client's
 * global one, so several servers in one process (tests) do not collide.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  private readonly registers = [this.registry];

  readonly requests = new Counter({
    name: 'edgewise_http_requests_total',
    help: 'HTTP requests by method, route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: this.registers,
  });
  readonly latency = new Histogram({
    name: 'edgewise_http_request_duration_seconds',
    help: 'HTTP request latency by method and route.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: this.registers,
  });
  readonly eventsIngested = new Counter({
    name: 'edgewise_events_ingested_total',
    help: 'Events stored for the first time.',
    registers: this.registers,
  });
  readonly duplicatesDropped = new Counter({
    name: 'edgewise_events_duplicates_dropped_total',
    help: 'Events dropped because they were already stored.',
    registers: this.registers,
  });
  readonly batches = new Counter({
    name: 'edgewise_event_batches_total',
    help: 'Event batches acknowledged.',
    registers: this.registers,
  });
  readonly batchSize = new Histogram({
    name: 'edgewise_event_batch_size',
    help: 'Events per acknowledged batch, as clients sent them.',
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
    registers: this.registers,
  });
  readonly commitEvents = new Histogram({
    name: 'edgewise_ingest_commit_events',
    help: 'Events per group commit (several batches share one transaction).',
    buckets: [1, 10, 50, 100, 250, 500, 1000, 2500, 5000],
    registers: this.registers,
  });
  readonly commitDuration = new Histogram({
    name: 'edgewise_ingest_commit_duration_seconds',
    help: 'Time the database took to commit one group of batches, by store.',
    labelNames: ['store'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: this.registers,
  });
  readonly predictions = new Counter({
    name: 'edgewise_predictions_total',
    help: 'Remote predictions, by whether the cache answered.',
    labelNames: ['cached'] as const,
    registers: this.registers,
  });
  readonly policyRuns = new Counter({
    name: 'edgewise_policy_recomputes_total',
    help: 'Bandit policy recomputations saved, by policy.',
    labelNames: ['policy'] as const,
    registers: this.registers,
  });
  readonly guardrailStops = new Counter({
    name: 'edgewise_guardrail_stops_total',
    help: 'Arms stopped by a breached guardrail, by experiment and metric.',
    labelNames: ['experiment', 'metric'] as const,
    registers: this.registers,
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // Gauges named like counters, which promtool's lint refuses; the same counts stay exported by
    // type as nodejs_active_handles, nodejs_active_requests and nodejs_active_resources.
    for (const name of UNLINTED_DEFAULTS) this.registry.removeSingleMetric(name);
  }

  /** Gauges of the ingest queue, read from the store at every scrape. */
  watchIngestQueue(queue: IngestQueueReader): void {
    new Gauge({
      name: 'edgewise_ingest_queue_batches',
      help: 'Event batches waiting for the next group commit.',
      registers: this.registers,
      collect() {
        this.set(queue.queued().batches);
      },
    });
    new Gauge({
      name: 'edgewise_ingest_queue_events',
      help: 'Events in the batches waiting for the next group commit.',
      registers: this.registers,
      collect() {
        this.set(queue.queued().events);
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
