/**
 * A small Prometheus text-format registry: counters and histograms with labels. Enough for our
 * handful of series without another dependency.
 */
type Labels = Record<string, string>;

const labelKey = (labels: Labels) =>
  Object.keys(labels)
    .sort()
    .map(
      (k) => `${k}="${String(labels[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
    )
    .join(',');

export class Counter {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    if (this.values.size === 0) lines.push(`${this.name} 0`);
    for (const [key, value] of this.values) lines.push(`${this.name}${key ? `{${key}}` : ''} ${value}`);
    return lines.join('\n');
  }
}

export class Histogram {
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {}

  observe(labels: Labels, value: number): void {
    const key = labelKey(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    for (let i = 0; i < this.buckets.length; i++) if (value <= (this.buckets[i] as number)) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [key, s] of this.series) {
      const sep = key ? ',' : '';
      this.buckets.forEach((le, i) => {
        lines.push(`${this.name}_bucket{${key}${sep}le="${le}"} ${s.counts[i]}`);
      });
      lines.push(`${this.name}_bucket{${key}${sep}le="+Inf"} ${s.count}`);
      lines.push(`${this.name}_sum${key ? `{${key}}` : ''} ${s.sum}`);
      lines.push(`${this.name}_count${key ? `{${key}}` : ''} ${s.count}`);
    }
    return lines.join('\n');
  }
}

/** The series this server exports at /metrics. */
export class ServerMetrics {
  readonly requests = new Counter(
    'edgewise_http_requests_total',
    'HTTP requests by method, route and status.',
  );
  readonly latency = new Histogram(
    'edgewise_http_request_duration_seconds',
    'HTTP request latency by method and route.',
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  );
  readonly eventsIngested = new Counter(
    'edgewise_events_ingested_total',
    'Events stored for the first time.',
  );
  readonly duplicatesDropped = new Counter(
    'edgewise_events_duplicates_dropped_total',
    'Events dropped because their id was already stored.',
  );
  readonly batches = new Counter('edgewise_event_batches_total', 'Event batches acknowledged.');
  readonly predictions = new Counter(
    'edgewise_predictions_total',
    'Remote predictions, by whether the cache answered.',
  );
  readonly policyRuns = new Counter(
    'edgewise_policy_recomputes_total',
    'Bandit policy recomputations saved.',
  );
  readonly guardrailStops = new Counter(
    'edgewise_guardrail_stops_total',
    'Arms stopped by a breached guardrail, by experiment and metric.',
  );

  render(): string {
    return `${[
      this.requests,
      this.latency,
      this.eventsIngested,
      this.duplicatesDropped,
      this.batches,
      this.predictions,
      this.policyRuns,
      this.guardrailStops,
    ]
      .map((m) => m.render())
      .join('\n')}\n`;
  }
}
